"""Load generators, run as separate processes against 127.0.0.1.

``run(base_url, paths, duration, connections)`` uses wrk when it is
installed (``apt-get install wrk``; ``BENCH_GENERATOR=python`` forces the
fallback), else this module's own generator: threads with ``http.client``,
as ``python -m bench.load``. Both rotate over ``paths`` and return::

    {"requests", "seconds", "rps", "p50_ms", "p99_ms", "status_codes", "errors", "unanswered"}

``unanswered``: requests sent but not waited for when time was up (wrk
drops its connections then; the server still serves them).

gunicorn's sync workers close the connection after each response, so both
connect once per request; the floor pays for that too.
"""

import argparse
import http.client
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

MARK = "BENCH_JSON "

# A wrk script: rotate over the paths, count status codes per thread, and
# print one JSON line at the end (latencies are in microseconds).
WRK_SCRIPT = """
local paths = {%(paths)s}
-- Globals, read back with thread:get(): requests sent, responses by status.
counter = 0
codes = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter - 1) %% #paths + 1])
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("counter")
    for code, count in pairs(thread:get("codes")) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%%d": %%d', code, count))
  end
  local errors = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "sent": %%d, "micros": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}, "status_codes": {%%s}}\\n',
    summary.requests, sent, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, table.concat(parts, ", ")))
end
"""


def wrk_path():
    if os.environ.get("BENCH_GENERATOR", "").lower() == "python":
        return None
    return shutil.which("wrk")


def describe():
    """Which generator ``run`` will use, with its version."""
    wrk = wrk_path()
    if not wrk:
        return "python (bench.load threads)"
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    return (done.stdout + done.stderr).splitlines()[0].split(" Copyright")[0].strip() or "wrk"


def run(base_url, paths, duration, connections=4, *, timeout=None):
    """Load ``paths`` (already percent-encoded) for ``duration`` seconds."""
    timeout = timeout or duration + 60
    wrk = wrk_path()
    if wrk:
        return _run_wrk(wrk, base_url, paths, duration, connections, timeout)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(paths, handle)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load", base_url, handle.name, str(duration), str(connections)],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        os.unlink(handle.name)
    return _parse(done)


def _run_wrk(wrk, base_url, paths, duration, connections, timeout):
    # wrk counts whole seconds ("-d0.5s" is zero).
    lua_paths = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": lua_paths, "mark": MARK})
    try:
        done = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s",
             "-s", script.name, base_url],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    raw = _parse(done)
    seconds = raw["micros"] / 1e6 or duration
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "status_codes": raw["status_codes"],
        "errors": sum(raw["errors"].values()),
        # Requests wrk sent but stopped waiting for at the end: the server
        # still serves them, so they count towards its CPU time.
        "unanswered": max(0, raw["sent"] - raw["requests"]),
    }


def _parse(done):
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"the load generator gave no result (status {done.returncode}): {done.stderr[-1000:]}")


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def generate(base_url, paths, duration, connections=4):
    """The fallback generator: ``connections`` threads, each one request at a time."""
    address = urlsplit(base_url)
    deadline = time.perf_counter() + duration
    latencies, codes, errors = [], {}, [0]
    lock = threading.Lock()

    def worker(offset):
        mine, my_codes, my_errors = [], {}, 0
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        index = offset
        while True:
            started = time.perf_counter()
            if started >= deadline:
                break
            path = paths[index % len(paths)]
            index += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.will_close:
                    connection.close()  # http.client reopens on the next request
                my_codes[response.status] = my_codes.get(response.status, 0) + 1
                mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                my_errors += 1
                connection.close()
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, count in my_codes.items():
                codes[code] = codes.get(code, 0) + count
            errors[0] += my_errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(number,)) for number in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "status_codes": {str(code): count for code, count in sorted(codes.items())},
        "errors": errors[0],
        "unanswered": 0,  # each thread waits for its last response
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description="The fallback load generator.")
    parser.add_argument("base_url")
    parser.add_argument("paths_file", help="a JSON list of paths")
    parser.add_argument("duration", type=float)
    parser.add_argument("connections", type=int)
    args = parser.parse_args(argv)
    paths = json.loads(Path(args.paths_file).read_text())
    print(MARK + json.dumps(generate(args.base_url, paths, args.duration, args.connections)))


if __name__ == "__main__":
    main()
