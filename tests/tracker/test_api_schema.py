"""The API describes itself: an OpenAPI 3 schema anyone may read, and documentation pages
whose scripts and styles are the site's own files, so they render with the network off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _parameter(found: re.Match) -> str:
    # Spectacular names a primary key by the model's field: id.
    name = found.group(1)
    return "{id}" if name == "pk" else "{" + name + "}"


def test_the_schema_describes_every_endpoint_of_the_api(client):
    from django.urls import get_resolver

    response = client.get(reverse("api_schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    documented = set(schema["paths"])
    routes = {
        "/api/v1/" + re.sub(r"<(?:str|int):(\w+)>", _parameter, str(pattern.pattern))
        for pattern in get_resolver().url_patterns
        if str(pattern.pattern) == "api/v1/"
        for pattern in pattern.url_patterns
        if str(pattern.pattern)  # the root is an index, not an endpoint
    }
    assert documented == routes
    pledges = schema["paths"]["/api/v1/pledges/"]["get"]
    parameters = {p["name"] for p in pledges["parameters"]}
    assert {"objective", "country", "q", "cursor", "page_size", "fields", "format"} <= parameters
    assert "text/csv" in pledges["responses"]["200"]["content"]


def test_the_documentation_renders_from_the_sites_own_files(client):
    # Swagger UI alone: Redoc's bundle fetches its logo from its makers' CDN.
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    text = response.text
    assert "drf_spectacular_sidecar" in text
    assert not re.search(r"(src|href)=\"https?://", text)


def test_every_field_is_described_and_the_main_calls_have_examples(client):
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []
    paths = schema["paths"]
    create = paths["/api/v1/portal/pledges/"]["post"]
    assert "examples" in create["requestBody"]["content"]["application/json"]
    detail = paths["/api/v1/pledges/{reference}/"]["get"]["responses"]["200"]
    assert "examples" in detail["content"]["application/json"]
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    for method in ("put", "patch"):
        edit = paths["/api/v1/portal/pledges/{reference}/"][method]["responses"]
        assert {"409", "412", "428"} <= set(edit)
