"""Build world-110m.json, the country shapes of indicators.maps, from the world-atlas package.

Run once, offline, when the shapes should change; the site only reads the JSON it writes:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    cd /work/main && .venv/bin/python indicators/data/build_world.py /tmp/package

The shapes are projected here with the Equal Earth projection (Šavrič, Patterson and Jenny,
2018), rounded to a tenth of a unit in a 1000-unit-wide view box and written as SVG path data, so
drawing the map is string joining. Countries are keyed by ISO 3166-1 alpha-3 code, as the Area
table keys them. See SOURCES.md for the licences.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

import pycountry

WIDTH = 1000
MARGIN = 2
# Natural Earth draws these as their own shapes; ISO 3166 and the UN count them as parts of the
# country named, so the map shades them with it and draws no border between them.
MERGED_INTO = {"N. Cyprus": "CYP", "Somaliland": "SOM"}
# No ISO 3166 code: drawn, so the map has no hole, under the code the EU and the IMF use. No count
# can name it (the tracker accepts ISO codes only), so it is always drawn as having none.
UNCODED = {"Kosovo": ("XKX", "Kosovo")}
# Nobody pledges from there, and it would take a fifth of the map's height.
LEFT_OUT = {"010"}  # Antarctica

# Equal Earth's polynomial coefficients.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to the unit Equal Earth plane, y growing northwards."""
    lam, theta = math.radians(lon), math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON's quantisation and delta encoding: arcs as lists of (lon, lat)."""
    (kx, ky), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        arcs.append(points)
    return arcs


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def merge_rings(rings: list[list[int]], arcs: list) -> list[list[int]]:
    """Join rings that share arcs, dropping the shared ones (TopoJSON's merge, for simple cases)."""
    refs = [r for ring in rings for r in ring]
    used = {r if r >= 0 else ~r for r in refs}
    shared = {a for a in used if a in refs and ~a in refs}
    left = [r for r in refs if (r if r >= 0 else ~r) not in shared]

    def ends(ref: int) -> tuple[tuple[float, float], tuple[float, float]]:
        points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        return points[0], points[-1]

    merged = []
    while left:
        ring = [left.pop(0)]
        start = ends(ring[0])[0]
        while ends(ring[-1])[1] != start:
            end = ends(ring[-1])[1]
            ring.append(left.pop(next(i for i, r in enumerate(left) if ends(r)[0] == end)))
        merged.append(ring)
    return merged


