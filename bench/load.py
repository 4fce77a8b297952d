"""Load test: 64 concurrent clients for 60 s on the public map, nearest and list endpoints.

    python bench/load.py [--duration 60] [--connections 64] [--workers 4] [--port 8798]
                         [--keep-db]

What it does, in a separate database (`simpul_bench_load`, dropped at the end unless
--keep-db):

1. creates the database, migrates it, loads the Kota Mojokerto demo (`load_demo`: 18
   kelurahan, 158 hotspots, facilities, fiber) and computes one coverage run;
2. serves the project (`config.wsgi:application`) with gunicorn sync workers on 127.0.0.1
   only, DEBUG off, anonymous throttling off (wrk is one client address: the throttle would
   be all it measures), persistent database connections;
3. checks that each endpoint answers 200, then for each one runs wrk on loopback: 3 s of
   warm-up, then `--duration` seconds with `--connections` connections on 2 threads:
   - `/` (the public map page),
   - `/api/hotspots/nearest/?lat=-7.47&lon=112.43&limit=5`,
   - `/api/hotspots/?page_size=50`;
4. prints a Markdown table (requests, requests/s, p50, p99, errors = non-2xx/3xx responses
   plus socket errors and timeouts) and exits non-zero when any request failed.

Needs wrk (`apt-get install -y wrk`; `scripts/setup.sh test` installs it) and gunicorn (PyPI).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.api import (  # noqa: E402
    create_database,
    drop_database,
    manage,
    parse_wrk,
    psql_url,
    wait_for,
)

PYTHON = sys.executable
BENCH_DB = "simpul_bench_load"
ENDPOINTS = [
    ("public map page", "/"),
    ("nearest 5 hotspots", "/api/hotspots/nearest/?lat=-7.47&lon=112.43&limit=5"),
    ("hotspot list, 50 per page", "/api/hotspots/?page_size=50"),
]


def say(message: str) -> None:
    print(f"[bench/load] {message}", flush=True)


def run_wrk(url: str, duration: int, connections: int) -> dict:
    """Warm up for 3 s, then measure `duration` seconds; the parsed wrk figures."""
    threads = str(min(2, connections))
    subprocess.run(["wrk", "-t", threads, "-c", str(connections), "-d", "3s", url],
                   capture_output=True, check=True)
    out = subprocess.run(["wrk", "-t", threads, "-c", str(connections), "-d", f"{duration}s",
                          "--timeout", "10s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    gunicorn = Path(PYTHON).parent / "gunicorn"
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (or scripts/setup.sh test)")
    if not gunicorn.exists():
        raise SystemExit("gunicorn is missing: pip install gunicorn")

    base_url = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/simpul")
    env = {**os.environ, "DATABASE_URL": psql_url(base_url, BENCH_DB), "DEBUG": "false",
           "SECRET_KEY": "benchmark-only-secret-key", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "SIMPUL_API_ANON_RATE": "", "CONN_MAX_AGE": "600"}
    say(f"creating {BENCH_DB}, migrating, loading the demo, computing coverage")
    started = time.perf_counter()
    create_database(base_url, BENCH_DB)
    server = None
    results = {}
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "compute_coverage")
        say(f"database ready in {time.perf_counter() - started:.0f} s")
        server = subprocess.Popen(
            [str(gunicorn), "config.wsgi:application", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning",
             "--backlog", "2048"],
            cwd=REPO, env=env, start_new_session=True,
        )
        base = f"http://127.0.0.1:{args.port}"
        wait_for(f"{base}/api/hotspots/?page_size=1")
        for _, path in ENDPOINTS:
            with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
                if response.status != 200:
                    raise SystemExit(f"{path} answered {response.status}, not 200")
        load_before = os.getloadavg()[0]
        for label, path in ENDPOINTS:
            say(f"{label}: {args.connections} connections for {args.duration} s")
            results[label] = {"path": path, **run_wrk(f"{base}{path}", args.duration,
                                                      args.connections)}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep_db:
            drop_database(base_url, BENCH_DB)

    print()
    print(f"Demo (158 hotspots), gunicorn {args.workers} sync workers, wrk {args.connections} "
          f"connections / 2 threads, {args.duration} s per endpoint, {os.cpu_count()} CPUs, "
          f"load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    print()
    print("| endpoint | path | requests | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | `{r['path']}` | {r['requests']:,} | {r['rps']:.0f} | "
              f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |")
    errors = sum(r["errors"] for r in results.values())
    print()
    print(f"errors: {errors} -> {'OK' if errors == 0 else 'FAILED'}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
