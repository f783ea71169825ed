"""Statement PDF downloads after a `make run`-like set-up from nothing.

In a scratch directory (its own `ROOTS_VAR_DIR`: an empty SQLite database and media
folder) the script migrates, loads the `small` demo (`seed_demo`), starts the task worker
and the server as `make run` does (`db_worker --interval 1`, `runserver`), signs in as a
customer login of the README and downloads the PDF of its issued statement N times, one
after the other. It prints each download's time, p50, p95 (nearest rank) and max, and the
render time of the same PDF in a fresh process (a cold render: WeasyPrint and the Noto CJK
font loaded from nothing) and again in that process (warm).

    .venv/bin/python bench/statement_pdf.py                  # 20 downloads as cu_c000005
    .venv/bin/python bench/statement_pdf.py --downloads 50 --user cu_c000009
    .venv/bin/python bench/statement_pdf.py --no-wait        # start downloading at once

By default the downloads start once the worker has stored the statement's PDF (a few
seconds after start: the demo queues the README customers' statements, as issuing one
does); with `--no-wait` they start as soon as the server answers, so the first one may
render the PDF itself. The cost throttle on downloads (`EXPORT_RATE`, 10 a minute) is
raised for the run. Results go to `bench/results/statement_pdf-<time>.json`.
"""

from __future__ import annotations

import argparse
import ctypes.util
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = os.environ.get("DEMO_PASSWORD", "roots-demo-2026")

COLD_RENDER = """
import time
t0 = time.perf_counter()
from django.utils import translation
from roots.finance import rendering
from roots.finance.models import Statement
st = Statement.objects.all_unscoped().get(number={number!r})
translation.activate("zh-hans")
t1 = time.perf_counter()
rendering.statement_pdf(statement=st)
t2 = time.perf_counter()
rendering.statement_pdf(statement=st)
t3 = time.perf_counter()
print({{"cold_render_s": round(t2 - t1, 3), "warm_render_s": round(t3 - t2, 3)}})
"""

FIND_STATEMENT = """
from roots.finance.models import Statement
st = (Statement.objects.all_unscoped()
      .filter(customer__users__username={user!r}, status="issued")
      .order_by("-year", "-month").first())
print(st.number if st else "")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    if args[0] == "shell":  # no automatic imports: they print a list before the answer
        args = (*args, "--no-imports")
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, done.stdout


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/account/login/", timeout=30)
    token = session.cookies.get("csrftoken") or re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
    ).group(1)  # type: ignore[union-attr]
    answer = session.post(
        f"{base}/account/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/account/login/"},
        timeout=30,
    )
    answer.raise_for_status()
    if "sessionid" not in session.cookies:
        raise SystemExit(f"could not sign in as {username}")
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=int, default=20)
    parser.add_argument("--user", default="cu_c000005")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for the worker")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="roots-bench-pdf-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        ROOTS_VAR_DIR=str(scratch / "var"),
        DJANGO_SETTINGS_MODULE="roots.settings.dev",
        EXPORT_RATE="1000/minute",
        PYTHONUNBUFFERED="1",
    )
    result: dict[str, Any] = {
        "harfbuzz_subset": ctypes.util.find_library("harfbuzz-subset"),
        "user": args.user,
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        result["migrate_s"], _out = _manage(env, "migrate", "--noinput", "-v", "0")
        result["seed_s"], _out = _manage(env, "seed_demo", "--scale", "small")
        _t, number = _manage(env, "shell", "-c", FIND_STATEMENT.format(user=args.user))
        number = number.strip().splitlines()[-1] if number.strip() else ""
        if not number:
            raise SystemExit(f"{args.user} has no issued statement")
        result["statement"] = number
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(scratch / "server.log", "wb")  # noqa: SIM115 - closed with the processes
        started = time.perf_counter()
        for command in (
            ["db_worker", "--interval", "1"],
            ["runserver", f"127.0.0.1:{port}", "--noreload"],
        ):
            processes.append(
                subprocess.Popen(
                    [PY, "manage.py", *command],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        for _n in range(300):
            try:
                requests.get(f"{base}/account/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        result["server_up_s"] = round(time.perf_counter() - started, 2)
        stored = scratch / "var" / "media" / "statements" / number
        if not args.no_wait:
            for _n in range(1200):
                if any(stored.rglob("*.pdf")):
                    break
                time.sleep(0.1)
            result["stored_after_start_s"] = round(time.perf_counter() - started, 2)
        result["stored_before_downloads"] = sorted(
            str(p.relative_to(stored)) for p in stored.rglob("*.pdf")
        )
        session = _login(base, args.user)
        url = f"{base}/statements/{number}/pdf/"
        times = []
        for _n in range(args.downloads):
            start = time.perf_counter()
            answer = session.get(url, timeout=120)
            elapsed = time.perf_counter() - start
            if answer.status_code != 200 or not answer.content.startswith(b"%PDF"):
                raise SystemExit(f"download answered {answer.status_code}")
            times.append(round(elapsed, 4))
        result["download_s"] = times
        result["bytes"] = len(answer.content)
        result["p50_s"] = _percentile(times, 0.50)
        result["p95_s"] = _percentile(times, 0.95)
        result["max_s"] = max(times)
        result["first_s"] = times[0]
        _t, cold = _manage(env, "shell", "-c", COLD_RENDER.format(number=number))
        result.update(json.loads(cold.strip().splitlines()[-1].replace("'", '"')))
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"statement_pdf-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
