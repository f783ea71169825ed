"""`Idempotency-Key`: a retry replays the first answer and writes nothing twice; the same
key with another request is a 409; failed requests release their key."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from roots.core.models import IdempotencyRecord
from roots.customers.api import CustomerViewSet
from roots.customers.models import Contact, Customer, Outlet

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"
NEW_CUSTOMER = {"name": "海信广场", "channel_type": "department_store", "branch": "BA"}


def _post(client, url, body, key, **extra):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_retry_with_same_key_and_body_replays_answer_without_second_record(personas, api):
    client = api.as_(personas.hq)
    first = _post(client, CUSTOMERS, NEW_CUSTOMER, "key-1")
    retry = _post(client, CUSTOMERS, NEW_CUSTOMER, "key-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert retry["ETag"] == first["ETag"] == '"1"'
    assert Customer.objects.filter(name="海信广场").count() == 1


def test_same_json_document_with_other_key_order_and_spacing_is_a_retry(personas, api):
    client = api.as_(personas.hq)
    first = _post(client, CUSTOMERS, NEW_CUSTOMER, "key-order")
    reordered = json.dumps(dict(reversed(list(NEW_CUSTOMER.items()))), indent=2)
    retry = client.post(
        CUSTOMERS, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-order"
    )
    assert retry.status_code == 201
    assert retry.json()["code"] == first.json()["code"]
    assert Customer.objects.filter(name="海信广场").count() == 1


def test_same_key_with_different_body_answers_409_and_writes_nothing(personas, api):
    client = api.as_(personas.hq)
    assert _post(client, CUSTOMERS, NEW_CUSTOMER, "key-2").status_code == 201
    other = _post(client, CUSTOMERS, NEW_CUSTOMER | {"name": "银座商城"}, "key-2")
    assert other.status_code == 409
    assert set(other.json()) == {"detail", "code", "errors"}
    assert not Customer.objects.filter(name="银座商城").exists()


def test_same_key_on_another_endpoint_answers_409(personas, api):
    client = api.as_(personas.hq)
    assert _post(client, CUSTOMERS, NEW_CUSTOMER, "key-3").status_code == 201
    response = client.patch(
        "/api/v1/customers/C100001/", {"phone": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="key-3"
    )
    assert response.status_code == 409
    assert Customer.objects.get(code="C100001").phone != "1"


def test_keys_belong_to_their_user(personas, api):
    first = _post(api.as_(personas.hq), CUSTOMERS, NEW_CUSTOMER, "shared")
    second = _post(api.as_(personas.bm_a), CUSTOMERS, NEW_CUSTOMER, "shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] != second.json()["code"]
    assert "Idempotent-Replayed" not in second


def test_failed_request_releases_its_key_for_a_corrected_retry(personas, api):
    client = api.as_(personas.hq)
    bad = _post(client, CUSTOMERS, NEW_CUSTOMER | {"channel_type": "bogus"}, "key-4")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="key-4").exists()
    fixed = _post(client, CUSTOMERS, NEW_CUSTOMER, "key-4")
    assert fixed.status_code == 201
    assert IdempotencyRecord.objects.get(key="key-4").status_code == 201


def test_forbidden_request_stores_no_answer(personas, api):
    client = api.as_(personas.pm)
    assert _post(client, CUSTOMERS, NEW_CUSTOMER, "key-pm").status_code == 403
    assert not IdempotencyRecord.objects.exists()


def test_replayed_patch_does_not_change_the_record_again(personas, api):
    client = api.as_(personas.am_a)
    url = "/api/v1/customers/C100001/"
    first = client.patch(url, {"notes": "回访"}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    # Someone else changes the record meanwhile; the retry must not overwrite that.
    api.as_(personas.hq).patch(url, {"notes": "总部备注"}, format="json")
    retry = client.patch(url, {"notes": "回访"}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert first.status_code == retry.status_code == 200
    assert retry.json()["version"] == first.json()["version"] == 2
    customer = Customer.objects.get(code="C100001")
    assert (customer.notes, customer.version) == ("总部备注", 3)


def test_replayed_delete_answers_204_again(personas, api):
    client = api.as_(personas.am_a)
    url = f"/api/v1/contacts/{personas.contact_a1.pk}/"
    first = client.delete(url, HTTP_IDEMPOTENCY_KEY="d1")
    retry = client.delete(url, HTTP_IDEMPOTENCY_KEY="d1")
    again_without_key = client.delete(url)
    assert (first.status_code, retry.status_code) == (204, 204)
    assert again_without_key.status_code == 404
    assert not Contact.objects.filter(pk=personas.contact_a1.pk).exists()


def test_outlet_create_replays_the_generated_code(personas, api):
    client = api.as_(personas.am_a)
    body = {
        "customer": "C100001",
        "name": "新店",
        "format": "flagship",
        "province": "370000",
        "city": "青岛",
    }
    first = _post(client, "/api/v1/outlets/", body, "o1")
    retry = _post(client, "/api/v1/outlets/", body, "o1")
    assert first.json()["code"] == retry.json()["code"]
    assert Outlet.objects.filter(name="新店").count() == 1


def test_key_longer_than_255_characters_answers_400(personas, api):
    response = _post(api.as_(personas.hq), CUSTOMERS, NEW_CUSTOMER, "k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Customer.objects.filter(name="海信广场").exists()


def test_retry_while_first_request_is_still_running_answers_409(personas, api):
    client = api.as_(personas.hq)
    digest_source = _post(client, CUSTOMERS, NEW_CUSTOMER, "probe")  # learn the stored hash
    record = IdempotencyRecord.objects.get(key="probe")
    IdempotencyRecord.objects.create(
        user=personas.hq,
        key="running",
        method="POST",
        path=CUSTOMERS,
        request_hash=record.request_hash,
        status_code=0,
    )
    response = _post(client, CUSTOMERS, NEW_CUSTOMER, "running")
    assert digest_source.status_code == 201
    assert response.status_code == 409
    assert Customer.objects.filter(name="海信广场").count() == 1


def test_a_crash_releases_the_key(personas, api, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CustomerViewSet, "create_service", staticmethod(crash))
    client = api.as_(personas.hq)
    with pytest.raises(RuntimeError):
        _post(client, CUSTOMERS, NEW_CUSTOMER, "crash")
    assert not IdempotencyRecord.objects.filter(key="crash").exists()


def test_get_ignores_the_key(personas, api):
    client = api.as_(personas.hq)
    response = client.get(CUSTOMERS, HTTP_IDEMPOTENCY_KEY="read")
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_record(personas):
    """Two clients send the same key at once: exactly one customer is created; the other
    request replays it or is told the first is still running (409)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database that runs two requests at the same time")
    from rest_framework.test import APIClient

    from roots.org.services import api_token_create

    token = api_token_create(user=personas.hq)[1]
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send() -> None:
        client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            statuses.append(_post(client, CUSTOMERS, NEW_CUSTOMER, "race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Customer.objects.filter(name="海信广场").count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
