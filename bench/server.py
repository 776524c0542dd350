"""The production stack under test: gunicorn in its own process group.

``Server`` starts ``gunicorn -c python:newsroom.gunicorn`` (the settings
``make serve`` uses) in a new session, waits for ``/healthz``, reports the
CPU time its master and workers have used, and stops the whole group.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """Pids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pid):
    """User + system CPU seconds of ``pid`` (all its threads), or None if gone.

    ``schedstat`` counts nanoseconds; ``stat`` counts clock ticks (10 ms),
    used when the kernel has no schedstat.
    """
    try:
        total = 0
        for task in os.scandir(f"/proc/{pid}/task"):
            total += int(Path(task.path, "schedstat").read_text().split()[0])
        return total / 1e9
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# TCP states of a server-side socket whose request is not finished yet:
# established (being read or served, or waiting to be accepted), half-open,
# and closed by the client but not yet by the worker (wrk hangs up at the end).
_BUSY_STATES = {"01", "03", "08"}


def open_requests(port):
    """Connections to ``port`` that the server has not finished with (from /proc/net/tcp)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            if int(local.rsplit(":", 1)[1], 16) == port and state in _BUSY_STATES:
                count += 1
    return count


class ServerError(RuntimeError):
    pass


class Server:
    """One gunicorn, started with ``env`` on a free port of 127.0.0.1."""

    def __init__(self, env, *, log_path, python=sys.executable, start_timeout=60):
        self.port = free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.log_path = Path(log_path)
        self.python = python
        self.start_timeout = start_timeout
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [self.python, "-m", "gunicorn", "-c", "python:newsroom.gunicorn"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped as one, spared the terminal's Ctrl-C
        )
        log.close()
        deadline = time.monotonic() + self.start_timeout
        workers = int(self.env.get("WEB_CONCURRENCY", "2"))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}")
            if self.get("/healthz")[0] == 200 and len(self.pids()) > workers:
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"gunicorn did not answer /healthz within {self.start_timeout} s:\n{self.log_tail()}")

    def get(self, path, timeout=30):
        """(status, body bytes) of one GET, or (None, b"") when it fails."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return None, b""
        finally:
            connection.close()

    def pids(self):
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def cpu(self):
        """(CPU seconds of the master and its workers, their pids)."""
        pids = self.pids()
        return sum(cpu_seconds(pid) or 0 for pid in pids), frozenset(pids)

    def wait_until_idle(self, *, timeout=300, interval=0.05):
        """Wait until every request sent so far has been served (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not open_requests(self.port):
                return True
            time.sleep(interval)
        return False

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout=15):
        """Stop the master and its workers: TERM to the group, then KILL."""
        if self.process is None:
            return
        process, self.process = self.process, None
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(wait)
                # Workers may outlive the master for a moment; make sure.
                os.killpg(process.pid, 0)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
            time.sleep(0.2)
        if process.poll() is None:
            process.wait(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
