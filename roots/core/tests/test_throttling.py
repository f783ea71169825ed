"""Security review R1: API rates per role, and a cost throttle on PDF and XLSX downloads
(pages and API share one count per user) answering 429 with `Retry-After`."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client, override_settings
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from conftest import shared_personas
from roots.core.throttling import RoleRateThrottle
from roots.finance import services
from roots.finance.models import Statement
from roots.finance.tests import factories as f
from roots.settings import base

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def statement(personas) -> Statement:
    customer = personas.cust_a1
    customer.credit_limit = 100000
    customer.save()
    f.invoice(customer, "1000.00", date(2026, 4, 10), due_date=date(2026, 5, 10))
    services.statements_generate(year=2026, month=5)
    return services.statement_issue(
        user=personas.hq, statement=Statement.objects.get(customer=customer)
    )


# --- the cost throttle of downloads ---------------------------------------------------------
@override_settings(EXPORT_RATE="2/minute")
def test_the_third_statement_pdf_in_a_minute_answers_429(personas, statement):
    client = _client(personas.cu_a1)
    url = f"/statements/{statement.number}/pdf/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    third = client.get(url)
    assert third.status_code == 429
    assert 1 <= int(third["Retry-After"]) <= 60
    assert third["Content-Type"].startswith("text/html")
    assert 'data-testid="throttled"' in third.content.decode()
    # Another user has a count of its own.
    assert _client(personas.am_a).get(url).status_code == 200


@override_settings(EXPORT_RATE="1/minute")
def test_pages_and_api_share_the_download_count(personas, statement, api):
    assert _client(personas.cu_a1).get(f"/statements/{statement.number}/xlsx/").status_code == 200
    response = api.as_(personas.cu_a1).get(f"/api/v1/statements/{statement.number}/pdf/")
    assert response.status_code == 429
    assert response["Retry-After"]
    body = response.json()
    assert set(body) >= {"detail", "errors"} and body["detail"]


@override_settings(EXPORT_RATE="1/minute")
@pytest.mark.parametrize(
    "url",
    [
        "/customers/export/",
        "/orders/export/",
        "/kpis/export/",
        "/custom-orders/demand/export/",
        "/sellthrough/inventory/export.xlsx",
    ],
)
def test_every_xlsx_export_is_throttled(personas, url):
    client = _client(personas.hq)
    client.get(url)
    assert client.get(url).status_code == 429


def test_the_default_export_rate_is_a_few_per_minute():
    assert base.EXPORT_RATE == "10/minute"


# --- API rates per role ---------------------------------------------------------------------
class _Ping(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [RoleRateThrottle]

    def get(self, request):
        return Response({"ok": True})


RATES = {"user": "4/minute", "portal": "2/minute", "field": "3/minute", "anon": "1/minute"}


def _calls_allowed(user, attempts: int = 6) -> int:
    view = _Ping.as_view()
    allowed = 0
    for _ in range(attempts):
        request = APIRequestFactory().get("/ping/")
        if user is not None:
            force_authenticate(request, user=user)
        response = view(request)
        if response.status_code == 200:
            allowed += 1
        else:
            assert response.status_code == 429
            assert response["Retry-After"]
    return allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("am_a", 4), ("hq", 4), ("cu_a1", 2), ("su", 2), ("engineer", 3), (None, 1)],
)
def test_api_rate_follows_the_role(personas, settings, persona, allowed):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    user = getattr(personas, persona) if persona else None
    assert _calls_allowed(user) == allowed


def test_portal_and_field_roles_get_lower_default_rates_than_staff():
    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "roots.core.throttling.RoleRateThrottle"
    ]

    def per_minute(rate: str) -> float:
        number, period = rate.split("/")
        return int(number) * {"s": 60, "m": 1, "h": 1 / 60, "d": 1 / 1440}[period[0]]

    assert per_minute(rates["portal"]) < per_minute(rates["user"])
    assert per_minute(rates["field"]) < per_minute(rates["user"])
    assert per_minute(rates["user"]) <= 1000
