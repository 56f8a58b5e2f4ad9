"""Serve a benchmark database with gunicorn (2 workers) on 127.0.0.1 and measure requests per second per page."""
from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

# gthread rather than sync: we serve without a buffering proxy, with keep-alive (ENGINEERING.md).
WORKERS, THREADS, CONNECTIONS = 2, 4, 16
WARM_TIMEOUT = 60
WRK_INSTALL = "apt-get install -y wrk"
ROOT = Path(__file__).resolve().parents[1]
ID = "{id}"
RANDOM_IDS = Path(__file__).resolve().parent / "random_ids.lua"
_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_LATENCY = re.compile(r"Latency\s+([\d.]+)(us|ms|s)")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_TIMEOUTS = re.compile(r"Socket errors:.*timeout (\d+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, port: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start: see its messages above")


def _wrk(port: int, path: str, seconds: int, ids: int) -> dict:
    """Load `path` with wrk; a path with "{id}" asks for random ids from 1 to `ids` (see random_ids.lua)."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "30s", "--latency"]
    if ID in path:
        command += ["-s", str(RANDOM_IDS), f"http://127.0.0.1:{port}", "--", path, str(ids)]
    else:
        command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = _WRK_LATENCY.search(output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = _WRK_ERRORS.search(output)
    timeouts = _WRK_TIMEOUTS.search(output)
    return {
        "requests_per_second": float(_WRK_RATE.search(output).group(1)),
        "mean_latency_ms": float(latency.group(1)) * scale[latency.group(2)] if latency else None,
        "errors": (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0),
        "tool": "wrk",
    }


def _python_load(port: int, path: str, seconds: int, ids: int) -> dict:
    """Keep CONNECTIONS keep-alive connections busy for `seconds`; a bounded stand-in for wrk."""
    deadline = time.monotonic() + seconds
    chooser = random.Random(1894)
    counts, errors, latencies = [0] * CONNECTIONS, [0] * CONNECTIONS, [0.0] * CONNECTIONS

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path.replace(ID, str(chooser.randint(1, ids))))
                response = connection.getresponse()
                response.read()
            except OSError:
                errors[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[slot] += time.perf_counter() - started
            counts[slot] += 1
            errors[slot] += response.status >= 400
        connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(counts)
    return {
        "requests_per_second": total / (time.monotonic() - started),
        "mean_latency_ms": 1000 * sum(latencies) / total if total else None,
        "errors": sum(errors),
        "tool": "python http.client threads (install wrk for steadier figures: " + WRK_INSTALL + ")",
    }


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = WORKERS, threads: int = THREADS, log: Path | None = None):
    """Serve the app on the database with gthread workers on a free loopback port; yield the port and the command.

    The server's messages go to `log` when given (to be searched afterwards), else to this terminal.
    """
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url, "REGISTRY_ENV": "production",
        "REGISTRY_SECRET_KEY": secrets.token_hex(32), "REGISTRY_AUTO_INIT": "false", "REGISTRY_DEMO_DATA": "false",
        "REGISTRY_RATELIMIT_ENABLED": "false",  # every connection comes from one address here
    }
    command = [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", str(threads),
        "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5", "--log-level", "warning", "registry:create_app()",
    ]
    with open(log, "w", encoding="utf-8") if log else contextlib.nullcontext() as output:
        server = subprocess.Popen(command, env=environment, cwd=ROOT, stderr=output)
        try:
            _wait_until_up(server, port)
            yield port, " ".join(command[1:])
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def run_web(database: Path, paths: dict[str, str], seconds: int = 10, ids: int = 1, rounds: int = 3) -> dict:
    """Start gunicorn on the database, load each path for `seconds`, `rounds` times in turn, and stop it.

    Each page's rate is its best round. The gthread worker that wakes first may accept all of
    wrk's keep-alive connections, and then one process serves the whole round: seen for
    `/healthz` at 1,700 req/s against 5,000 when the connections are shared (counted with
    `ss -tnp`). The best of several rounds is the figure with both workers at work.
    A path with "{id}" is asked for with random ids from 1 to `ids`, so that no cache holds them all.
    """
    with gunicorn(f"sqlite:///{database}") as (port, server_line):
        results: dict = {"server": server_line, "connections": CONNECTIONS, "seconds": seconds, "pages": {}}
        use_wrk = shutil.which("wrk") is not None
        for name, path in paths.items():
            single = _warm(port, path.replace(ID, "1"))
            if single is None:
                # Loading such a page would only queue requests behind each other for minutes.
                results["pages"][name] = {"path": path, "requests_per_second": 0.0, "mean_latency_ms": None, "errors": 0,
                                          "single_request_ms": None, "tool": f"not loaded: one request took over {WARM_TIMEOUT} s"}
                continue
            load = _wrk if use_wrk else _python_load
            measured = [load(port, path, seconds, ids) for _ in range(rounds)]
            best = max(measured, key=lambda m: m["requests_per_second"])
            results["pages"][name] = {"path": path, "single_request_ms": single, **best,
                                      "rounds": [m["requests_per_second"] for m in measured]}
    healthz = results["pages"].get("/healthz", {}).get("requests_per_second")
    for page in results["pages"].values():
        page["ratio_to_healthz"] = page["requests_per_second"] / healthz if healthz else None
    return results


def _warm(port: int, path: str, timeout: float = WARM_TIMEOUT) -> float | None:
    """Request a page twice so a worker has loaded templates and caches; return the second time in ms, None if too slow."""
    elapsed = None
    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            status = connection.getresponse().status
        except TimeoutError:
            return None
        finally:
            connection.close()
        if status >= 400:
            raise RuntimeError(f"{path} answered {status}")
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed
