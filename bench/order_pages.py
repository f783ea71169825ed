"""Latency floor and SQL queries of the order, custom-order, finance, complaint and portal
pages at `haier` scale (PostgreSQL), one user at a time, inside one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roots_bench \
        .venv/bin/python bench/order_pages.py [--repeat 20]

The database must hold the `haier` demo (`bench/customer_latency.py` creates and loads it,
or `manage.py seed_demo --scale haier`). For each page and role it signs a demo user in
(Django's test client: no network, no gunicorn), requests the page `--repeat` times after
one warm-up and prints p50 / p95 in milliseconds, the number of SQL queries and the size of
the answer; the table goes to bench/results/order_pages-<time>.json. This measures the
server's own cost per page (the floor under load); the load test is customer_latency.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roots.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/roots_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from roots.customers.models import Customer  # noqa: E402
from roots.finance.models import Statement  # noqa: E402
from roots.orders.models import CustomOrder, Order  # noqa: E402
from roots.org.models import Role, User  # noqa: E402


def _pick_people() -> dict[str, Any]:
    """A busy account manager (the most orders), their branch manager, an hq admin, a
    product manager and a user of that account manager's busiest customer."""
    busiest = (
        Order.objects.all_unscoped()
        .values("customer_id")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no orders: load the haier demo first"
    customer = Customer.objects.all_unscoped().get(pk=busiest["customer_id"])
    portal = User.objects.filter(role=Role.CUSTOMER_USER, customer=customer).first()
    if portal is None:  # not every customer has a portal user: take one who does
        portal = User.objects.filter(role=Role.CUSTOMER_USER).first()
        customer = portal.customer  # type: ignore[union-attr,assignment]
    manager = customer.account_manager
    return {
        "customer": customer,
        "account_manager": manager,
        "branch_manager": User.objects.filter(
            role=Role.BRANCH_MANAGER, branch_id=customer.branch_id
        ).first(),
        "hq_admin": User.objects.filter(role=Role.HQ_ADMIN).first(),
        "product_manager": User.objects.filter(role=Role.PRODUCT_MANAGER).first(),
        "customer_user": portal,
    }


def _pages(people: dict[str, Any]) -> list[tuple[str, str, str]]:
    customer = people["customer"]
    order = Order.objects.all_unscoped().filter(customer=customer).order_by("-id").first()
    custom = CustomOrder.objects.all_unscoped().filter(customer=customer).first()
    statement = Statement.objects.all_unscoped().filter(customer=customer).first()
    pages = [
        ("account_manager", "orders list", "/orders/"),
        ("account_manager", "order desk", "/orders/desk/"),
        ("branch_manager", "order desk", "/orders/desk/"),
        ("hq_admin", "orders list", "/orders/"),
        ("hq_admin", "orders search", "/orders/?q=SO0001"),
        ("customer_user", "portal home", "/portal/"),
        ("customer_user", "orders list", "/orders/"),
        ("customer_user", "order builder", "/orders/new/"),
        ("customer_user", "builder search bx", "/orders/new/products/?q=bx"),
        ("customer_user", "catalog search", "/catalog/?q=bingxiang"),
        ("hq_admin", "catalog", "/catalog/"),
        ("account_manager", "custom orders", "/custom-orders/"),
        ("product_manager", "custom orders", "/custom-orders/"),
        ("product_manager", "custom demand", "/custom-orders/demand/"),
        ("customer_user", "account", "/finance/"),
        ("account_manager", "statements", "/statements/"),
        ("account_manager", "disputes desk", "/disputes/"),
        ("hq_admin", "invoices", "/invoices/"),
        ("account_manager", "complaints", "/complaints/"),
        ("hq_admin", "complaints", "/complaints/"),
        ("account_manager", "360 orders tab", f"/customers/{customer.code}/?tab=orders"),
        ("account_manager", "360 balance tab", f"/customers/{customer.code}/?tab=balance"),
        ("hq_admin", "API orders", "/api/v1/orders/?page_size=50"),
        ("customer_user", "API products bx", "/api/v1/products/?search=bx&page_size=50"),
    ]
    if order is not None:
        pages += [
            ("customer_user", "order page", f"/orders/{order.number}/"),
            ("account_manager", "order page", f"/orders/{order.number}/"),
        ]
    if custom is not None:
        pages.append(("product_manager", "custom order page", f"/custom-orders/{custom.number}/"))
    if statement is not None:
        pages += [
            ("customer_user", "statement", f"/statements/{statement.number}/"),
            ("customer_user", "statement PDF", f"/statements/{statement.number}/pdf/"),
            ("customer_user", "statement XLSX", f"/statements/{statement.number}/xlsx/"),
        ]
    return pages


def _time(client: Client, url: str, repeat: int) -> dict[str, Any]:
    response = client.get(url)  # warm-up (templates, caches, connection)
    if response.status_code != 200:
        return {"status": response.status_code}
    times = []
    queries = 0
    size = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        size = len(body)
    times.sort()
    return {
        "status": 200,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "queries": queries,
        "kb": round(size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    people = _pick_people()
    clients: dict[str, Client] = {}
    rows = []
    print(f"{'role':<16} {'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>7}")
    for role, label, url in _pages(people):
        if role not in clients:
            clients[role] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            clients[role].force_login(people[role])
        result = _time(clients[role], url, args.repeat)
        rows.append({"role": role, "page": label, "url": url, **result})
        if result["status"] != 200:
            print(f"{role:<16} {label:<20} status {result['status']}")
            continue
        print(
            f"{role:<16} {label:<20} {result['p50_ms']:>8} {result['p95_ms']:>8} "
            f"{result['queries']:>8} {result['kb']:>7}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (out / f"order_pages-{stamp}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
