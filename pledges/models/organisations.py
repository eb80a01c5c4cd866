"""Organisations and their people: members, invitations, requests to join."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area
from pledges.models.rules import Rule


class OrganisationKind(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member State")
    LOCAL_GOVERNMENT = "local_government", _("Local or regional government")
    PARLIAMENT = "parliament", _("Parliament")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    MIGRANT_DIASPORA = "migrant_diaspora", _("Migrant or diaspora organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    TRADE_UNION = "trade_union", _("Trade union")
    ACADEMIA = "academia", _("Academia")
    NHRI = "nhri", _("National human rights institution")
    MEDIA = "media", _("Media")
    YOUTH = "youth", _("Youth organisation")
    FAITH_BASED = "faith_based", _("Faith-based organisation")
    UN_ENTITY = "un_entity", _("UN entity")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("Other international organisation")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind": "country"},
        help_text=_("A Member State's own country; for others, where they are based."),
        verbose_name=_("country"),
    )
    website = models.URLField(_("website"), blank=True)
    accredited = models.BooleanField(
        _("accredited"),
        default=False,
        help_text=_("Accredited by the secretariat: may submit pledges."),
    )
    accredited_at = models.DateTimeField(_("accredited at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_("An organisation of this name is registered already."),
            ),
            Rule(
                condition=~Q(kind=OrganisationKind.MEMBER_STATE) | Q(country__isnull=False),
                name="member_state_has_country",
                field="country",
                violation_error_message=_("A Member State's organisation names its country."),
            ),
            Rule(
                condition=Q(accredited=False) | Q(accredited_at__isnull=False),
                name="accredited_has_date",
                field="accredited_at",
                violation_error_message=_("Give the date of the accreditation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FOCAL_POINT = "focal_point", _("Focal point")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_unique",
                violation_error_message=_("This person is a member of the organisation already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A focal point's invitation, by e-mail, to join the organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
                violation_error_message=_("This address has an open invitation already."),
            ),
        ]

    def __str__(self) -> str:
        # Translators: an invitation of an e-mail address to join an organisation.
        return gettext("%(email)s to %(organisation)s") % {
            "email": self.email,
            "organisation": self.organisation,
        }


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """A user's request to join an organisation, decided by its focal point."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("user"),
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status=JoinRequestStatus.PENDING),
                name="one_pending_join_request",
                violation_error_message=_("You asked already; the focal point will answer."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(user)s asks to join %(organisation)s") % {
            "user": self.user,
            "organisation": self.organisation,
        }
