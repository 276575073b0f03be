"""Throughput with Debian's `wrk` beside the Python client, and where the CPU went during a load.

The Python client of `http_load.py` shares the machine's two cores with the servers it
measures: its threads parse every answer, so part of the CPU a server could use goes to the
client. `wrk` (C, epoll) costs a fraction of that, so its figure is closer to what the
servers can do when the visitors are on other machines. Both are printed, side by side.

Every request of a wrk run is a distinct query (each server process gets its own list, and a
run that would wrap around its list is flagged), so a cache cannot make the figure.

    apt-get install wrk        # the figure is skipped, with a note, when wrk is not installed
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

# One Lua state per wrk thread; each request takes the next path of the file, in order.
LUA_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def installed() -> str | None:
    return shutil.which("wrk")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class CpuMeter:
    """CPU spent by the servers and by this process (the client) between start and stop."""

    def __init__(self, server_pids: list[int]) -> None:
        self.pids = server_pids
        self.servers = [process_cpu_s(pid) for pid in server_pids]
        self.client = _self_cpu_s()
        self.started = time.perf_counter()

    def stop(self, requests: int) -> dict:
        seconds = time.perf_counter() - self.started
        server_s = sum(process_cpu_s(p) - s for p, s in zip(self.pids, self.servers, strict=True))
        client_s = _self_cpu_s() - self.client
        capacity = seconds * (os.cpu_count() or 1)
        return {
            "server_cpu_ms_per_request": round(1000 * server_s / max(requests, 1), 2),
            "server_cpu_share": round(server_s / capacity, 3),
            "client_cpu_share": round(client_s / capacity, 3),
        }


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNIT_MS[unit]


def parse_wrk(text: str) -> dict:
    """The figures of one `wrk --latency` report."""
    found = {
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "non_2xx": 0,
        "socket_errors": 0,
    }
    for pct, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        found[f"p{pct}_ms"] = round(_ms(value, unit), 1)
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        found["non_2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: (.*)", text):
        found["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    return found


def wrk_load(servers: list, paths: list[str], concurrency: int, seconds: int) -> dict:
    """One wrk per server process, all at once, `concurrency` connections in all."""
    wrk = installed()
    if not wrk:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    per_server = max(1, concurrency // len(servers))
    with tempfile.TemporaryDirectory(prefix="postsearch-wrk-") as work:
        script = Path(work) / "paths.lua"
        script.write_text(LUA_SCRIPT)
        runs, argvs = [], []
        meter = CpuMeter([s.process.pid for s in servers])
        for k, server in enumerate(servers):
            own = Path(work) / f"paths-{k}.txt"
            # Processes have their own caches: each asks every query once, in its own order.
            ordered = paths if k % 2 == 0 else paths[::-1]
            own.write_text("\n".join(ordered) + "\n")
            argv = [wrk, "-t1", f"-c{per_server}", f"-d{seconds}s", "--latency", "-s", str(script)]
            argv.append(f"http://127.0.0.1:{server.port}")
            argvs.append(" ".join(argv))
            env = {**os.environ, "BENCH_PATHS": str(own)}
            runs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env))
        outputs = [run.communicate(timeout=seconds + 60)[0] for run in runs]
    reports = [parse_wrk(out) for out in outputs]
    requests = sum(r["requests"] for r in reports)
    return {
        "connections": per_server * len(servers),
        "seconds": seconds,
        "requests": requests,
        "rps": round(sum(r["rps"] for r in reports), 1),
        # wrk reports no merged percentiles; the slower process's are the honest ones.
        "p50_ms": max(r.get("p50_ms", 0) for r in reports),
        "p99_ms": max(r.get("p99_ms", 0) for r in reports),
        "errors": sum(r["non_2xx"] + r["socket_errors"] for r in reports),
        "wrapped": any(r["requests"] > len(paths) for r in reports),
        **meter.stop(requests),
        "commands": argvs,
    }
