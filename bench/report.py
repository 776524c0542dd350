"""``var/bench/latest.json`` (contract) and the Markdown table.

The contract: an object with ``n_articles``, ``import_posts_per_s`` and
``endpoints``, mapping each name in ``NAMES`` to the numbers in
``METRICS``. Everything else the harness knows goes under other keys.
"""

import datetime as dt
import json
import os
from pathlib import Path

BASE_ENDPOINTS = ["floor", "home", "detail", "category", "tag", "author", "search", "feed", "sitemap", "deep_list"]
NAMES = BASE_ENDPOINTS + [f"{name}_cached" for name in BASE_ENDPOINTS]
METRICS = ("rps", "p50_ms", "p99_ms", "cpu_ms_per_req", "ratio_to_floor")

# The goals: CPU per request as a multiple of the floor's, same run.
GOALS = {
    "detail": 4.0,
    **dict.fromkeys(["home", "category", "tag", "author", "deep_list"], 8.0),
    "search": 10.0,
    "feed": 8.0,
    "sitemap": 8.0,
    **{f"{name}_cached": 1.5 for name in BASE_ENDPOINTS if name not in ("floor", "search")},
    # Not in the contract: the first page a sitemap index lists.
    "sitemap_page": 8.0,
    "sitemap_page_cached": 1.5,
}


def entry(*, rps, p50_ms, p99_ms, cpu_ms_per_req, ratio_to_floor):
    """One endpoint's contract numbers, rounded for reading."""
    values = {"rps": rps, "p50_ms": p50_ms, "p99_ms": p99_ms, "cpu_ms_per_req": cpu_ms_per_req,
              "ratio_to_floor": ratio_to_floor}  # fmt: skip
    return {key: None if value is None else round(float(value), 3) for key, value in values.items()}


def make_report(*, n_articles, import_posts_per_s, endpoints, **extra):
    """The ``latest.json`` object: the contract keys first, then ``extra``."""
    unknown = set(endpoints) - set(NAMES)
    if unknown:
        raise ValueError(f"not endpoint names of the contract: {sorted(unknown)}")
    ordered = {name: endpoints[name] for name in NAMES if name in endpoints}
    for name, values in ordered.items():
        if set(values) != set(METRICS):
            raise ValueError(f"{name}: needs exactly {METRICS}, has {sorted(values)}")
    return {
        "n_articles": int(n_articles),
        "import_posts_per_s": round(float(import_posts_per_s), 1),
        "endpoints": ordered,
        **extra,
    }


def write(report, directory):
    """Write ``latest.json`` (atomically) and a dated copy under ``runs/``; return the path."""
    directory = Path(directory)
    runs = directory / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (runs / f"{stamp}-n{report['n_articles']}.json").write_text(text, encoding="utf-8")
    latest = directory / "latest.json"
    temporary = latest.with_suffix(".json.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, latest)
    return latest


def _number(value, digits):
    return "–" if value is None else f"{value:,.{digits}f}"


def _status(codes):
    if not codes:
        return "–"
    if len(codes) == 1:
        return next(iter(codes))
    return " ".join(f"{code}×{count}" for code, count in sorted(codes.items()))


def markdown(report):
    """The results as a Markdown table, with the goals checked."""
    statuses = report.get("status_codes", {})
    lines = [
        f"Newsroom benchmark: {report['n_articles']:,} articles, "
        f"import {report['import_posts_per_s']:,.1f} posts/s (goal ≥ 150), "
        f"generator {report.get('generator', '?')}",
        "",
        "| endpoint | HTTP | rps | p50 ms | p99 ms | CPU ms/req | × floor | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    rows = [*report["endpoints"].items(), *report.get("extra_endpoints", {}).items()]
    for name, values in rows:
        goal = GOALS.get(name)
        ratio = values["ratio_to_floor"]
        if goal is None:
            verdict = ""
        elif ratio is None:
            verdict = f"≤ {goal:g}× ?"
        else:
            verdict = f"≤ {goal:g}× {'✓' if ratio <= goal else '✗'}"
        lines.append(
            f"| {name} | {_status(statuses.get(name))} | {_number(values['rps'], 0)} | "
            f"{_number(values['p50_ms'], 1)} | {_number(values['p99_ms'], 1)} | "
            f"{_number(values['cpu_ms_per_req'], 2)} | {_number(ratio, 2)} | {verdict} |"
        )
    notes = report.get("notes") or []
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)
