"""Locust users for `bench/customer_latency.py` (run by it, in its own process).

Configuration comes from the environment:
  BENCH_PLAN      JSON file with the users (token, session cookie, customer codes, search terms)
  BENCH_SCENARIO  search | html360 | api360
  BENCH_WAIT      "min,max" think time in seconds between two actions of a user ("0,0": none)
  BENCH_OUT       where to write the raw latencies (JSON) when the run ends
  BENCH_ROTATE    "1": each action is played by another persona of the plan (serial mode)

Each Locust user plays one demo login of the plan (hq_admin, branch_manager or
account_manager), so that the row-level scope of every request is that of a real person.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
SCENARIO = os.environ.get("BENCH_SCENARIO", "search")
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "0.5,1.5").split(","))
OUT = os.environ.get("BENCH_OUT", "latencies.json")
ROTATE = os.environ.get("BENCH_ROTATE") == "1"  # one user playing every persona in turn

_samples: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, int] = defaultdict(int)
_first: list[float] = []
_last: list[float] = []
_lock = threading.Lock()
_next_user = itertools.count()


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: BaseException | None = None,
    **_kwargs: Any,
) -> None:
    now = time.monotonic()
    with _lock:
        if not _first:
            _first.append(now)
        _last[:] = [now]
        if exception is not None:
            _errors[name] += 1
        else:
            _samples[name].append(response_time)


@events.quitting.add_listener
def _dump(environment: Any, **_kwargs: Any) -> None:
    elapsed = (_last[0] - _first[0]) if _first and _last else 0.0
    Path(OUT).write_text(
        json.dumps({"elapsed_s": elapsed, "samples_ms": _samples, "errors": _errors}),
        encoding="utf-8",
    )


class CrmUser(FastHttpUser):
    """One signed-in staff member: searches customers or opens customers' 360 views."""

    wait_time = constant(0) if WAIT == (0.0, 0.0) else between(*WAIT)
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        users = PLAN["users"]
        self.persona = users[next(_next_user) % len(users)]
        self.rng = random.Random(self.persona["username"])

    @property
    def api_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.persona['token']}", "Accept": "application/json"}

    @property
    def html_headers(self) -> dict[str, str]:
        return {"Cookie": self.persona["cookie"], "Accept": "text/html"}

    def _get(self, url: str, name: str, headers: dict[str, str]) -> float:
        started = time.perf_counter()
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif name.startswith("html") and b"<html" not in (response.content or b"")[:2000]:
                response.failure("not an HTML page")
        return (time.perf_counter() - started) * 1000

    @task
    def act(self) -> None:
        if ROTATE:
            self.persona = self.rng.choice(PLAN["users"])
        p = self.persona
        role = p["role"]
        if SCENARIO == "search":
            term = self.rng.choice(p["terms"])
            self._get(f"/api/v1/customers/?search={term}", f"search {role}", self.api_headers)
        elif SCENARIO == "html360":
            code = self.rng.choice(p["codes"])
            self._get(f"/customers/{code}/", f"html360 {role}", self.html_headers)
        elif SCENARIO == "api360":
            code = self.rng.choice(p["codes"])
            total = self._get(f"/api/v1/customers/{code}/", "api360 detail", self.api_headers)
            total += self._get(
                f"/api/v1/outlets/?customer={code}", "api360 outlets", self.api_headers
            )
            total += self._get(
                f"/api/v1/customers/{code}/history/", "api360 history", self.api_headers
            )
            # The three calls one after the other, as a simple client makes them.
            events.request.fire(
                request_type="GET",
                name=f"api360 total {role}",
                response_time=total,
                response_length=0,
                exception=None,
                context={},
            )
        else:  # pragma: no cover - a typo in the orchestrator
            raise RuntimeError(f"unknown scenario {SCENARIO}")
