"""A partner's system using the API, with Python's standard library only.

    python docs/api_example.py --site http://127.0.0.1:8000 --key gcm_...

With a key made on the portal's "API keys" page, it drafts a joint pledge with targets for
the key holder's first organisation (partnering with another accredited organisation),
submits it, and waits until the secretariat publishes it; then it reads the pledge back
anonymously, as JSON and as CSV. A retried create sends the same Idempotency-Key, so it never
makes two pledges.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any


class Api:
    def __init__(self, site: str, key: str | None = None) -> None:
        self.site, self.key = site.rstrip("/"), key

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        asked = {"Accept": "application/json", **(headers or {})}
        if self.key:
            asked["Authorization"] = f"Bearer {self.key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            asked["Content-Type"] = "application/json"
        url = path if path.startswith(("http://", "https://")) else f"{self.site}{path}"
        if not url.startswith(("http://", "https://")):
            sys.exit(f"Not a web address: {url}")
        request = urllib.request.Request(url, data=data, method=method, headers=asked)  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                raw, status, got = answer.read(), answer.status, dict(answer.headers)
        except urllib.error.HTTPError as refusal:
            raw, status, got = refusal.read(), refusal.code, dict(refusal.headers)
        if got.get("Content-Type", "").startswith("application/json"):
            return status, json.loads(raw or b"null"), got
        return status, raw.decode(), got

    def get(self, path: str, **headers: str) -> Any:
        status, body, _ = self.call("GET", path, headers=headers)
        if status != 200:
            sys.exit(f"GET {path}: {status} {body}")
        return body


def open_cycle(api: Api) -> str:
    for cycle in api.get("/api/v1/cycles/"):
        if cycle["open_for_pledging"]:
            return cycle["code"]
    sys.exit("No review cycle is open for pledging today.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="An API key from the portal.")
    parser.add_argument("--wait", type=int, default=600, help="Seconds to wait for publication.")
    options = parser.parse_args()
    api, public = Api(options.site, options.key), Api(options.site)

    mine = api.get("/api/v1/portal/organisations/")
    if not mine:
        sys.exit("The key's holder belongs to no organisation.")
    lead = mine[0]
    others = public.get("/api/v1/organisations/?accredited=true&page_size=100")["results"]
    partner = next(o for o in others if o["id"] not in {m["id"] for m in mine})
    # Current indicators come first; this target is a share, so one measured in per cent.
    indicators = public.get("/api/v1/indicators/")
    indicator = next(i for i in indicators if i["unit"].startswith("percent"))

    pledge = {
        "cycle": open_cycle(public),
        "lead_organisation": lead["id"],
        "title": f"Fair recruitment corridors with {partner['name']}",
        "description": "Together we certify recruitment agencies on the corridor, train labour "
        "inspectors and publish each agency's record, so that no worker pays a recruitment "
        "fee. We report every six months with the register of certified agencies as evidence, "
        "and we publish the inspectors' findings for each agency, so that workers and their "
        "families can choose an agency that treats them fairly.",
        "form_policy": True,
        "form_process": True,
        "joint_kind": "partnership",
        "partners": [partner["id"]],
        "main_objectives": [6],
        "further_objectives": [23],
        "principles": ["c"],
        "areas": ["KEN"],
        "start_date": dt.datetime.now(dt.UTC).date().isoformat(),
        "deadline": "2030-12-31",
        "targets": [
            {
                "own_metric": "Workers recruited through certified agencies",
                "unit": "workers",
                "baseline_value": "1200",
                "baseline_year": 2025,
                "target_value": "10000",
                "target_year": 2030,
            },
            {
                "indicator": indicator["id"],
                "baseline_value": "14.5",
                "baseline_year": 2024,
                "target_value": "9",
                "target_year": 2030,
            },
        ],
    }
    key = str(uuid.uuid4())
    for _attempt in range(2):  # a retry with the same key answers as the first did
        status, created, _ = api.call(
            "POST", "/api/v1/portal/pledges/", pledge, {"Idempotency-Key": key}
        )
        if status != 201:
            sys.exit(f"Refused ({status}): {json.dumps(created, indent=2)}")
    reference = created["reference"]
    print(f"Drafted {reference} (version {created['version']}), partner invited: {partner['name']}")

    status, submitted, _ = api.call("POST", f"/api/v1/portal/pledges/{reference}/submit/")
    if status != 200:
        sys.exit(f"Not submitted ({status}): {json.dumps(submitted, indent=2)}")
    print(f"Submitted {reference}: waiting for the secretariat to publish it...")

    deadline = time.monotonic() + options.wait
    while True:
        status, record, _ = public.call("GET", f"/api/v1/pledges/{reference}/")
        if status == 200:
            break
        if time.monotonic() > deadline:
            sys.exit(f"{reference} is not published yet; run again later.")
        time.sleep(5)
    print(f"Published: {record['title']}, objectives {record['main_objectives']}")
    for target in record["targets"]:
        print(f"  target {target['target_value']} {target['unit']} by {target['target_year']}")
    status, text, _ = public.call(
        "GET", "/api/v1/pledges/?format=csv", headers={"Accept": "text/csv"}
    )
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["reference"] == reference]
    print(f"As CSV: {row['reference']}, {row['title']}, lead {row['lead_organisation.name']}")


if __name__ == "__main__":
    main()
