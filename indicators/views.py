"""Public indicator pages: the index with data availability, an indicator's page, its data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from indicators.charts import line_chart_svg
from indicators.imports import observations_export
from indicators.models import Area, Indicator
from indicators.progress import ProgressStatus
from indicators.selectors import (
    area_reporting,
    indicator_areas,
    indicator_get,
    indicator_series,
    indicators_by_objective,
)

# Query parameters that choose a disaggregation are the dimension's name behind this prefix.
DIMENSION_PARAM = "d-"


class IndicatorIndexView(TemplateView):
    template_name = "indicators/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        groups = indicators_by_objective()
        entries = {e.indicator.pk: e for g in groups for e in g.entries}.values()
        return super().get_context_data(
            groups=groups,
            indicator_count=len(entries),
            with_data=sum(1 for e in entries if e.availability.observations),
            **kwargs,
        )


class IndicatorDetailView(TemplateView):
    template_name = "indicators/detail.html"
    # Given by the project's URLs: this app knows nothing of pledges, the project ties them.
    pledges_for: Callable[[Indicator], Sequence[Any]] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        indicator = indicator_get(kwargs["pk"])
        if indicator is None:
            raise Http404("No such indicator.")
        areas = list(indicator_areas(indicator))
        context: dict[str, Any] = {
            "indicator": indicator,
            "areas": areas,
            "objectives": list(indicator.objectives.all()),
            "pledges": self.pledges_for(indicator) if self.pledges_for else [],
            "statuses": list(ProgressStatus),
            "dimension_param": DIMENSION_PARAM,
        }
        area = _chosen_area(self.request, areas)
        if area is not None:
            context["area"] = area
            context["reporting"] = area_reporting(indicator, area)
        if area is not None and area.points:
            choices = {
                key.removeprefix(DIMENSION_PARAM): value
                for key, value in self.request.GET.items()
                if key.startswith(DIMENSION_PARAM)
            }
            series = indicator_series(
                indicator=indicator,
                area=area,
                choices=choices,
                compare=self.request.GET.get("compare", ""),
            )
            context["series"] = series
            context["comparable"] = [
                d for d in series.dimensions if len(d.options) > 1 and not d.is_measure
            ]
            context["chart"] = line_chart_svg(
                series.chart_series,
                # Translators: a chart's title: the indicator's name, and the area its data are of.
                title=gettext("%(indicator)s, %(area)s")
                % {"indicator": indicator.short_name or indicator.name, "area": area.name},
                unit=series.unit,
                target=series.target_line,
            )
        return super().get_context_data(**context, **kwargs)


def _chosen_area(request: HttpRequest, areas: list[Area]) -> Area | None:
    """The area asked for, with or without data; else the world, if it has data; else the first.

    An area asked for that has no data comes back with `points` at 0, so that the page says
    so under its own name instead of showing another area's chart; a code that names no
    area is a page that does not exist.
    """
    wanted = request.GET.get("area", "").strip().upper()
    by_code = {a.code: a for a in areas}
    if wanted:
        if wanted in by_code:
            return by_code[wanted]
        area = Area.objects.filter(code=wanted).first()
        if area is None:
            raise Http404("No area has this code.")
        area.points = 0
        return area
    return by_code.get("001") or (areas[0] if areas else None)


@require_GET
def indicator_data_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """An area's observations of the indicator, all disaggregations, in the Open SDG layout."""
    indicator = indicator_get(pk)
    area = Area.objects.filter(code=request.GET.get("area", "").upper()).first()
    if indicator is None or area is None:
        raise Http404("Give an indicator and an area (?area=ISO3 or M49 code).")
    name = (indicator.sdg_code or indicator.code or str(indicator.pk)).replace(".", "-")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicator_{name}_{area.code}.csv"'
    observations_export(indicator=indicator, area=area, out=response)
    return response
