"""Review 2026-12, finding L2: an order's requested delivery date in year 9999 was accepted
(201). The business-date rule (`roots.core.dates`) answers 400 with a field error."""

from __future__ import annotations

import pytest

from conftest import shared_personas
from roots.core.dates import OUT_OF_RANGE
from roots.orders.models import Order

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/orders/"


def _body(personas, **extra):
    return {
        "outlet": personas.outlet_a1.code,
        "lines": [{"sku": personas.sku.code, "quantity": 1}],
        **extra,
    }


def test_a_delivery_in_9999_is_a_400_on_the_field(api, personas, stock):
    client = api.as_(personas.cu_a1)
    response = client.post(URL, _body(personas, requested_date="9999-12-31"), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"]["requested_date"] == ["Choose a date between 1970 and 2100."]
    # The answer's `code` is the one of any other bad input.
    other = client.post(URL, _body(personas, requested_date="tomorrow"), format="json")
    assert other.status_code == 400
    assert body.get("code") == other.json().get("code")
    assert not Order.objects.exists()


def test_the_field_error_names_the_rule(personas):
    from roots.orders.api import OrderCreateSerializer

    serializer = OrderCreateSerializer(data={"requested_date": "9999-12-31"})
    assert not serializer.is_valid()
    assert serializer.errors["requested_date"][0].code == OUT_OF_RANGE


def test_today_or_later_keeps_its_own_message(api, personas, stock):
    response = api.as_(personas.cu_a1).post(
        URL, _body(personas, requested_date="2001-01-01"), format="json"
    )
    assert response.status_code == 400
    assert "requested_date" in response.json()["errors"]
    assert "1970" not in str(response.json()["errors"]["requested_date"])


def test_a_delivery_in_2099_is_still_taken(api, personas, stock):
    response = api.as_(personas.cu_a1).post(
        URL, _body(personas, requested_date="2099-12-31"), format="json"
    )
    assert response.status_code == 201, response.content


def test_the_order_page_refuses_a_delivery_in_9999(client, personas, stock):
    from roots.orders.forms import OrderHeaderForm

    form = OrderHeaderForm(
        data={"outlet": personas.outlet_a1.code, "requested_date": "9999-12-31"},
        outlets=personas.cust_a1.outlets.all(),
    )
    assert not form.is_valid()
    assert form.errors["requested_date"] == ["Choose a date between 1970 and 2100."]
