"""What every list of the read API offers beside JSON: the same rows as CSV, streamed, and
only the fields a client asks for (`?fields=reference,title`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.filters import SearchFilter
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from indicators import sdmx
from indicators.spreadsheets import csv_writer

SEPARATOR = "; "
# Rows read from the database at a time while a CSV streams: flat memory, few queries.
CSV_CHUNK = 1000


class CsvRenderer(BaseRenderer):
    """`?format=csv` or `Accept: text/csv`. Lists stream through `CsvListMixin`; what else it
    is handed (one record) is written here, in the columns of the view's serializer."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, context: Any = None):
        context = context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            return "".join(csv_lines(["field", "message"], _errors(data)))
        serializer = context["view"].get_serializer()
        records = data if isinstance(data, list) else [data]
        return "".join(csv_lines(csv_header(serializer), (csv_row(r, serializer) for r in records)))


def _errors(data: Any) -> Iterator[list[str]]:
    """An error's reasons, one a line: the field (or "detail") and the message."""
    for field, messages in data.items() if isinstance(data, Mapping) else [("detail", data)]:
        for message in messages if isinstance(messages, list) else [messages]:
            yield [field, str(message)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv_writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _nested(field: serializers.Field) -> bool:
    return isinstance(field, serializers.Serializer)


def csv_header(serializer: serializers.Serializer) -> list[str]:
    """The columns of a record: a nested object's fields as `parent.child`, else one each."""
    header = []
    for name, field in serializer.fields.items():
        if _nested(field):
            header += [f"{name}.{child}" for child in field.fields]
        else:
            header.append(name)
    return header


def csv_row(record: Mapping[str, Any], serializer: serializers.Serializer) -> list[Any]:
    """A record's cells in `csv_header`'s columns: lists of values joined by "; ", lists of
    objects as `key=value` text, free-form objects (attributes) as JSON, keys sorted."""
    row: list[Any] = []
    for name, field in serializer.fields.items():
        value = record.get(name)
        if _nested(field):
            row += [(value or {}).get(child) for child in field.fields]
        else:
            row.append(_cell(value))
    return row


def _cell(value: Any) -> Any:
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else ""
    if isinstance(value, list):
        return SEPARATOR.join(
            " ".join(f"{k}={v}" for k, v in item.items() if v not in (None, ""))
            if isinstance(item, Mapping)
            else str(item)
            for item in value
        )
    return value


class SparseFieldsMixin(serializers.Serializer):
    """`?fields=a,b` keeps those fields of each record; a name the record has not is a 400."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        wanted = request.query_params.get("fields", "") if request is not None else ""
        if not wanted:
            return
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        unknown = sorted(set(names) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    "fields": [
                        # Translators: both are lists of field names, which stay as they are.
                        _("No such field: %(unknown)s. Choose among: %(fields)s.")
                        % {"unknown": ", ".join(unknown), "fields": ", ".join(self.fields)}
                    ]
                }
            )
        for name in set(self.fields) - set(names):
            self.fields.pop(name)


FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Only these fields of each record, comma-separated (e.g. reference,title).",
)
FORMAT_NOTES = {
    "json": "json: JSON, a page at a time",
    "csv": "csv: the record, or every row of the filtered list in one streamed CSV rather "
    "than a page (also by `Accept: text/csv`)",
    "sdmx-csv": "sdmx-csv: every row as SDMX-CSV 1.0, for statistical tools (also by "
    f"`Accept: {sdmx.MEDIA_TYPE}`)",
}


def documented[T](view: T) -> T:
    """A read view's schema with the `fields` and `format` every one of them takes; `fields`
    names its serializer's fields only, `format` the view's renderers."""
    names = "|".join(view.serializer_class().fields)  # type: ignore[attr-defined]
    fields = OpenApiParameter(
        FIELDS.name,
        OpenApiTypes.STR,
        description=FIELDS.description,
        pattern=f"^({names})(,({names}))*$",
    )
    formats = [
        renderer.format
        for renderer in view.renderer_classes  # type: ignore[attr-defined]
        if renderer.format in FORMAT_NOTES
    ]
    format_parameter = OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=formats,
        description="; ".join(FORMAT_NOTES[name] for name in formats) + ".",
    )
    return extend_schema_view(get=extend_schema(parameters=[fields, format_parameter]))(view)


ERROR_BODY = {
    "type": "object",
    "description": "The reasons: each field named with its messages, or `detail`. The "
    "messages of a list's items are objects: one per item (targets, values measured), or by "
    "the position of the wrong items (a list of plain values).",
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}
CLIENT_ERRORS = {
    "400": "A parameter names nothing, or is malformed: the reasons, by parameter.",
    "404": "Nothing public under this address.",
    "429": "Too many requests: come back after `Retry-After` seconds.",
}
# What writes (behind a key) answer besides.
WRITE_ERRORS = {
    "401": "No key, or one that is unknown, expired or revoked: the reason.",
    "403": "Your organisations may not do this (now): the reason.",
}
EDIT_ERRORS = {
    "409": "Someone saved after the version you sent: read again, then edit.",
    "412": "The If-Match sent is not the current ETag: read again, then edit.",
    "428": "Say which version you edit: If-Match, or `version` in the body.",
}
CREATE_ERRORS = {
    "422": "This Idempotency-Key was used for another request.",
}


def api_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answers, and a rule of the domain broken deep down (a Django ValidationError
    that no form caught first) as a 400 with its messages rather than a 500; the body is an
    object, as the schema says."""
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        error = exceptions.ValidationError(detail)
    response = exception_handler(error, context)
    if response is not None and isinstance(response.data, list):
        # Reasons tied to no field are answered as the forms' are: an object, always.
        response.data = {"non_field_errors": response.data}
    return response


def read_api_schema(result: dict, **kwargs: Any) -> dict:
    """A postprocessing hook of drf-spectacular: every operation says how it refuses, and no
    field of a record is required, as `fields=` may leave any out."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):  # what clients send keeps its required fields
            component.pop("required", None)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            refusals = dict(CLIENT_ERRORS)
            if "security" in operation and {} not in operation["security"]:
                refusals.update(WRITE_ERRORS)
            if method in ("put", "patch"):
                refusals.update(EDIT_ERRORS)
            if method == "post":
                refusals.update(CREATE_ERRORS)
            # A refusal comes in the format asked for, as the answer would have.
            answered = {
                medium
                for code, response in operation["responses"].items()
                if code.startswith("2")
                for medium in response.get("content", {})
            }
            for status, description in refusals.items():
                if status == "404" and "{" not in path:
                    continue
                content = {"application/json": {"schema": ERROR_BODY}}
                content.update(
                    {
                        medium: {"schema": {"type": "string"}}
                        for medium in answered
                        if medium != "application/json"
                    }
                )
                operation["responses"].setdefault(
                    status, {"description": description, "content": content}
                )
    return result


class Search(SearchFilter):
    """DRF's `?search=`, whose refusal (a null character) names its parameter, as every
    other refusal does."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as error:
            raise exceptions.ValidationError({self.search_param: error.detail}) from error


class SdmxCsvRenderer(CsvRenderer):
    """`?format=sdmx-csv` or `Accept: application/vnd.sdmx.data+csv`: observations for
    statistical tools (indicators.sdmx); refusals as the CSV renderer writes them."""

    media_type = sdmx.MEDIA_TYPE
    format = "sdmx-csv"


def sdmx_response(rows: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    header = next(rows)
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=sdmx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CsvListMixin:
    """A list view whose CSV is every row of the filtered list, streamed, not one page."""

    csv_filename = "data"

    def list(self, request: Request, *args: Any, **kwargs: Any):
        if request.accepted_renderer.format != CsvRenderer.format:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        paginator = self.paginator  # type: ignore[attr-defined]
        # The order the pages would come in (`?ordering=` included), all on one sheet.
        if isinstance(paginator, CursorPagination):
            queryset = queryset.order_by(*paginator.get_ordering(request, queryset, self))
        serializer = self.get_serializer()  # type: ignore[attr-defined]
        header = csv_header(serializer)

        def rows() -> Iterator[list[Any]]:
            for item in queryset.iterator(chunk_size=CSV_CHUNK):
                yield csv_row(self.get_serializer(item).data, serializer)  # type: ignore[attr-defined]

        lines = csv_lines(header, rows())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response
