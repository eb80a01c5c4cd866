"""Forms of the project's own pages."""

from __future__ import annotations

from django import forms

from tracker.tokens import LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use the key, e.g. “ministry reporting system”."
    )
    days = forms.TypedChoiceField(
        label="Valid for",
        coerce=int,
        choices=[(days, f"{days} days") for days in LIFETIMES],
        initial=90,
    )
