"""The personal profile of a contact (birthday, hobbies, family, taboos ...) is our
salespeople's knowledge of the person: the customer's own users do not read it, on the page,
in the API's answers or in the history; staff do."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import shared_personas
from roots.customers import services

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

PROFILE = {"hobbies": "钓鱼", "family": "两个孩子", "taboos": "不喝酒", "nickname": "老张"}


@pytest.fixture
def contact(personas):
    contact = personas.contact_a1
    services.contact_update(user=personas.am_a, contact=contact, data=PROFILE)
    contact.refresh_from_db()
    return contact


def test_staff_read_the_profile(personas, api, contact):
    body = api.as_(personas.am_a).get(f"/api/v1/contacts/{contact.pk}/").json()
    assert body["hobbies"] == "钓鱼" and body["family"] == "两个孩子"
    history = api.as_(personas.am_a).get(f"/api/v1/contacts/{contact.pk}/history/").json()
    assert any(c["field"] == "hobbies" for e in history for c in e["changes"])


def test_customer_users_do_not(personas, api, contact):
    client = api.as_(personas.cu_a1)
    body = client.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert body["name"] == "张伟"
    for field in ("hobbies", "family", "taboos", "nickname", "birthday", "notes"):
        assert field not in body
    listed = client.get("/api/v1/contacts/").json()["results"]
    assert listed and all("hobbies" not in row for row in listed)
    history = client.get(f"/api/v1/contacts/{contact.pk}/history/").json()
    changed = {c["field"] for e in history for c in e["changes"]}
    assert not changed & set(PROFILE)

    browser = Client()
    browser.force_login(personas.cu_a1)
    page = browser.get(f"/contacts/{contact.pk}/").content.decode()
    assert "张伟" in page
    for value in PROFILE.values():
        assert value not in page
    assert 'data-testid="contact-profile"' not in page
