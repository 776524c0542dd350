"""``make bench``: build, import, serve, load, measure, report.

1. A throwaway SQLite database of ``BENCH_N`` articles,
   ``var/bench/bench-N.sqlite3`` (reused while the dataset code, the
   migrations and the requirements are unchanged; the search index is
   rebuilt alone when only its code changed).
2. Import speed: seed-format posts through ``manage.py import_hexo``.
3. The production stack (gunicorn, 2 sync workers, ``DEBUG=0``, whitenoise)
   on a free port of 127.0.0.1, twice: with ``PAGE_CACHE=0`` and
   ``BENCH_CACHE=0`` (the page cache off; the site's fragments stay on),
   then with both ``1``.
4. Each endpoint loaded from a separate process (wrk, else ``bench.load``),
   between two slices of the floor; CPU per request from the server's
   processes (``/proc``), as a ratio to the neighbouring floor slices.
5. ``var/bench/latest.json`` and a Markdown table on stdout.

Settings (environment): see ``Config``.
"""

import datetime as dt
import hashlib
import html
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from . import dataset, imports, load, report
from .server import Server

ROOT = Path(__file__).resolve().parent.parent
# The servers' key: new each run, never the site's own (var/secret_key).
SECRET_KEY = secrets.token_urlsafe(50)


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _env_number(name, default, kind=float):
    value = os.environ.get(name, "").strip()
    return kind(value) if value else default


@dataclass
class Config:
    n: int = 10_000  # BENCH_N: articles in the database
    duration: float = 5.0  # BENCH_DURATION: seconds of load on each endpoint
    floor_duration: float = 3.0  # BENCH_FLOOR_DURATION: each floor slice (default: half, rounded up)
    connections: int = 4  # BENCH_CONNECTIONS: concurrent connections of the generator
    workers: int = 2  # BENCH_WORKERS: gunicorn sync workers
    import_posts: int = 300  # BENCH_IMPORT_POSTS: posts timed through import_hexo
    detail_paths: int = 200  # BENCH_DETAIL_PATHS: articles the detail run rotates over
    warmup: float = 60.0  # BENCH_WARMUP: at most this long filling the cache, per endpoint
    min_requests: int = 20  # BENCH_MIN_REQUESTS: responses wanted per endpoint ...
    max_duration: float = 20.0  # BENCH_MAX_DURATION: ... within this many seconds (default 4 × BENCH_DURATION)
    directory: Path = ROOT / "var" / "bench"  # BENCH_DIR
    rebuild: bool = False  # BENCH_REBUILD=1: build the database even if it matches
    endpoints: list = field(default_factory=lambda: list(report.BASE_ENDPOINTS))  # BENCH_ENDPOINTS=home,detail
    modes: list = field(default_factory=lambda: ["uncached", "cached"])  # BENCH_MODES=uncached
    seed: int = dataset.DEFAULT_SEED

    @classmethod
    def from_env(cls):
        duration = _env_number("BENCH_DURATION", 5.0)
        config = cls(
            n=_env_number("BENCH_N", 10_000, int),
            duration=duration,
            floor_duration=_env_number("BENCH_FLOOR_DURATION", math.ceil(duration / 2)),
            connections=_env_number("BENCH_CONNECTIONS", 4, int),
            workers=_env_number("BENCH_WORKERS", 2, int),
            import_posts=_env_number("BENCH_IMPORT_POSTS", 300, int),
            detail_paths=_env_number("BENCH_DETAIL_PATHS", 200, int),
            warmup=_env_number("BENCH_WARMUP", 60.0),
            min_requests=_env_number("BENCH_MIN_REQUESTS", 20, int),
            max_duration=_env_number("BENCH_MAX_DURATION", 4 * duration),
            directory=Path(os.environ.get("BENCH_DIR") or ROOT / "var" / "bench").resolve(),
            rebuild=os.environ.get("BENCH_REBUILD", "") in ("1", "yes", "true"),
        )
        if os.environ.get("BENCH_ENDPOINTS"):
            wanted = [name.strip() for name in os.environ["BENCH_ENDPOINTS"].split(",") if name.strip()]
            unknown = set(wanted) - set(report.BASE_ENDPOINTS)
            if unknown:
                sys.exit(f"BENCH_ENDPOINTS: unknown endpoint(s) {', '.join(sorted(unknown))}")
            config.endpoints = ["floor", *(name for name in wanted if name != "floor")]
        if os.environ.get("BENCH_MODES"):
            config.modes = [mode.strip() for mode in os.environ["BENCH_MODES"].split(",") if mode.strip()]
            if set(config.modes) - {"uncached", "cached"}:
                sys.exit("BENCH_MODES: uncached, cached or both")
        if config.n < 1:
            sys.exit("BENCH_N must be at least 1")
        return config


