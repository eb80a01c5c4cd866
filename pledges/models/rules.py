"""Check constraints that explain themselves: the database holds the rule, and a form shows its
message, in plain words, beside the field a person corrects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.utils.functional import Promise


class Rule(models.CheckConstraint):
    """A CheckConstraint whose violation reads as a sentence and attaches to `field`.

    Model forms validate constraints (`Model.validate_constraints`), so a rule stated here is
    checked once for the database and once for the person filling the form, from one place.
    Give the message lazily (gettext_lazy, or format_lazy for one with numbers in it): it is
    read when it is shown, in the language of whoever reads it.
    """

    def __init__(
        self,
        *,
        condition: Any,
        name: str,
        violation_error_message: str | Promise,
        field: str | None = None,
        violation_error_code: str | None = None,
    ) -> None:
        super().__init__(
            condition=condition,
            name=name,
            violation_error_message=violation_error_message,
            violation_error_code=violation_error_code,
        )
        self.field = field

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            if self.field is None:
                raise
            raise ValidationError({self.field: error.error_list}) from None

    def clone(self) -> Rule:
        # Django clones each constraint of a model's Meta through deconstruct(), which leaves
        # the field out (see below): without this, every message would lose its field.
        clone = super().clone()
        clone.field = self.field
        return clone

    def deconstruct(self) -> tuple[str, Any, Any]:
        # Where a message shows is no concern of the database: migrations keep a plain check.
        _, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
