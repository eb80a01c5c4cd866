"""Messages are rows: what the application decided to tell people, until it is sent."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A message that failed this often is left for a person to look at (it stays in the admin).
MAX_ATTEMPTS = 12


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: dt.datetime) -> OutboxQuerySet:
        """Not sent, and nobody holds it: never claimed, or the claim has run out."""
        return self.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            sent_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
        )


class OutboxMessage(models.Model):
    """An e-mail, rendered and addressed in the transaction of the change that calls for it.

    A worker sends it once that transaction has committed. Whoever sends it first claims it
    with a lease that runs out (not a permanent mark), and marks it sent only once it went out:
    a broker that is down, or a worker killed while sending, delays the message but never loses
    it, because a periodic sweep sends what is due.
    """

    name = models.CharField(
        _("name"), max_length=60, help_text=_("Which message this is, e.g. review_event.")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("body text"))
    body_html = models.TextField(_("body html"), blank=True)
    recipients = models.JSONField(_("recipients"), default=list)
    # Extra mail headers, such as List-Unsubscribe for digests people signed up to.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    lease_until = models.DateTimeField(
        _("lease until"),
        null=True,
        blank=True,
        help_text=_("Claimed by a sender until then, or not before then."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