def ring_points(ring: list[int], arcs: list) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for ref in ring:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Cut a ring that crosses 180° into its eastern and western parts.

    Natural Earth cuts its polygons at the antimeridian, but world-atlas joins them again (d3
    clips on the sphere); a flat projection would draw Fiji and Chukotka across the whole map.
    """
    if all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return [ring]
    # Make the longitudes continuous, so the ring runs past 180° (or -180°) and back.
    unwrapped, offset = [ring[0]], 0.0
    for lon, lat in ring[1:]:
        if lon + offset - unwrapped[-1][0] > 180:
            offset -= 360
        elif lon + offset - unwrapped[-1][0] < -180:
            offset += 360
        unwrapped.append((lon + offset, lat))
    if offset:
        raise SystemExit("a ring goes round a pole: only Antarctica does, and it is left out")
    edge = 180.0 if max(lon for lon, _ in unwrapped) > 180 else -180.0
    west = _clip(unwrapped[:-1], edge, keep_west=True)
    east = _clip(unwrapped[:-1], edge, keep_west=False)
    shift = -360 if edge > 0 else 360
    if edge > 0:
        east = [(lon + shift, lat) for lon, lat in east]
    else:
        west = [(lon + shift, lat) for lon, lat in west]
    return [part + part[:1] for part in (west, east) if len(part) >= 3]


def _clip(points: list[tuple[float, float]], edge: float, *, keep_west: bool) -> list:
    """Sutherland-Hodgman against the meridian `edge`: the part on one side of it."""

    def inside(point: tuple[float, float]) -> bool:
        return point[0] <= edge if keep_west else point[0] >= edge

    kept = []
    for a, b in zip(points, points[1:] + points[:1], strict=True):
        if inside(a):
            kept.append(a)
        if inside(a) != inside(b) and a[0] != b[0]:
            t = (edge - a[0]) / (b[0] - a[0])
            kept.append((edge, a[1] + t * (b[1] - a[1])))
    return kept


def number(tenths: int) -> str:
    text = f"{abs(tenths) // 10}.{abs(tenths) % 10}".removesuffix(".0")
    return "-" + text if tenths < 0 else text


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data, relative after each ring's first point: about half the size of absolute."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        numbers = []
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            numbers += [x2 - x1, y2 - y1]
        text = "".join((" " if i and n >= 0 else "") + number(n) for i, n in enumerate(numbers))
        parts.append(f"M{number(x0)} {number(y0)}l{text}z")
    return "".join(parts)


def area(ring: list[tuple[float, float]]) -> float:
    return sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    a = area(ring)
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs) / (3 * a)
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs) / (3 * a)
    return cx, cy


def iso3_and_name(geometry: dict) -> tuple[str, str] | None:
    label = geometry["properties"]["name"]
    if label in UNCODED:
        return UNCODED[label]
    country = pycountry.countries.get(numeric=geometry.get("id", ""))
    if country is None:
        return None
    # The same name the tracker gives the country's Area (indicators.framework).
    return country.alpha_3, getattr(country, "common_name", None) or country.name


def build(package: Path) -> dict:
    topology = json.loads((package / "countries-110m.json").read_text())
    arcs = decode_arcs(topology)
    rings_by_code: dict[str, list[list[int]]] = {}
    names: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in LEFT_OUT:
            continue
        label = geometry["properties"]["name"]
        if label in MERGED_INTO:
            code = MERGED_INTO[label]
        else:
            found = iso3_and_name(geometry)
            if found is None:
                raise SystemExit(f"{label}: no ISO 3166 code; say in UNCODED what to draw it as")
            code, names[code] = found[0], found[1]
        rings_by_code.setdefault(code, []).extend(r for p in polygons(geometry) for r in p)
    for code in set(MERGED_INTO.values()):
        rings_by_code[code] = merge_rings(rings_by_code[code], arcs)

    projected = {
        code: [
            [equal_earth(*p) for p in part]
            for r in rings
            for part in split_at_antimeridian(ring_points(r, arcs))
        ]
        for code, rings in rings_by_code.items()
    }
    # States too small for 1:110m get a dot where their largest island is, from 1:50m.
    small = json.loads((package / "countries-50m.json").read_text())
    small_arcs = decode_arcs(small)
    dots: dict[str, tuple[float, float]] = {}
    for geometry in small["objects"]["countries"]["geometries"]:
        found = iso3_and_name(geometry)
        if found is None or found[0] in projected or geometry.get("id") in LEFT_OUT:
            continue
        code, names[code] = found[0], found[1]
        rings = [
            [equal_earth(*p) for p in ring_points(p[0], small_arcs)] for p in polygons(geometry)
        ]
        dots[code] = centroid(max(rings, key=lambda r: abs(area(r))))

    xs = [x for rings in projected.values() for r in rings for x, _ in r]
    ys = [y for rings in projected.values() for r in rings for _, y in r]
    scale = (WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    left, top = min(xs), max(ys)

    def tenths(point: tuple[float, float]) -> tuple[int, int]:
        x, y = point
        return round((MARGIN + (x - left) * scale) * 10), round((MARGIN + (top - y) * scale) * 10)

    countries = {}
    for code, rings in sorted(projected.items()):
        drawn = []
        for ring in rings:
            # Rounding folds neighbouring points together; a ring that folds to a line goes.
            points = [tenths(p) for p in ring]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if points[-1] == points[0]:
                points.pop()
            if len(points) >= 3:
                drawn.append(points)
        countries[code] = {"name": names[code], "d": path_data(drawn)}
    points = {
        code: {"name": names[code], "at": [t / 10 for t in tenths(dots[code])]}
        for code in sorted(dots)
    }
    height = math.ceil(MARGIN * 2 + (max(ys) - min(ys)) * scale)
    return {
        "source": "Natural Earth 1:110m and 1:50m admin-0 countries (public domain), "
        "through world-atlas 2.0.2 (ISC); Equal Earth projection; see SOURCES.md",
        "width": WIDTH,
        "height": height,
        "countries": countries,
        "points": points,
    }


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    out = Path(__file__).with_name("world-110m.json")
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{out}: {len(data['countries'])} shapes, {len(data['points'])} dots")
