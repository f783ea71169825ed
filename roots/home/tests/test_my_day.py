"""The "my day" page (今日工作台): account and branch managers land on what waits on them
today; each tile counts exactly what the list it links to shows, in the user's scope only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from roots.home import my_day
from roots.orders import services as order_services
from roots.orders.tests.test_custom_support import quoted
from roots.sales.models import DailyItem, DailyItemKind
from roots.sales.tests.test_pipeline_support import make_opportunity
from roots.service import services as complaint_services
from roots.service.models import Complaint

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _urgent_complaint(user: Any, customer: Any) -> Complaint:
    complaint = complaint_services.complaint_raise(
        user=user,
        data={
            "customer": customer,
            "category": "delivery",
            "subject": f"{customer.name} 送货延迟",
            "description": "三天未到货。",
            "severity": "urgent",
        },
    )
    shift = timedelta(hours=3)  # one hour left to answer
    Complaint.objects.filter(pk=complaint.pk).update(
        raised_at=complaint.raised_at - shift,
        response_due=complaint.response_due - shift,
        resolution_due=complaint.resolution_due - shift,
    )
    return complaint


def _order(user: Any, outlet: Any) -> Any:
    return order_services.order_submit(
        user=user, data={"outlet": outlet, "lines": [{"sku": personas_sku(outlet), "quantity": 1}]}
    )


def personas_sku(outlet: Any) -> Any:
    from roots.catalog.models import Sku

    return Sku.objects.get(code="BCD-216STPT-W")


@pytest.fixture
def work(personas) -> dict[str, Any]:
    """Work of am_a (customer A1) and of am_a2 (customer A2), both in branch A."""
    mine = {
        "complaint": _urgent_complaint(personas.hq, personas.cust_a1),
        "order": _order(personas.cu_a1, personas.outlet_a1),
        "custom": quoted(personas),
        "deal": make_opportunity(
            personas.am_a, customer=personas.cust_a1, close_date=timezone.localdate()
        ),
    }
    _urgent_complaint(personas.hq, personas.cust_a2)
    _order(personas.am_a2, personas.outlet_a2)
    quoted(personas, user=personas.am_a2, outlet=personas.outlet_a2, customer=personas.cust_a2)
    make_opportunity(personas.am_a2, customer=personas.cust_a2, close_date=timezone.localdate())
    # A deal of am_a's not due yet.
    make_opportunity(
        personas.am_a,
        customer=personas.cust_a1,
        close_date=timezone.localdate() + timedelta(days=30),
    )
    for user, title in ((personas.am_a, "给国美打电话"), (personas.am_a2, "拜访利群")):
        DailyItem.objects.create(
            user=user, day=timezone.localdate(), kind=DailyItemKind.TASK, title=title
        )
    return mine


def _tiles(user: Any) -> dict[str, my_day.Tile]:
    return {tile.key: tile for tile in my_day.my_day(user=user)}


def _listed(client: Client, tile: my_day.Tile) -> int:
    """How many records the page the tile links to lists."""
    response = client.get(tile.url)
    assert response.status_code == 200, tile.url
    if tile.key == "daily":
        return response.context["board"].open
    return response.context["page"].paginator.count


def test_account_manager_lands_on_my_day(personas, work):
    response = client_for(personas.am_a).get("/dashboard/")
    assert response.status_code == 200
    assert "org/my_day.html" in [t.name for t in response.templates]
    keys = [tile.key for tile in response.context["tiles"]]
    assert keys == [
        "daily",
        "orders",
        "disputes",
        "custom_orders",
        "complaints",
        "stock_outs",
        "pipeline",
    ]


def test_branch_manager_lands_on_my_day_and_hq_on_the_overview(personas, work):
    bm = client_for(personas.bm_a).get("/dashboard/")
    assert "org/my_day.html" in [t.name for t in bm.templates]
    hq = client_for(personas.hq).get("/dashboard/")
    assert "org/dashboard.html" in [t.name for t in hq.templates]
    assert hq.context["stats"] is not None
    assert 'data-testid="my-day-link"' in hq.content.decode()


def test_the_two_views_link_to_each_other(personas, work):
    client = client_for(personas.am_a)
    page = client.get("/dashboard/").content.decode()
    assert 'href="/dashboard/?view=overview"' in page
    overview = client.get("/dashboard/?view=overview")
    assert overview.context["stats"] is not None
    assert 'href="/dashboard/?view=today"' in overview.content.decode()
    hq_day = client_for(personas.hq).get("/dashboard/?view=today")
    assert "org/my_day.html" in [t.name for t in hq_day.templates]


def test_account_manager_sees_own_items_not_another_account_managers(personas, work):
    tiles = _tiles(personas.am_a)
    assert tiles["complaints"].count == 1
    assert tiles["orders"].count == 1
    assert tiles["custom_orders"].count == 1
    assert tiles["pipeline"].count == 1
    page = client_for(personas.am_a).get("/dashboard/").content.decode()
    assert "给国美打电话" in page and "拜访利群" not in page


def test_branch_manager_sees_the_whole_branch(personas, work):
    tiles = _tiles(personas.bm_a)
    assert tiles["complaints"].count == 2
    assert tiles["orders"].count == 2
    assert tiles["custom_orders"].count == 2
    assert tiles["pipeline"].count == 2
    other = _tiles(personas.bm_b)
    assert other["complaints"].count == other["orders"].count == 0


@pytest.mark.parametrize("role", ["am_a", "am_a2", "bm_a", "bm_b", "hq", "pm"])
def test_every_tile_counts_what_its_list_shows(personas, work, role):
    user = getattr(personas, role)
    client = client_for(user)
    problems = []
    for tile in my_day.my_day(user=user):
        listed = _listed(client, tile)
        if listed != tile.count:
            problems.append(f"{tile.key}: tile {tile.count}, {tile.url} lists {listed}")
    assert not problems, "\n".join(problems)


def test_product_manager_waits_on_requests_and_starts(personas, work):
    tiles = _tiles(personas.pm)
    assert set(tiles) == {"daily", "custom_orders", "stock_outs"}
    assert "status=requested" in tiles["custom_orders"].url


def test_roles_without_customers_keep_their_profile_page(personas):
    for role in ("agent", "engineer"):
        response = client_for(getattr(personas, role)).get("/dashboard/")
        assert response.status_code == 200
        assert response.context["stats"] is None
