"""The complaint list's XLSX export: scoped, filtered, for the roles of the list."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def numbers(response) -> set[object]:
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    return {row[0] for row in rows.to_python()[1:]}


def test_complaint_export_holds_only_the_complaints_in_scope(personas, raise_complaint):
    mine = raise_complaint()
    theirs = raise_complaint(user=personas.cu_b1, subject="=1+1 安装问题")
    assert numbers(client_for(personas.hq).get(reverse("complaint-export"))) == {
        mine.number,
        theirs.number,
    }
    assert numbers(client_for(personas.am_a).get(reverse("complaint-export"))) == {mine.number}
    assert numbers(client_for(personas.cu_b1).get(reverse("complaint-export"))) == {theirs.number}
    searched = client_for(personas.hq).get(reverse("complaint-export"), {"q": "安装"})
    assert numbers(searched) == {theirs.number}


def test_complaint_list_offers_the_export(personas, raise_complaint):
    raise_complaint()
    html = client_for(personas.am_a).get(reverse("complaint-list")).content.decode()
    assert f'href="{reverse("complaint-export")}' in html


@pytest.mark.parametrize("role", ["agent", "engineer", "su"])
def test_roles_without_customers_get_403_on_the_export(personas, role):
    assert client_for(getattr(personas, role)).get(reverse("complaint-export")).status_code == 403
