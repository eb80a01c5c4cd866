"""Loading the IMRF review cycles and their regional reviews from the reference data."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction

from indicators.datafile import DataFileError, Entry, unique, upsert
from indicators.models import Area, AreaKind
from pledges.models import RegionalReview, ReviewCycle


def review_cycles_parse(data: Any) -> list[dict[str, Any]]:
    """Check the `review_cycles` section; raise DataFileError if it is malformed."""
    cycles = []
    for e in Entry(data, "file").entries("review_cycles"):
        reviews = [
            {
                "code": r.str("code", max_length=20),
                "commission": r.str("commission", required=False),
                "values": {
                    "title": r.str("title", max_length=300),
                    "hosts": r.str("hosts", required=False, max_length=200),
                    "starts_on": r.date("starts_on"),
                    "ends_on": r.date("ends_on"),
                    "dates_note": r.str("dates_note", required=False, max_length=200),
                    "source": r.str("source", required=False, max_length=500),
                },
            }
            for r in e.entries("regional_reviews", required=False)
        ]
        for review in reviews:
            starts, ends = review["values"]["starts_on"], review["values"]["ends_on"]
            if starts and ends and ends < starts:
                raise DataFileError(f"{e.path}: {review['code']} ends before it starts")
        values = {
            "title": e.str("title", max_length=200),
            "forum_year": e.int("forum_year"),
            "forum_start": e.date("forum_start"),
            "forum_end": e.date("forum_end"),
            "forum_location": e.str("forum_location", required=False, max_length=200),
            "notes": e.str("notes", required=False),
        }
        if values["forum_start"] and values["forum_end"] < values["forum_start"]:
            raise DataFileError(f"{e.path}: the forum ends before it starts")
        cycles.append({"code": e.str("code", max_length=20), "values": values, "reviews": reviews})
    unique([c["code"] for c in cycles], "review_cycles")
    unique([r["code"] for c in cycles for r in c["reviews"]], "regional_reviews")
    return cycles


@transaction.atomic
def review_cycles_load(*, cycles: list[dict[str, Any]]) -> Counter[str]:
    """Create missing cycles and regional reviews, update changed facts.

    Pledging and reporting windows are the secretariat's to set, so they are never touched.
    Commissions must already be loaded (indicators.framework.framework_load).
    """
    counts: Counter[str] = Counter()
    commissions = {a.code: a for a in Area.objects.filter(kind=AreaKind.COMMISSION)}
    for row in cycles:
        cycle, outcome = upsert(ReviewCycle, {"code": row["code"]}, row["values"])
        counts[f"review cycles {outcome}"] += 1
        for review in row["reviews"]:
            code = review["commission"]
            if code and code not in commissions:
                raise DataFileError(f"regional review {review['code']}: unknown commission {code}")
            values = review["values"] | {"cycle": cycle, "commission": commissions.get(code)}
            counts[
                f"regional reviews {upsert(RegionalReview, {'code': review['code']}, values)[1]}"
            ] += 1
    return counts
