"""The sidebar: one active entry, the one whose address is the longest prefix of the page's."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from conftest import shared_personas
from roots.core.context_processors import navigation

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/orders/desk/", "/orders/desk/"),
        ("/orders/SO00000001/", "/orders/"),
        ("/custom-orders/demand/", "/custom-orders/demand/"),
        ("/custom-orders/", "/custom-orders/"),
        ("/account/", None),
    ],
)
def test_one_entry_is_active_the_most_specific(personas, path, active):
    request = RequestFactory().get(path)
    request.user = personas.hq
    items = navigation(request)["nav_items"]
    assert [item["url"] for item in items if item["active"]] == ([active] if active else [])


def test_each_role_sees_only_its_entries(personas):
    request = RequestFactory().get("/")
    request.user = personas.cu_a1
    urls = {item["url"] for item in navigation(request)["nav_items"]}
    assert "/orders/" in urls and "/portal/" in urls
    assert "/orders/desk/" not in urls and "/disputes/" not in urls and "/customers/" not in urls
