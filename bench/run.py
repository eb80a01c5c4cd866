"""The benchmark: the tracker under HTTP load, every figure a ratio to baselines of the same run.

    make bench                      # 50,000 pledges, 500,000 updates; writes docs/performance.md
    .venv/bin/python bench/run.py --pledges 5000 --updates 50000 --seconds 4   # a quick look

Loads synthetic data (seed_synthetic, plus a value for every indicator, country and year) into
PostgreSQL when DATABASE_URL points there, into SQLite in var/bench/ otherwise; builds the global
cycle report at half and at full data; imports an Open SDG file; then starts gunicorn as in
production (DEBUG off, two sync workers) and drives each page from a load process of its own
(bench/load.py) at fixed concurrency, after a warm-up. Beside the pages, in the same run and on
the same server: a static file of each page's size served by WhiteNoise (the limit for a page)
and a Django view that asks nothing of the database (the framework's floor). Each page's
throughput is given as a ratio to both. Prints the table and writes it to docs/performance.md,
with each budget met or not; exits non-zero when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(os.environ.get("TRACKER_VAR_DIR") or ROOT / "var" / "bench")
# The server and this process read the same settings: production's, plus the floor's view.
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRACKER_VAR_DIR": str(VAR),
        "SECURE_COOKIES": "false",
    }
)

# The budgets of issue 16, as ratios wherever a time on a shared machine would be noise.
CACHED_TO_STATIC = 0.5
UNCACHED_TO_FLOOR = 1 / 6
DEEPEST_TO_FIRST = 1.5
REPORT_SECONDS = 60
REPORT_TABLES_MB = 50
REPORT_PDF_MB = 600
REPORT_GROWTH = 2.2
IMPORT_SECONDS = 30


@dataclass
class Page:
    name: str
    path: str
    who: str = "anonymous"  # or "member", "staff"
    first: str = ""  # for a deepest page: the name of its list's first page
    queries: int = 0
    bytes: int = 0
    in_process_ms: float = 0.0
    load: dict[str, Any] = field(default_factory=dict)
    signed_in: dict[str, Any] = field(default_factory=dict)
    static: dict[str, Any] = field(default_factory=dict)


@dataclass
class Budget:
    what: str
    measured: str
    met: bool


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def seed_to(pledges: int, updates: int, say: list[str]) -> None:
    from django.core.management import call_command

    from pledges.models import Pledge, ProgressUpdate

    have_pledges, have_updates = Pledge.objects.count(), ProgressUpdate.objects.count()
    if have_pledges >= pledges:
        return
    started = time.perf_counter()
    call_command(
        "seed_synthetic",
        pledges=pledges - have_pledges,
        updates=max(updates - have_updates, 0),
        observations="2015-2024",
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    say.append(
        f"seeded {pledges - have_pledges:,} pledges and {max(updates - have_updates, 0):,} "
        f"updates in {time.perf_counter() - started:.0f} s"
    )


def data_size() -> str:
    from indicators.models import Observation
    from pledges.models import Pledge, ProgressUpdate

    return (
        f"{Pledge.objects.count():,} pledges ({Pledge.objects.published().count():,} published), "
        f"{ProgressUpdate.objects.count():,} updates, {Observation.objects.count():,} observations"
    )


# ---------------------------------------------------------------------------------------------
# Commands in processes of their own: time and resident memory
# ---------------------------------------------------------------------------------------------


def _rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS); 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def measured(command: list[str]) -> tuple[float, dict[str, float], str]:
    """Run a manage.py command: its time, its peak resident memory in each step it reports on
    stderr (the progress bar's words) and its output."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    step = ["start"]

    def follow() -> None:
        assert child.stderr is not None
        for chunk in iter(lambda: child.stderr.read(110), ""):
            words = re.sub(r"^\[[# ]*\]\s*\d+%\s*", "", chunk.strip("\r\n "))
            if words:
                step[0] = words

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    peaks: dict[str, float] = {}
    while child.poll() is None:
        peaks[step[0]] = max(peaks.get(step[0], 0.0), _rss_mb(child.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    reader.join(timeout=5)
    output = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"{command[0]} failed:\n{output}")
    return seconds, peaks, output


def at_rest_mb() -> float:
    """A manage.py process with Django and the report's libraries loaded, doing nothing."""
    _seconds, peaks, _output = measured(
        [
            "shell",
            "-c",
            "import time, pledges.reports.build, pledges.reports.pdf, openpyxl; time.sleep(1)",
        ]
    )
    return max(peaks.values())


def bench_report(cycle: str) -> dict[str, Any]:
    """The cycle's global report, built as the secretariat's command does."""
    seconds, peaks, output = measured(["build_report", "--cycle", cycle, "--scope", "global"])
    pdf = max((mb for step, mb in peaks.items() if "PDF" in step or "Storing" in step), default=0)
    tables = max((mb for step, mb in peaks.items() if "PDF" not in step and "Storing" not in step))
    sizes = {
        line.split()[0].rsplit(".", 1)[-1]: int(line.split()[1].replace(",", ""))
        for line in output.splitlines()
        if line.strip().endswith((".pdf", ".xlsx", ".zip"))
    }
    return {"seconds": seconds, "tables_mb": tables, "pdf_mb": pdf, "sizes": sizes}


def bench_import(rows: int, iso3: str) -> tuple[float, float]:
    """An Open SDG file of `rows` rows for one country, imported by the command."""
    from indicators.models import Area, Indicator, Observation

    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    Observation.objects.filter(indicator=indicator, area__iso3=iso3).delete()
    assert Area.objects.filter(iso3=iso3).exists()
    path = VAR / f"indicator_8-8-1-{rows}.csv"
    ages = max(rows // 100, 1)  # 50 years, two sexes, as many age groups as needed
    with path.open("w", encoding="utf-8") as out:
        out.write("Year,Sex,Age,Value\n")
        for n in range(rows):
            year, rest = 1975 + n % 50, n // 50
            out.write(f"{year},{('Female', 'Male')[rest % 2]},{rest // 2 % ages},{n % 997}.25\n")
    seconds, peaks, _output = measured(["import_observations", str(path), "--country", iso3])
    return seconds, max(peaks.values())


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def pages() -> list[Page]:
    """The pages of issue 16, on rows of the seeded data."""
    from django.db.models import Count
    from rest_framework.pagination import Cursor

    from indicators.models import Area, Indicator
    from pledges.api.views import NewestFirst
    from pledges.explorer import PAGE_SIZE, cursor_after
    from pledges.filters import PledgeFilter
    from pledges.models import Pledge, PledgeInReview

    published = Pledge.objects.published()
    pledge = published.order_by("-published_at", "id").first()
    country = (
        Area.objects.countries()
        .annotate(n=Count("organisations__led_pledges"))
        .order_by("-n", "code")
        .first()
    )
    indicator = (
        Indicator.objects.filter(indicator_set__is_current=True)
        .annotate(n=Count("observations"))
        .order_by("-n", "pk")
        .first()
    )
    everything = PledgeFilter({})
    listed = everything.qs
    last = listed[max(listed.count() - PAGE_SIZE - 1, 0)]
    newest = published.order_by("-published_at", "-id")
    before_last = newest[max(newest.count() - 101, 0)]
    api = NewestFirst()
    api.base_url = "http://127.0.0.1/api/v1/pledges/?page_size=100"
    deepest_api = api.encode_cursor(Cursor(0, False, str(before_last.published_at)))
    queued = PledgeInReview.objects.order_by("submitted_at").first() or pledge
    return [
        Page("home", "/"),
        Page("explorer", "/pledges/"),
        Page("explorer, two facets", "/pledges/?objective=5&kind=civil_society"),
        Page("explorer, text search", "/pledges/?q=recruitment+synthetic"),
        Page(
            "explorer, deepest page",
            f"/pledges/?after={cursor_after(everything, last)}",
            first="explorer",
        ),
        Page("pledge page", f"/pledges/{pledge.reference}/"),
        Page("objective page", "/objectives/5/"),
        Page("country page", f"/areas/{country.code}/"),
        Page("indicator page", f"/indicators/{indicator.pk}/?area={country.code}"),
        Page("API list, 100", "/api/v1/pledges/?page_size=100"),
        Page(
            "API list, 100, deepest",
            deepest_api.removeprefix("http://127.0.0.1"),
            first="API list, 100",
        ),
        Page("API detail", f"/api/v1/pledges/{pledge.reference}/"),
        Page("admin review queue", "/admin/pledges/pledgeinreview/", who="staff"),
        Page("admin pledge page", f"/admin/pledges/pledge/{queued.pk}/change/", who="staff"),
    ]


def sessions() -> dict[str, str]:
    """Session cookies of a member and of the secretariat (with a second factor, as the admin
    demands), for the signed-in requests."""
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings
    from django.test import Client

    from tracker.models import User

    cookies = {}
    for who, staff in (("member", False), ("staff", True)):
        user, _ = User.objects.get_or_create(
            email=f"bench-{who}@example.org", defaults={"is_staff": staff, "is_superuser": staff}
        )
        if staff and not is_mfa_enabled(user):
            TOTP.activate(user, "BENCHBENCHBENCHBENCHBENCHBENCHBE")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[who] = f"Cookie: {settings.SESSION_COOKIE_NAME}={session}"
    return cookies


def _client(cookie: str) -> tuple[Any, str]:
    """A test client with the visitor's session; an anonymous one carries a session cookie
    that opens nothing, so that its page is rendered rather than kept whole."""
    from django.conf import settings
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    name, value = (
        (cookie or f"Cookie: {settings.SESSION_COOKIE_NAME}=none")
        .removeprefix("Cookie: ")
        .split("=", 1)
    )
    client.cookies[name] = value
    return client, f"{name}={value}"


def in_process(page: Page, cookie: str) -> None:
    """The page in this process: its queries and size (and a quick look at its time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _header = _client(cookie)
    response = client.get(page.path)  # counts and caches filled, as a visitor finds them
    if response.status_code != 200:
        raise SystemExit(f"{page.name} {page.path}: {response.status_code}, not 200")
    page.bytes = len(response.content)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        client.get(page.path)
        page.in_process_ms = (time.perf_counter() - started) * 1000
    page.queries = len(queries)


def explain(page: Page, cookie: str) -> list[str]:
    """PostgreSQL's plan for each query of the page: the scans it chose."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _header = _client(cookie)
    with CaptureQueriesContext(connection) as queries:
        client.get(page.path)
    scans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for found in re.finditer(
                r"(Seq Scan on \w+|Index Only Scan using \w+|Index Scan(?: Backward)? using \w+|"
                r"Bitmap Index Scan on \w+)",
                plan,
            ):
                scans.append(found.group(1))
    return scans


# ---------------------------------------------------------------------------------------------
# The server and the load
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within a minute")


def load(port: int, path: str, args: argparse.Namespace, header: str = "") -> dict[str, Any]:
    command = [
        sys.executable,
        str(ROOT / "bench" / "load.py"),
        f"http://127.0.0.1:{port}{path}",
        "--concurrency",
        str(args.concurrency),
        "--seconds",
        str(args.seconds),
        "--warmup",
        str(args.warmup),
    ]
    if header:
        command += ["--header", header]
    result = json.loads(subprocess.run(command, capture_output=True, check=True, text=True).stdout)  # noqa: S603
    if set(result["statuses"]) != {"200"} or result["errors"]:
        raise SystemExit(f"{path}: {result['statuses']}, {result['errors']} errors")
    return result


def static_files(sizes: set[int]) -> None:
    """Files of the pages' sizes where WhiteNoise serves them (it reads the folder at start)."""
    from django.conf import settings

    folder = Path(settings.STATIC_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        (folder / f"{size}.html").write_bytes(b"x" * size)


def etag_answers_304(page: Page) -> bool:
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    etag = client.get(page.path)["ETag"]
    return client.get(page.path, headers={"if-none-match": etag}).status_code == 304


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


def _row(name: str, result: dict[str, Any], page: Page | None, floor: float) -> str:
    static = page.static["rps"] if page and page.static else None
    return (
        f"| {name} | {result['rps']:.0f} | {result['median_ms']:.1f} | {result['p99_ms']:.1f} | "
        f"{page.queries if page else 0} | {result['bytes']:,} | "
        f"{f'{result["rps"] / static:.2f}' if static else ''} | {result['rps'] / floor:.2f} |"
    )


def report_table(
    pages_: list[Page], floor: dict[str, Any], budgets: list[Budget], facts: list[str], args: Any
) -> str:
    head = (
        "| Page | req/s | median ms | p99 ms | queries | bytes | ÷ static file | ÷ floor |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [_row("floor: a Django view, no query", floor, None, floor["rps"])]
    for page in pages_:
        if page.who == "anonymous":
            rows.append(_row(f"{page.name} (anonymous)", page.load, page, floor["rps"]))
            if page.signed_in:
                rows.append(_row(f"{page.name} (signed in)", page.signed_in, page, floor["rps"]))
        else:
            rows.append(_row(f"{page.name} (secretariat)", page.load, page, floor["rps"]))
    checks = "\n".join(
        f"| {b.what} | {b.measured} | {'met' if b.met else '**not met**'} |" for b in budgets
    )
    return "\n".join(
        [
            "# Performance",
            "",
            f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
            f"(`bench/run.py --pledges {args.pledges} --updates {args.updates} "
            f"--import-rows {args.import_rows} --seconds {args.seconds:g} --warmup {args.warmup:g} "
            f"--concurrency {args.concurrency}`).",
            "",
            *[f"- {fact}" for fact in facts],
            "",
            "## Pages under load",
            "",
            "Each line: gunicorn, 2 sync workers, DEBUG off, load from `bench/load.py` in a "
            f"process of its own, {args.concurrency} connections for {args.seconds:g} s after "
            f"{args.warmup:g} s of warm-up. *÷ static file*: throughput over that of a file of "
            "the page's size served by WhiteNoise on the same server; *÷ floor*: over that of a "
            "Django view that asks nothing of the database. Anonymous pages are kept whole "
            "(`pledges.views.public`) until the public data changes; signed-in visitors get "
            "them rendered. Queries: those of one request rendered, not kept.",
            "",
            head,
            *rows,
            "",
            "## Budgets",
            "",
            "| Budget | Measured | |",
            "|---|---|---|",
            checks,
            "",
        ]
    )


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=50_000)
    parser.add_argument("--updates", type=int, default=500_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", verbosity=0, interactive=False)
    facts: list[str] = []
    budgets: list[Budget] = []

    # The report at half the data, then at all of it: how its cost grows. The half is measured
    # on the way to the full data and kept, as the data stays seeded from run to run.
    from pledges.models import Pledge

    half_file = VAR / "report-at-half.json"
    if Pledge.objects.count() < args.pledges:
        seed_to(args.pledges // 2, args.updates // 2, facts)
        half = {**bench_report("IMRF-2026"), "data": data_size()}
        half_file.write_text(json.dumps(half))
        seed_to(args.pledges, args.updates, facts)
    half = json.loads(half_file.read_text()) if half_file.exists() else None
    rest = at_rest_mb()
    full = bench_report("IMRF-2026")
    facts.append(f"data: {data_size()} ({connection.vendor})")
    print("\n".join(facts))
    budgets += [
        Budget(
            f"global cycle report under {REPORT_SECONDS} s",
            f"{full['seconds']:.0f} s",
            full["seconds"] < REPORT_SECONDS,
        ),
        Budget(
            f"report's data tables at most +{REPORT_TABLES_MB} MB over the process at rest",
            f"+{full['tables_mb'] - rest:.0f} MB "
            f"({full['tables_mb']:.0f} MB, at rest {rest:.0f} MB)",
            full["tables_mb"] - rest <= REPORT_TABLES_MB,
        ),
        Budget(
            f"report's PDF peak under {REPORT_PDF_MB} MB",
            f"{full['pdf_mb']:.0f} MB",
            full["pdf_mb"] < REPORT_PDF_MB,
        ),
    ]
    if half:
        growth, memory = full["seconds"] / half["seconds"], full["pdf_mb"] / half["pdf_mb"]
        budgets.append(
            Budget(
                f"report at double the data: time at most {REPORT_GROWTH}x, memory flat",
                f"time {growth:.2f}x, peak {memory:.2f}x ({half['seconds']:.0f} s and "
                f"{half['pdf_mb']:.0f} MB at half: {half['data']})",
                growth <= REPORT_GROWTH and memory <= 1.1,
            )
        )
    else:
        budgets.append(
            Budget(
                "report at double the data",
                f"not measured: the data was seeded before; remove {VAR} to measure it",
                False,
            )
        )

    small_s, small_mb = bench_import(args.import_rows // 2, "ISL")
    big_s, big_mb = bench_import(args.import_rows, "ISL")
    budgets.append(
        Budget(
            f"{args.import_rows:,} observation rows imported in under {IMPORT_SECONDS} s, "
            "memory flat",
            f"{big_s:.1f} s, peak {big_mb:.0f} MB (half the rows: {small_s:.1f} s, "
            f"{small_mb:.0f} MB)",
            big_s < IMPORT_SECONDS and big_mb <= small_mb * 1.1,
        )
    )

    cookies = sessions()
    measured_pages = pages()
    for page in measured_pages:
        in_process(page, cookies.get(page.who, ""))
        print(
            f"{page.name:<28} {page.queries:3} queries {page.bytes:>9,} bytes "
            f"{page.in_process_ms:7.1f} ms in-process"
        )
    static_files({page.bytes for page in measured_pages})
    if connection.vendor == "postgresql":
        for page in measured_pages:
            if page.name.startswith(("explorer", "admin")):
                scans = explain(page, cookies.get(page.who, ""))
                seq = sorted({s for s in scans if s.startswith("Seq Scan")})
                indexed = len([s for s in scans if not s.startswith("Seq Scan")])
                facts.append(
                    f"EXPLAIN, {page.name}: {indexed} index scans; "
                    f"sequential: {', '.join(seq) or 'none'}"
                )
    facts.append(
        f"machine: {os.cpu_count()} cores, {platform.platform()}; Python "
        f"{platform.python_version()}, Django {django.get_version()}, {connection.display_name} "
        f"{'.'.join(map(str, connection.get_database_version()))}"
    )
    connection.close()

    port = free_port()
    server = start_server(port)
    try:
        floor = load(port, "/bench/floor/", args)
        print(f"{'floor':<28} {floor['rps']:7.0f} req/s")
        for page in measured_pages:
            cookie = cookies.get(page.who, "")
            page.static = load(
                port, f"/{settings.STATIC_URL.strip('/')}/bench/{page.bytes}.html", args
            )
            page.load = load(port, page.path, args, cookie)
            if page.who == "anonymous":
                page.signed_in = load(port, page.path, args, cookies["member"])
            print(
                f"{page.name:<28} {page.load['rps']:7.0f} req/s, "
                f"signed in {page.signed_in.get('rps', 0):7.0f}, static {page.static['rps']:7.0f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    by_name = {page.name: page for page in measured_pages}
    anonymous = [p for p in measured_pages if p.who == "anonymous"]
    worst_cached = min(anonymous, key=lambda p: p.load["rps"] / p.static["rps"])
    budgets.append(
        Budget(
            f"anonymous pages from cache: at least {CACHED_TO_STATIC:g} of the static file's "
            "throughput; a matching ETag answers 304",
            f"lowest {worst_cached.load['rps'] / worst_cached.static['rps']:.2f} "
            f"({worst_cached.name}); "
            f"304: {'yes' if all(etag_answers_304(p) for p in anonymous) else 'no'}",
            worst_cached.load["rps"] / worst_cached.static["rps"] >= CACHED_TO_STATIC
            and all(etag_answers_304(p) for p in anonymous),
        )
    )
    rendered = [(p.name, p.signed_in or p.load) for p in measured_pages]
    worst_name, worst = min(rendered, key=lambda pair: pair[1]["rps"])
    budgets.append(
        Budget(
            "pages rendered (signed in, the admin) and API lists: at least "
            f"1/{1 / UNCACHED_TO_FLOOR:.0f} of the floor's throughput",
            f"lowest {worst['rps'] / floor['rps']:.2f} ({worst_name})",
            worst["rps"] / floor["rps"] >= UNCACHED_TO_FLOOR,
        )
    )
    for page in measured_pages:
        if page.first:
            first = by_name[page.first]
            for label, deep, top in (
                ("anonymous", page.load, first.load),
                ("signed in", page.signed_in, first.signed_in),
            ):
                ratio = top["rps"] / deep["rps"]
                budgets.append(
                    Budget(
                        f"{page.name} ({label}) within {DEEPEST_TO_FIRST}x of the first page",
                        f"{ratio:.2f}x ({deep['rps']:.0f} against {top['rps']:.0f} req/s)",
                        ratio <= DEEPEST_TO_FIRST,
                    )
                )

    text = report_table(measured_pages, floor, budgets, facts, args)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(b.met for b in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
