"""Customer search and customer-360 latency under 50 concurrent users (PostgreSQL, gunicorn).

    uv run python bench/customer_latency.py [--duration 60] [--users 50] [--modes paced,saturation]

1. creates the database named by DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/roots_bench) if missing, migrates it and loads the
   `haier` demo data set when it has no customers;
2. starts the app with gunicorn (2 workers x 8 threads, DEBUG off) on 127.0.0.1;
3. signs in 50 demo users (hq_admin, branch_manager, account_manager) and, for each
   scenario, runs Locust headless in its own process for `--duration` seconds:
     search   GET /api/v1/customers/?search=<Chinese | pinyin prefix | pinyin initials>
     html360  GET /customers/<code>/  (the customer 360 page, session login)
     api360   GET /api/v1/customers/<code>/, /api/v1/outlets/?customer=<code>,
              /api/v1/customers/<code>/history/  (one after the other; "total" is the sum)
   in three modes: `serial` (one user, no think time, 30 s: the latency floor), `paced`
   (each user thinks 0.5-1.5 s between actions: 50 people at work) and `saturation` (no
   think time: the throughput ceiling of the machine);
4. prints p50/p95/p99 and throughput and writes everything to bench/results/.

Goals (issue): p95 < 50 ms for search and < 150 ms for the 360 page, 50 users, 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/roots_bench"
GOALS_MS = {"search": 50.0, "html360": 150.0, "api360": 150.0}


# --- environment --------------------------------------------------------------------------
def app_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "roots.settings.dev",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def ensure_database(database_url: str) -> None:
    """Create the benchmark database when it does not exist."""
    import psycopg

    parts = urllib.parse.urlparse(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze(database_url: str) -> None:
    """What autovacuum does on a live database: fresh statistics and a visibility map
    (index-only scans), so that a just-loaded database is measured as a settled one."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def machine_info(database_url: str) -> dict[str, Any]:
    import psycopg

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg = row[0] if row else "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "git_commit": commit,
        "kernel": platform.release(),
    }


# --- the plan: who signs in and what they ask for ---------------------------------------------
def build_plan(env: dict[str, str], users: int, seed: int) -> dict[str, Any]:
    """Pick the users and, for each, customer codes and search terms inside their scope."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from roots.core.search import pinyin_keys
    from roots.customers.models import Customer
    from roots.org.models import Role, User
    from roots.org.services import api_token_create

    rng = random.Random(seed)
    hq = list(User.objects.filter(role=Role.HQ_ADMIN).order_by("pk")[:6])
    n_bm = (users - len(hq)) * 2 // 5
    bms = list(User.objects.filter(role=Role.BRANCH_MANAGER).order_by("pk"))
    bms = rng.sample(bms, min(n_bm, len(bms)))
    ams_all = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("pk"))
    ams = rng.sample(ams_all, users - len(hq) - len(bms))
    personas = []
    for user in hq + bms + ams:
        visible = Customer.objects.visible_to(user).order_by("code")
        codes = list(visible.values_list("code", flat=True))
        names = list(visible.values_list("name", flat=True))
        sample = rng.sample(range(len(codes)), min(30, len(codes)))
        terms: list[str] = []
        for i in sample[:12]:
            name = names[i]
            core = re.sub(r"^(海尔专卖店（)", "", name)
            full, initials = pinyin_keys(core[:4])
            chunk = core[2:4] if len(core) >= 4 else core[:2]
            terms += [chunk, full[: max(4, len(full) // 2)], initials]
        _token, secret = api_token_create(user=user)
        personas.append(
            {
                "username": user.username,
                "role": user.role,
                "token": secret,
                "codes": [codes[i] for i in sample],
                "terms": [urllib.parse.quote(t) for t in terms if t],
            }
        )
    return {"users": personas}


def session_cookie(base: str, username: str, password: str) -> str:
    """Sign in through the login form; answer the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/account/login/", timeout=30).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise RuntimeError("no CSRF token on the login page")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{base}/account/login/", data=body, headers={"Referer": f"{base}/account/login/"}
    )
    opener.open(request, timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"login failed for {username}")
    return "; ".join(f"{k}={v}" for k, v in sorted(cookies.items()))


