"""Forms of the project's own pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tracker.tokens import LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the key, e.g. “ministry reporting system”."),
    )
    days = forms.TypedChoiceField(
        # Translators: how long an API key lasts before it stops working.
        label=_("Valid for"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in LIFETIMES
        ],
        initial=90,
    )