# The database ------------------------------------------------------------------


def _digest(paths):
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprints(config):
    """(data, index): what the database's rows and its search index depend on."""
    data = {
        "dataset_version": dataset.DATASET_VERSION,
        "n": config.n,
        "seed": config.seed,
        "code": _digest([ROOT / "bench" / "dataset.py", ROOT / "bench" / "corpus.py"]),
        "migrations": _digest(ROOT.glob("*/migrations/*.py")),
        "requirements": _digest([ROOT / "requirements.txt"]),
    }
    index = _digest(
        [*ROOT.glob("*/search/**/*.py"), *ROOT.glob("*/search.py"),
         *ROOT.glob("*/management/commands/rebuild_search_index.py")]
    )  # fmt: skip
    return data, index


def django_env(config, database, *, cache_dir):
    """The environment of every Django process the harness starts."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "GUNICORN_CMD_ARGS", "DJANGO_SETTINGS_MODULE", "HOST", "PORT",
                       "SITE_URL", "STATIC_HASHED_NAMES", "CACHE_DIR", "MEDIA_ROOT", "DEBUG"}
    }  # fmt: skip
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ACCESS_LOG="0",
        WEB_CONCURRENCY=str(config.workers),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_DIR=str(cache_dir),
        MEDIA_ROOT=str(config.directory / "media"),
        LOG_LEVEL="WARNING",
    )
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def _run_json(args, env, *, timeout):
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed with status {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _remove_database(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_database(config, env_for):
    """The benchmark database, reused when it matches; returns what was done."""
    # One file per size, so runs at 1k and at 1M can alternate without rebuilding.
    database = config.directory / f"bench-{config.n}.sqlite3"
    meta_path = database.with_name(database.name + ".json")
    data, index = fingerprints(config)
    meta = {}
    if meta_path.exists() and database.exists():
        try:
            meta = json.loads(meta_path.read_text())
        except ValueError:
            meta = {}
    # A generous bound: about 2 minutes per 100k articles, plus the index.
    timeout = 600 + config.n * 0.01
    if not config.rebuild and meta.get("data") == data:
        result = {"built": False, **meta.get("stats", {})}
        if meta.get("index") != index:
            log("search code changed: rebuilding the search index")
            result["index_seconds"] = _run_json(
                ["-m", "bench.dataset", "index", "--db", str(database)], env_for(database), timeout=timeout
            )["index_seconds"]
            meta.update(index=index, stats={**meta.get("stats", {}), "index_seconds": result["index_seconds"]})
            meta_path.write_text(json.dumps(meta, indent=2))
        shown = database.relative_to(ROOT) if database.is_relative_to(ROOT) else database
        log(f"reusing {shown} ({config.n:,} articles)")
        return database, result

    log(f"building a database of {config.n:,} articles")
    meta_path.unlink(missing_ok=True)
    _remove_database(database)
    building = database.with_name(f"bench-{config.n}.building.sqlite3")
    _remove_database(building)
    started = time.perf_counter()
    stats = _run_json(
        ["-m", "bench.dataset", "build", "--db", str(building), "--n", str(config.n), "--seed", str(config.seed)],
        env_for(building),
        timeout=timeout,
    )
    os.replace(building, database)
    _remove_database(building)
    stats["wall_seconds"] = round(time.perf_counter() - started, 2)
    stats["file_mb"] = round(database.stat().st_size / 1e6, 1)
    meta_path.write_text(json.dumps({"data": data, "index": index, "stats": stats}, indent=2))
    log(f"built in {stats['wall_seconds']} s ({stats['seconds']} s of rows, index {stats.get('index_seconds')} s)")
    return database, {"built": True, **stats}


# Measuring ---------------------------------------------------------------------


@dataclass
class Slice:
    requests: int  # answered within the slice
    seconds: float
    cpu: float
    p50_ms: float
    p99_ms: float
    status_codes: dict
    errors: int
    workers_changed: bool
    served: int = 0  # what the server's CPU time was spent on: answered + unanswered

    def __post_init__(self):
        self.served = self.served or self.requests


def measure_slice(server, paths, duration, connections):
    cpu_before, pids_before = server.cpu()
    result = load.run(server.base_url, paths, duration, connections)
    # Requests still in flight when the generator stopped are served anyway:
    # wait for them, and count them (``served``).
    if not server.wait_until_idle():
        log("  the server was still busy after 300 s")
    time.sleep(0.02)
    cpu_after, pids_after = server.cpu()
    return Slice(
        requests=result["requests"],
        served=result["requests"] + result.get("unanswered", 0),
        seconds=result["seconds"],
        cpu=cpu_after - cpu_before,
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        status_codes={str(code): count for code, count in result["status_codes"].items()},
        errors=result["errors"],
        workers_changed=pids_before != pids_after,
    )


def _cpu_ms(slices):
    served = sum(piece.served for piece in slices)
    return sum(piece.cpu for piece in slices) * 1000 / served if served else None


def _merge_codes(slices):
    codes = {}
    for piece in slices:
        for code, count in piece.status_codes.items():
            codes[code] = codes.get(code, 0) + count
    return dict(sorted(codes.items()))


def summarise(slices, floor_slices):
    """Contract numbers of one endpoint from its slices and its floor's."""
    requests = sum(piece.requests for piece in slices)
    seconds = sum(piece.seconds for piece in slices)
    cpu = _cpu_ms(slices)
    floor = _cpu_ms(floor_slices)
    # Percentiles of several slices: their request-weighted mean (wrk reports
    # percentiles, not samples); one slice gives the exact figure.
    return report.entry(
        rps=requests / seconds if seconds else 0.0,
        p50_ms=sum(piece.p50_ms * piece.requests for piece in slices) / requests if requests else None,
        p99_ms=sum(piece.p99_ms * piece.requests for piece in slices) / requests if requests else None,
        cpu_ms_per_req=cpu,
        ratio_to_floor=cpu / floor if cpu is not None and floor else None,
    )