# --- the server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    log = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "roots.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited; see bench/results/gunicorn.log")
            try:
                with urllib.request.urlopen(f"{base}/account/login/", timeout=10) as response:
                    if response.status == 200:
                        return server
            except OSError:  # not listening yet, or still booting
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not come up; see bench/results/gunicorn.log")
    except BaseException:
        stop_server(server)
        raise


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (their own process group, started by us)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


def warm_up(base: str, plan: dict[str, Any], rounds: int = 3) -> None:
    """A few requests of every kind per worker, so that imports and caches are warm."""
    for persona in plan["users"][: 6 * rounds]:
        headers = {"Authorization": f"Token {persona['token']}"}
        code = persona["codes"][0]
        for url, hdrs in (
            (f"/api/v1/customers/?search={persona['terms'][0]}", headers),
            (f"/api/v1/customers/{code}/", headers),
            (f"/api/v1/outlets/?customer={code}", headers),
            (f"/api/v1/customers/{code}/history/", headers),
            (f"/customers/{code}/", {"Cookie": persona["cookie"]}),
        ):
            request = urllib.request.Request(base + url, headers=hdrs)
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()


# --- CPU accounting: where the machine's time went during a run ----------------------------
TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    result = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                result.append(int(entry.name))
    return result


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


class CpuMeter:
    """CPU used by the app (gunicorn workers), by its PostgreSQL backends, by the load
    generator and by everything else on the machine, over one run."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        self.database = urllib.parse.urlparse(database_url).path.lstrip("/")
        self.database_url = database_url

    def _db_pids(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return [int(r[0]) for r in rows]

    def snapshot(self) -> dict[str, Any]:
        workers = _children(self.server_pid)
        return {
            "time": time.monotonic(),
            "machine": _machine_busy(),
            "app": {pid: _proc_cpu(pid) for pid in [self.server_pid, *workers]},
            "db": {pid: _proc_cpu(pid) for pid in self._db_pids()},
            "children": resource.getrusage(resource.RUSAGE_CHILDREN),
        }

    def usage(self, before: dict[str, Any], requests: int) -> dict[str, Any]:
        after = self.snapshot()
        wall = after["time"] - before["time"]

        def delta(kind: str) -> float:
            return sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())

        app, db = delta("app"), delta("db")
        load = (after["children"].ru_utime + after["children"].ru_stime) - (
            before["children"].ru_utime + before["children"].ru_stime
        )
        machine = after["machine"] - before["machine"]
        return {
            "wall_s": round(wall, 1),
            "app_cores": round(app / wall, 2),
            "db_cores": round(db / wall, 2),
            "load_generator_cores": round(load / wall, 2),
            "other_processes_cores": round(max(0.0, machine - app - db - load) / wall, 2),
            "server_cpu_ms_per_request": round((app + db) * 1000 / requests, 1)
            if requests
            else None,
        }


# --- one scenario ---------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(samples: list[float], errors: int, elapsed: float) -> dict[str, Any]:
    return {
        "requests": len(samples),
        "errors": errors,
        "throughput_rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "mean_ms": round(statistics.fmean(samples), 1) if samples else None,
        "p50_ms": round(percentile(samples, 50), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "p99_ms": round(percentile(samples, 99), 1),
        "max_ms": round(max(samples), 1) if samples else None,
    }


def run_scenario(
    *,
    scenario: str,
    mode: str,
    base: str,
    plan_path: Path,
    users: int,
    duration: int,
    meter: CpuMeter,
) -> dict[str, Any]:
    out = RESULTS / f"raw-{scenario}-{mode}.json"
    env = dict(os.environ)
    env.update(
        {
            "BENCH_PLAN": str(plan_path),
            "BENCH_SCENARIO": scenario,
            "BENCH_WAIT": "0.5,1.5" if mode == "paced" else "0,0",
            "BENCH_OUT": str(out),
            "BENCH_ROTATE": "1" if mode == "serial" else "0",
        }
    )
    before = meter.snapshot()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    raw = json.loads(out.read_text())
    elapsed = raw["elapsed_s"] or duration
    samples: dict[str, list[float]] = raw["samples_ms"]
    errors: dict[str, int] = raw["errors"]
    by_name = {
        name: summarise(values, errors.get(name, 0), elapsed)
        for name, values in sorted(samples.items())
    }
    if scenario == "api360":
        headline = [v for name, vals in samples.items() if "total" in name for v in vals]
        headline_errors = sum(n for name, n in errors.items() if "total" in name)
    else:
        headline = [v for vals in samples.values() for v in vals]
        headline_errors = sum(errors.values())
    http_requests = sum(
        len(vals) + errors.get(name, 0) for name, vals in samples.items() if "total" not in name
    )
    cpu = meter.usage(before, http_requests)
    overall = summarise(headline, headline_errors, elapsed)
    overall["goal_p95_ms"] = GOALS_MS[scenario]
    overall["meets_goal"] = bool(headline) and overall["p95_ms"] < GOALS_MS[scenario]
    return {
        "scenario": scenario,
        "mode": mode,
        "overall": overall,
        "cpu": cpu,
        "by_name": by_name,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario and mode")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scenarios", default="search,html360,api360")
    parser.add_argument("--modes", default="serial,paced,saturation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tag", default="", help="a label stored with the results")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    RESULTS.mkdir(parents=True, exist_ok=True)

    env = app_env(args.database_url)
    ensure_database(args.database_url)
    print("migrating ...")
    manage(env, "migrate", "--noinput", "-v", "0")
    if manage(env, "demo_empty").strip() == "empty":
        print("loading the haier demo data set ...")
        started = time.perf_counter()
        manage(env, "seed_demo", "--scale", "haier", "-v", "0")
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
    vacuum_analyze(args.database_url)
    plan = build_plan(env, args.users, args.seed)
    from django.conf import settings

    port = args.port or free_port()
    server = start_server(env, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        for persona in plan["users"]:
            persona["cookie"] = session_cookie(base, persona["username"], settings.DEMO_PASSWORD)
        plan_path = RESULTS / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        warm_up(base, plan)
        meter = CpuMeter(server.pid, args.database_url)
        runs = []
        for mode in args.modes.split(","):
            for scenario in args.scenarios.split(","):
                users = 1 if mode == "serial" else args.users
                duration = min(args.duration, 30) if mode == "serial" else args.duration
                print(f"running {scenario} ({mode}, {users} users, {duration} s) ...")
                result = run_scenario(
                    scenario=scenario,
                    mode=mode,
                    base=base,
                    plan_path=plan_path,
                    users=users,
                    duration=duration,
                    meter=meter,
                )
                o, c = result["overall"], result["cpu"]
                print(
                    f"  {o['requests']} requests, {o['errors']} errors, "
                    f"{o['throughput_rps']} req/s, p50 {o['p50_ms']} ms, "
                    f"p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms "
                    f"(goal p95 < {o['goal_p95_ms']:.0f} ms: "
                    f"{'met' if o['meets_goal'] else 'missed'}); server CPU "
                    f"{c['server_cpu_ms_per_request']} ms/request, cores: app {c['app_cores']}, "
                    f"db {c['db_cores']}, locust {c['load_generator_cores']}, "
                    f"other {c['other_processes_cores']}"
                )
                runs.append(result)
    finally:
        stop_server(server)
    report = {
        "benchmark": "customer_latency",
        "tag": args.tag,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(args.database_url),
        "config": {
            "users": args.users,
            "duration_s": args.duration,
            "gunicorn": f"{args.workers} workers x {args.threads} threads",
            "think_time_paced_s": [0.5, 1.5],
            "database": urllib.parse.urlparse(args.database_url).path.lstrip("/"),
        },
        "runs": runs,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"customer_latency-{stamp}{'-' + args.tag if args.tag else ''}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
