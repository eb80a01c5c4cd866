"""Visitors who follow a pledge, an objective or an area by e-mail, without an account."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, Objective
from pledges.models.pledges import Pledge
from pledges.models.rules import Rule


def follow_token() -> str:
    return secrets.token_urlsafe(32)


class FollowKind(models.TextChoices):
    PLEDGE = "pledge", _("a pledge")
    OBJECTIVE = "objective", _("an objective")
    AREA = "area", _("a country or region")


class Following(models.Model):
    """One address following one thing. It counts once confirmed (double opt-in) and until
    cancelled; `sent_through` is how far its digests have told, so nothing goes twice.

    The token in its links is the only credential: whoever has the e-mail may confirm or
    cancel, and nobody else. The address is never shown on the public site.
    """

    email = models.EmailField(_("email"))
    # The language of the page it was asked from: its e-mails are written in it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FollowKind.choices)
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pledge"),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("objective"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=follow_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    sent_through = models.DateTimeField(
        _("sent through"),
        null=True,
        blank=True,
        help_text=_("Digests have told what was published up to then."),
    )

    class Meta:
        verbose_name = _("following")
        verbose_name_plural = _("followings")
        ordering = ["-created_at"]
        constraints = [
            Rule(
                condition=(
                    Q(kind="pledge", pledge__isnull=False, objective=None, area=None)
                    | Q(kind="objective", objective__isnull=False, pledge=None, area=None)
                    | Q(kind="area", area__isnull=False, pledge=None, objective=None)
                ),
                name="following_one_subject_of_its_kind",
                violation_error_message=_("Follow one pledge, objective or area at a time."),
            ),
        ]
        indexes = [models.Index(fields=["email", "kind"])]

    def __str__(self) -> str:
        return gettext("%(email)s follows %(subject)s") % {
            "email": self.email,
            "subject": self.subject,
        }

    @property
    def subject(self) -> Pledge | Objective | Area:
        return self.pledge or self.objective or self.area  # type: ignore[return-value]

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.cancelled_at is None