def child_sitemap(body):
    """The path of the first sitemap a sitemap index lists, or None."""
    if b"<sitemapindex" not in body:
        return None
    match = re.search(rb"<loc>\s*([^<\s]+)\s*</loc>", body)
    if not match:
        return None
    location = urlsplit(html.unescape(match.group(1).decode()))
    return location.path + (f"?{location.query}" if location.query else "")


def measure_server(server, config, targets, suffix, notes):
    """Warm every path once, then each endpoint between two floor slices.

    Returns (contract entries, extra entries, other figures). The extra
    entry ``sitemap_page`` is the first sitemap that ``/sitemap.xml`` lists
    when it is an index: the index is cheap, its pages are not.
    """
    names = [name for name in config.endpoints if name != "floor"]
    targets = dict(targets)
    extra = {"status_codes": {}, "requests": {}, "floor_cpu_ms_per_req": {}, "bytes": {}}
    cached = bool(suffix)
    for name in ["floor", *names]:
        sizes = []
        # One request shows the status and size; the cached run also fills
        # the cache with every path, for at most BENCH_WARMUP seconds.
        deadline = time.monotonic() + config.warmup
        for path in targets[name] if cached else targets[name][:1]:
            status, body = server.get(path)
            sizes.append(len(body))
            if name == "sitemap" and child_sitemap(body):
                targets["sitemap_page"] = [quote(child_sitemap(body), safe="/?=&%:")]
                names.insert(names.index("sitemap") + 1, "sitemap_page")
                server.get(targets["sitemap_page"][0])
            if time.monotonic() > deadline:
                break
        if cached and len(sizes) < len(targets[name]):
            notes.append(
                f"{name + suffix}: {len(sizes)} of its {len(targets[name])} pages were requested before the run "
                f"(BENCH_WARMUP={config.warmup:g} s), so it measures cache misses too"
            )
        extra["bytes"][name + suffix] = round(sum(sizes) / len(sizes)) if sizes else 0
    load.run(server.base_url, targets["floor"], 1, config.connections)  # wake everything up

    results, extra_results = {}, {}
    floor_slices = [measure_slice(server, targets["floor"], config.floor_duration, config.connections)]
    for name in names:
        log(f"  {name + suffix}")
        # A slow page gets one longer slice more (up to BENCH_MAX_DURATION in
        # all), so that its figures rest on BENCH_MIN_REQUESTS responses; one
        # slice, not several short ones, lets a request slower than
        # BENCH_DURATION finish.
        pieces = [measure_slice(server, targets[name], config.duration, config.connections)]
        if pieces[0].requests < config.min_requests and config.max_duration > config.duration:
            pieces.append(
                measure_slice(server, targets[name], config.max_duration - config.duration, config.connections)
            )
        after = measure_slice(server, targets["floor"], config.floor_duration, config.connections)
        neighbours = [floor_slices[-1], after]
        floor_slices.append(after)
        (results if name in report.BASE_ENDPOINTS else extra_results)[name + suffix] = summarise(pieces, neighbours)
        codes = _merge_codes(pieces)
        answered = sum(piece.requests for piece in pieces)
        extra["status_codes"][name + suffix] = codes
        extra["requests"][name + suffix] = answered
        extra["floor_cpu_ms_per_req"][name + suffix] = round(_cpu_ms(neighbours) or 0, 4)
        if any(piece.workers_changed for piece in pieces):
            notes.append(f"{name + suffix}: a worker restarted during the run; its CPU time is incomplete")
        errors = sum(piece.errors for piece in pieces)
        if errors:
            notes.append(f"{name + suffix}: {errors} connection errors or timeouts")
        if not answered:
            notes.append(
                f"{name + suffix}: no response within {sum(piece.seconds for piece in pieces):.0f} s; "
                "CPU per request is from the requests served after the generator stopped"
            )
        elif answered < config.min_requests:
            notes.append(f"{name + suffix}: only {answered} responses; its figures are rough")
        if set(codes) - {"200"}:
            notes.append(f"{name + suffix}: {targets[name][0]} answered {_status_text(codes)}, not only 200")

    floor_entry = summarise(floor_slices, floor_slices)
    floor_entry["ratio_to_floor"] = 1.0
    results["floor" + suffix] = floor_entry
    extra["status_codes"]["floor" + suffix] = _merge_codes(floor_slices)
    extra["requests"]["floor" + suffix] = sum(piece.requests for piece in floor_slices)
    extra["floor_cpu_ms_per_req"]["floor" + suffix] = floor_entry["cpu_ms_per_req"]
    if any(piece.workers_changed for piece in floor_slices):
        notes.append(f"floor{suffix}: a worker restarted during a floor slice")
    if "sitemap_page" in targets:
        extra["sitemap_page_path"] = targets["sitemap_page"][0]
    return results, extra_results, extra


