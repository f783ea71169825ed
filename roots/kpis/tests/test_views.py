"""The KPI pages: what each role's dashboard shows, the period picker and presets, sorting,
htmx fragments, the XLSX exports, the customer 360 tab and the number of queries."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.customers.tests.factories import CustomerFactory, OutletFactory
from roots.kpis.tests.factories import complaint, expense, feed, local
from roots.kpis.views import customer_kpi_tab

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, **headers)


def _card(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert found, f"no {testid} card"
    return found.group(1)


def _keys(html: str) -> list[str]:
    return re.findall(r'<tr data-key="([^"]*)"', html)


# --- dashboards --------------------------------------------------------------------------------
def test_account_manager_dashboard_shows_own_kpis_and_customers(example, client):
    response = _get(client, example.personas.am_a, "/kpis/" + example.query)
    assert response.status_code == 200
    html = response.content.decode()
    assert _card(html, "kpi-turnover") == "5.0"
    assert _card(html, "kpi-margin") == "25.0%"
    assert _card(html, "kpi-resolution") == "50.0%"
    assert _card(html, "kpi-share") == "25.0%"
    assert _keys(html) == ["C100001"]
    assert 'href="/kpis/customers/C100001/?from=2025-06-01&amp;to=2025-06-30"' in html
    assert 'id="kpi-trend"' in html and 'id="kpi-spark-margin"' in html
    assert "kpis/kpis.js" in html and "echarts.min.js" in html


def test_branch_manager_dashboard_ranks_the_account_managers(example, client):
    html = _get(client, example.personas.bm_a, "/kpis/" + example.query).content.decode()
    assert _card(html, "kpi-turnover") == "4.9"
    assert _card(html, "kpi-share") == "30.4%"
    assert _keys(html) == ["am_a", "am_a2"]  # by revenue, descending (9,000 and 5,000)
    assert 'href="/kpis/account-managers/am_a/?from=' in html
    assert 'id="kpi-bar"' in html


def test_hq_dashboard_ranks_the_branches(example, client):
    html = _get(client, example.personas.hq, "/kpis/" + example.query).content.decode()
    assert _keys(html) == ["BA", "BB"]
    assert 'href="/kpis/branches/BA/?from=' in html
    assert _card(html, "kpi-margin") == "23.2%"


def test_customer_user_goes_to_their_company(example, client):
    p = example.personas
    response = _get(client, p.cu_a1, "/kpis/")
    assert response.status_code == 302 and response["Location"] == "/kpis/customers/C100001/"
    html = client.get("/kpis/customers/C100001/" + example.query).content.decode()
    assert _card(html, "kpi-margin") == "25.0%"
    assert "Customer 360" not in html


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_without_a_kpi_dashboard_get_403(personas, client, role):
    assert _get(client, getattr(personas, role), "/kpis/").status_code == 403


def test_customer_page_shows_components_and_the_weekly_table(example, client):
    html = _get(
        client, example.personas.am_a, "/kpis/customers/C100001/" + example.query
    ).content.decode()
    assert "9,000.00" in html and "450.00" in html  # revenue, rebates
    assert html.count('<tr><td class="text-nowrap">') == 6  # six ISO weeks
    assert "Customer 360" in html
    assert "/kpis/customers/C100001/export/?from=2025-06-01&amp;to=2025-06-30" in html


def test_change_against_the_previous_period(personas, client):
    p = personas
    # May: margin 10%; June: margin 25% → +15.0 pp. Turnover 2 → 1 day: −1.0 days, better.
    feed(
        p.cust_a1,
        p.outlet_a1,
        p.sku,
        date(2025, 5, 10),
        sold=1,
        revenue="100.00",
        stock=2,
        cost="90.00",
    )
    feed(
        p.cust_a1,
        p.outlet_a1,
        p.sku,
        date(2025, 6, 10),
        sold=1,
        revenue="100.00",
        stock=1,
        cost="75.00",
    )
    html = _get(client, p.am_a, "/kpis/?from=2025-06-01&to=2025-06-30").content.decode()
    change = re.search(r'data-testid="kpi-margin-change">(.*?)</div>', html, re.S)
    assert change and "+15.0 pp" in change.group(1) and "text-green" in html
    turnover = re.search(
        r'class="small mt-2 ([^"]+)" data-testid="kpi-turnover-change">(.*?)<span', html, re.S
    )
    assert turnover and turnover.group(1) == "text-green" and "-1.0 days" in turnover.group(2)


def test_presets_link_this_month_last_30_and_90_days_and_this_year(personas, client):
    today = timezone.localdate()
    html = _get(client, personas.am_a, "/kpis/").content.decode()
    for start in (
        today.replace(day=1),
        today - timedelta(days=29),
        today - timedelta(days=89),
        today.replace(month=1, day=1),
    ):
        assert f"from={start.isoformat()}&amp;to={today.isoformat()}" in html
    # The default period is the last 90 days: that preset is the active one.
    assert re.search(r'class="btn btn-primary active"[^>]*>Last 90 days<', html)


def test_bad_period_is_400_with_the_message(personas, client):
    response = _get(client, personas.am_a, "/kpis/?from=2025-06-02&to=2025-06-01")
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    assert _get(client, personas.am_a, "/kpis/export/?from=x").status_code == 400


def test_sorting_and_its_chart(example, client):
    p = example.personas
    html = _get(client, p.bm_a, "/kpis/" + example.query + "&sort=-share").content.decode()
    assert _keys(html) == ["am_a2", "am_a"]  # 40% before 25%
    assert "Our share of their sales" in html
    html = client.get("/kpis/" + example.query + "&sort=name").content.decode()
    assert _keys(html) == ["am_a", "am_a2"]
    assert client.get("/kpis/" + example.query + "&sort=bogus").status_code == 200


def test_undefined_values_sort_last_both_ways(example, client):
    p = example.personas
    CustomerFactory.create(branch=p.branch_a, account_manager=p.am_a, code="C100009")
    url = "/kpis/" + example.query + "&sort="
    assert _keys(_get(client, p.am_a, url + "margin").content.decode()) == ["C100001", "C100009"]
    assert _keys(client.get(url + "-margin").content.decode()) == ["C100001", "C100009"]


def test_htmx_gets_the_body_only(example, client):
    response = _get(client, example.personas.bm_a, "/kpis/" + example.query, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="kpi-margin"' in html and 'id="kpi-trend"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_drill_down_pages(example, client):
    p = example.personas
    html = _get(client, p.hq, "/kpis/branches/BA/" + example.query).content.decode()
    assert _keys(html) == ["am_a", "am_a2"]
    html = client.get("/kpis/account-managers/am_a2/" + example.query).content.decode()
    assert _keys(html) == ["C100002"] and _card(html, "kpi-share") == "40.0%"
    assert 'href="/kpis/branches/BA/"' in html  # breadcrumb up to the branch


# --- exports -----------------------------------------------------------------------------------
def _sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_branch_export_has_the_ranking_and_the_total(example, client):
    rows = _sheet(_get(client, example.personas.bm_a, "/kpis/export/" + example.query))
    assert rows[1][0] == "Period: 2025-06-01 to 2025-06-30"
    body = rows[4:]
    assert [r[0] for r in body] == ["am_a", "am_a2", "Total"]
    assert body[0][2] == pytest.approx(5.0) and body[1][5] == pytest.approx(0.4)
    assert body[2][6] == pytest.approx(14000)
    assert body[2][-1] == 2  # customers


def test_customer_export_has_the_trend(example, client):
    rows = _sheet(
        _get(client, example.personas.cu_a1, "/kpis/customers/C100001/export/" + example.query)
    )
    body = rows[4:]
    assert len(body) == 7 and body[-1][0] == "Total"
    assert body[1][:2] == ["2025-06-02", "2025-06-08"] and body[1][3] == pytest.approx(0.235)
    assert body[2][2] == ""  # undefined turnover: an empty cell


def test_customer_user_export_from_home_redirects(personas, client):
    response = _get(client, personas.cu_a1, "/kpis/export/")
    assert response.status_code == 302
    assert response["Location"] == "/kpis/customers/C100001/export/"


# --- the customer 360 tab ----------------------------------------------------------------------
def test_customer_tab_shows_the_last_90_days(personas):
    p = personas
    today = timezone.localdate()
    feed(p.cust_a1, p.outlet_a1, p.sku, today, sold=1, revenue="200.00", stock=3, cost="150.00")
    feed(
        p.cust_a1,
        p.outlet_a1,
        p.sku,
        today - timedelta(days=90),
        sold=1,
        revenue="999.00",
        stock=3,
        cost="1.00",
    )
    context = customer_kpi_tab(p.am_a, p.cust_a1)
    assert context["kpi_period"].days == 90 and context["kpi_period"].end == today
    html = render_to_string("kpis/_customer_tab.html", context)
    assert _card(html, "kpi-margin") == "25.0%"
    assert _card(html, "kpi-turnover") == "3.0"
    assert _card(html, "kpi-resolution") == "—"
    assert 'href="/kpis/customers/C100001/"' in html


# --- queries -----------------------------------------------------------------------------------
def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("am_a", "/kpis/"),
        ("bm_a", "/kpis/"),
        ("hq", "/kpis/"),
        ("hq", "/kpis/branches/BA/"),
        ("hq", "/kpis/account-managers/am_a/"),
        ("hq", "/kpis/customers/C100001/"),
        ("am_a", "/kpis/export/"),
    ],
)
def test_queries_do_not_grow_with_customers_or_rows(personas, client, role, url):
    p = personas
    client.force_login(getattr(p, role))
    url += "?from=2025-06-01&to=2025-06-30"
    client.get(url)  # warm-up: the session's first request reads more
    before = _count(client, url)
    for n in range(4):
        c = CustomerFactory.create(branch=p.branch_a, account_manager=p.am_a)
        o = OutletFactory.create(customer=c, province=p.outlet_a1.province)
        for customer, outlet in ((c, o), (p.cust_a1, p.outlet_a1)):
            feed(
                customer,
                outlet,
                p.sku,
                date(2025, 6, n + 1),
                sold=1,
                revenue="5.00",
                stock=1,
                cost="1.00",
            )
            expense(customer, "10.00", date(2025, 5, 1), date(2025, 6, 30))
            complaint(customer, local(2025, 6, n + 1), True)
    assert _count(client, url) == before
    assert before <= 16


def test_customer_360_kpi_tab_through_the_customer_page(personas, client):
    p = personas
    today = timezone.localdate()
    feed(p.cust_a1, p.outlet_a1, p.sku, today, sold=1, revenue="200.00", stock=3, cost="150.00")
    response = _get(client, p.am_a, "/customers/C100001/?tab=kpis", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert _card(html, "kpi-margin") == "25.0%"
    assert 'href="/kpis/customers/C100001/"' in html
