"""A small HTTP load generator: fixed concurrency for a fixed time, after a warm-up.

    python bench/load.py http://127.0.0.1:8765/pledges/ --concurrency 8 --seconds 10 --warmup 2
        [--header "Cookie: sessionid=..."]

Prints one JSON object: requests, rps, median and p99 latency (ms), mean bytes per response
and the status codes seen. Run as a process of its own, so the server under test does not
share its interpreter. Plain asyncio streams, HTTP/1.1: keep-alive when the server keeps the
connection (WhiteNoise behind a threaded server), a new connection per request when it closes
it (gunicorn's sync workers), as a browser would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0


async def _response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Read one response: its status, body size, and whether the server closes after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    closes = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        size = len(body)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk_size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(chunk_size + 2)
            size += chunk_size
            if chunk_size == 0:
                break
    elif status in (204, 304):
        size = 0
    else:
        size = len(await reader.read())
        closes = True
    return status, size, closes


async def _client(
    host: str, port: int, request: bytes, warm_until: float, stop_at: float, tally: Tally
) -> None:
    reader = writer = None
    while (now := time.perf_counter()) < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            status, size, closes = await _response(reader)
            took = time.perf_counter() - started
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if now >= warm_until:
                tally.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
            continue
        if started >= warm_until:
            tally.latencies.append(took)
            tally.bytes += size
            tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
        if closes:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def run(
    url: str, *, concurrency: int, seconds: float, warmup: float, headers: list[str]
) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "User-Agent: tracker-bench"]
    request = ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode("latin-1")
    tally = Tally()
    warm_until = time.perf_counter() + warmup
    stop_at = warm_until + seconds
    await asyncio.gather(
        *(_client(host, port, request, warm_until, stop_at, tally) for _ in range(concurrency))
    )
    done = len(tally.latencies)
    ordered = sorted(tally.latencies)
    return {
        "url": url,
        "concurrency": concurrency,
        "seconds": seconds,
        "requests": done,
        "rps": done / seconds,
        "median_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p99_ms": ordered[min(done - 1, int(done * 0.99))] * 1000 if ordered else None,
        "bytes": tally.bytes // done if done else 0,
        "statuses": tally.statuses,
        "errors": tally.errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--header", action="append", default=[], help='"Name: value"')
    args = parser.parse_args()
    result = asyncio.run(
        run(
            args.url,
            concurrency=args.concurrency,
            seconds=args.seconds,
            warmup=args.warmup,
            headers=args.header,
        )
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