def _status_text(codes):
    return ", ".join(f"{code} ×{count}" for code, count in sorted(codes.items()))


# Context -----------------------------------------------------------------------


def machine():
    info = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version}  # fmt: skip
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["load_average"] = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        pass
    try:
        from importlib.metadata import version

        info["django"] = version("Django")
        info["gunicorn"] = version("gunicorn")
    except Exception:  # noqa: BLE001 (only informative)
        pass
    return info


def git_state():
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(dirty)} if commit else {}


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    config = Config.from_env()
    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    config.directory.mkdir(parents=True, exist_ok=True)
    notes = []
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        notes.append(f"the machine was busy when the run started (load average {load_before:.2f}); figures are noisier")

    def env_for(database, cache="cache-build"):
        return django_env(config, database, cache_dir=config.directory / cache)

    database, dataset_info = ensure_database(config, env_for)
    targets_info = _run_json(
        ["-m", "bench.dataset", "targets", "--db", str(database), "--detail-paths", str(config.detail_paths)],
        env_for(database),
        timeout=600,
    )
    targets = {
        name: [quote(path, safe="/?=&%:") for path in paths] for name, paths in targets_info["endpoints"].items()
    }
    missing = [name for name in config.endpoints if not targets.get(name)]
    if missing:
        sys.exit(f"no paths for {', '.join(missing)}: is the database empty?")

    log(f"import speed: {config.import_posts} seed-format posts through import_hexo")
    import_result = imports.measure(
        config.directory / "import", count=config.import_posts, env=env_for(database, "cache-import")
    )
    if import_result["exit_status"] != 0:
        stderr = import_result.get("stderr", "")[-300:]
        notes.append(f"import_hexo exited with status {import_result['exit_status']}: {stderr}")
    log(f"  {import_result['posts_per_s']} posts/s")

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env_for(database), check=True
    )

    endpoints, extra_endpoints = {}, {}
    extra = {"status_codes": {}, "requests": {}, "floor_cpu_ms_per_req": {}, "bytes": {}}
    generator = load.describe()
    log(f"load generator: {generator}; {config.duration:g} s an endpoint, floor slices of {config.floor_duration:g} s")
    for mode in config.modes:
        cached = mode == "cached"
        cache_dir = config.directory / f"cache-{mode}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        env = env_for(database, f"cache-{mode}")
        # PAGE_CACHE is the page cache's switch (newsroom/settings.py).
        # BENCH_CACHE names the mode to the servers; nothing in the site reads
        # it: the fragments (articles/fragments.py) stay on in both modes, as
        # they do in production.
        env["BENCH_CACHE"] = env["PAGE_CACHE"] = "1" if cached else "0"
        log(f"serving {mode} (gunicorn, {config.workers} sync workers)")
        with Server(env, log_path=config.directory / f"server-{mode}.log") as server:
            results, more_results, more = measure_server(server, config, targets, "_cached" if cached else "", notes)
        endpoints.update(results)
        extra_endpoints.update(more_results)
        for key, values in more.items():
            if isinstance(values, dict):
                extra[key].update(values)
            else:
                extra[key] = values

    result = report.make_report(
        n_articles=config.n,
        import_posts_per_s=import_result["posts_per_s"],
        endpoints=endpoints,
        extra_endpoints=extra_endpoints,
        **extra,
        notes=notes,
        paths={name: {"first": paths[0], "count": len(paths)} for name, paths in targets.items() if paths},
        targets={key: value for key, value in targets_info.items() if key != "endpoints"},
        goals=report.GOALS,
        generator=generator,
        config={
            "duration_s": config.duration,
            "floor_duration_s": config.floor_duration,
            "warmup_s": config.warmup,
            "min_requests": config.min_requests,
            "max_duration_s": config.max_duration,
            "connections": config.connections,
            "workers": config.workers,
            "modes": config.modes,
            "cache_env": "PAGE_CACHE and BENCH_CACHE: 0 uncached, 1 cached",
        },
        dataset=dataset_info,
        **{"import": import_result},
        machine={**machine(), "load_average_at_start": round(load_before, 2)},
        git=git_state(),
        started_at=started_at.isoformat(timespec="seconds"),
        elapsed_s=round(time.perf_counter() - started, 1),
    )
    path = report.write(result, config.directory)
    print(report.markdown(result))
    log(f"wrote {path} in {result['elapsed_s']:.0f} s")
    return result


if __name__ == "__main__":
    main()
