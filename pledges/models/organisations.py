"""Organisations and their people: members, invitations, requests to join."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from indicators.models import Area
from pledges.models.rules import Rule


class OrganisationKind(models.TextChoices):
    MEMBER_STATE = "member_state", "Member State"
    LOCAL_GOVERNMENT = "local_government", "Local or regional government"
    PARLIAMENT = "parliament", "Parliament"
    CIVIL_SOCIETY = "civil_society", "Civil society organisation"
    MIGRANT_DIASPORA = "migrant_diaspora", "Migrant or diaspora organisation"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    TRADE_UNION = "trade_union", "Trade union"
    ACADEMIA = "academia", "Academia"
    NHRI = "nhri", "National human rights institution"
    MEDIA = "media", "Media"
    YOUTH = "youth", "Youth organisation"
    FAITH_BASED = "faith_based", "Faith-based organisation"
    UN_ENTITY = "un_entity", "UN entity"
    INTERNATIONAL_ORGANISATION = "international_organisation", "Other international organisation"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind": "country"},
        help_text="A Member State's own country; for others, where they are based.",
    )
    website = models.URLField(blank=True)
    accredited = models.BooleanField(
        default=False, help_text="Accredited by the secretariat: may submit pledges."
    )
    accredited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message="An organisation of this name is registered already.",
            ),
            Rule(
                condition=~Q(kind=OrganisationKind.MEMBER_STATE) | Q(country__isnull=False),
                name="member_state_has_country",
                field="country",
                violation_error_message="A Member State's organisation names its country.",
            ),
            Rule(
                condition=Q(accredited=False) | Q(accredited_at__isnull=False),
                name="accredited_has_date",
                field="accredited_at",
                violation_error_message="Give the date of the accreditation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    FOCAL_POINT = "focal_point", "Focal point"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_unique",
                violation_error_message="This person is a member of the organisation already.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A focal point's invitation, by e-mail, to join the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
                violation_error_message="This address has an open invitation already.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(models.Model):
    """A user's request to join an organisation, decided by its focal point."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status=JoinRequestStatus.PENDING),
                name="one_pending_join_request",
                violation_error_message="You asked already; the focal point will answer.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.organisation}"
