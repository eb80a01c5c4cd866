"""The site's user (an e-mail address is the login), the workers' heartbeat, the long jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their address in any case; log them in whatever case they use.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an e-mail address.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("secretariat staff"),
        default=False,
        help_text=_("Staff members are the secretariat: they can use the admin workbench."),
    )
    is_active = models.BooleanField(_("is active"), default=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the site and of e-mails for this person; empty: English."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the heartbeat task that beat sends every 30 seconds.

    One row: beat hands the task to whichever worker is free, so the row proves that some
    worker takes tasks off the queue (and names the last one), not that every worker lives.
    Rows per worker would only record which one happened to take it, and the names of
    workers that are gone would stay forever.
    """

    ROW = 1

    id = models.PositiveSmallIntegerField(_("id"), primary_key=True, default=ROW, editable=False)
    hostname = models.CharField(_("hostname"), max_length=255)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="worker_heartbeat_one_row"),
        ]

    def __str__(self) -> str:
        # Translators: a worker's name and when it was last seen at work.
        return gettext("%(hostname)s at %(time)s") % {
            "hostname": self.hostname,
            "time": f"{self.last_seen:%Y-%m-%d %H:%M:%S}",
        }

    @classmethod
    def record(cls, *, hostname: str) -> None:
        cls.objects.update_or_create(
            id=cls.ROW, defaults={"hostname": hostname, "last_seen": timezone.now()}
        )

    @classmethod
    def last_seen_at(cls) -> datetime | None:
        """When a worker last beat, or None if none ever did: one query."""
        return cls.objects.filter(id=cls.ROW).values_list("last_seen", flat=True).first()


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A piece of long work (an import, a report) done by a worker: the row is the truth.

    The request is saved first, then a task is queued to do it. A broker can lose the
    message, and a worker can die mid-way; the row tells which (still queued, or a heartbeat
    gone quiet), so the sweep in tracker.jobs can queue it again or mark it interrupted for
    someone to run again. What each kind does is registered in tracker.jobs.
    """

    kind = models.CharField(_("kind"), max_length=50)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0, help_text=_("From 0 to 1."))
    step = models.CharField(
        _("step"), max_length=300, blank=True, help_text=_("What the worker is doing.")
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=1), name="job_progress_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Job %(number)s: %(kind)s (%(state)s)") % {
            "number": self.pk,
            "kind": self.kind,
            "state": self.get_state_display(),
        }

    @property
    def is_active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class ApiToken(models.Model):
    """A personal key for the API: its holder's scripts act as the holder, for the holder's
    organisations. Only a digest is kept; the key itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the key is for, e.g. 'ministry sync'.")
    )
    # The first characters of the key, to tell keys apart in lists without revealing them.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("api token")
        verbose_name_plural = _("api tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotentRequest(models.Model):
    """A create asked through the API with an Idempotency-Key, and what it answered: the same
    key asked again gets the same answer instead of a second pledge."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=255)
    # What was asked (method, path, body), so a key reused for something else is refused.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("body"))
    location = models.CharField(_("location"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
