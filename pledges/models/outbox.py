"""Messages are rows: what the application decided to tell people, until it is sent."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

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

    name = models.CharField(max_length=60, help_text="Which message this is, e.g. review_event.")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    recipients = models.JSONField(default=list)
    # Extra mail headers, such as List-Unsubscribe for digests people signed up to.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="Claimed by a sender until then, or not before then."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = "outgoing e-mail"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
