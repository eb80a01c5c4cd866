"""Form widgets of the portal that work without scripts: a text field with the browser's own
suggestions, and a long list of places as checkboxes folded by region."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from indicators.models import Area, AreaKind


class SuggestionsInput(forms.TextInput):
    """A text input with the browser's own list of suggestions: searchable as one types,
    without a script."""

    def __init__(self, suggestions: Callable[[], list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suggestions = suggestions

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id', name)}-suggestions"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.suggestions())
        return field + format_html('<datalist id="{}">{}</datalist>', list_id, options)


def reading_order(name: str) -> str:
    """Names sorted as people read them: Åland Islands among the A's, Côte d'Ivoire before
    Czechia."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def area_groups() -> list[tuple[str, list[Area]]]:
    """Regions and groupings first, then each region's countries: one query."""
    areas = list(Area.objects.exclude(kind=AreaKind.WORLD).select_related("parent__parent__parent"))
    groupings = [a for a in areas if a.kind != AreaKind.COUNTRY]
    by_region: dict[str, list[Area]] = {}
    for country in (a for a in areas if a.kind == AreaKind.COUNTRY):
        region = country.parent
        while region is not None and region.kind != AreaKind.REGION:
            region = region.parent
        # Translators: the group of countries in no region, in the list of places to choose.
        by_region.setdefault(region.name if region else gettext("Other"), []).append(country)
    groups = [(gettext("Regions and groupings"), groupings)]
    groups += [(region, by_region[region]) for region in sorted(by_region, key=reading_order)]
    return [
        (title, sorted(members, key=lambda a: reading_order(a.name))) for title, members in groups
    ]


class AreaChecklist(forms.CheckboxSelectMultiple):
    """Places as checkboxes, folded by region (a group with a chosen place stays open), in
    reading order; where scripts run, a filter box narrows the list as one types."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return ""  # each checkbox sits in its own label

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in value or []}
        groups = []
        for title, areas in area_groups():
            picked = sum(str(a.pk) in chosen for a in areas)
            boxes = format_html_join(
                "",
                '<li><label><input type="checkbox" name="{}" value="{}"{}> {}</label></li>',
                ((name, a.pk, " checked" if str(a.pk) in chosen else "", a.name) for a in areas),
            )
            summary = (
                # Translators: a region in the list of places, and how many of its places
                # are ticked.
                ngettext("%(region)s (%(count)s chosen)", "%(region)s (%(count)s chosen)", picked)
                % {"region": title, "count": picked}
                if picked
                else title
            )
            groups.append(
                format_html(
                    "<details{}><summary>{}</summary><ul>{}</ul></details>",
                    " open" if picked else "",
                    summary,
                    boxes,
                )
            )
        return format_html(
            '<div class="checklist" id="{}">'
            '<input type="search" class="checklist-filter" placeholder="{}" aria-label="{}" '
            "hidden>{}</div>",
            (attrs or {}).get("id", name),
            gettext("Type to find a country or region"),
            gettext("Find a country or region"),
            SafeString("".join(groups)),
        )
