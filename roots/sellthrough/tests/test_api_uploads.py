"""The sell-through API: uploads (multipart, 202, scoping, 400s), the error report, the
templates and the feed rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import shared_personas
from roots.sellthrough.models import FeedKind, SellThrough, Upload, UploadStatus
from roots.sellthrough.tests.upload_helpers import (
    CS_HEADER,
    csv_bytes,
    upload_and_import,
    yesterday,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/sellthrough/uploads/"
GOOD = f"{yesterday()},S1000001,BCD-216STPT-W,10,6,13794.00,24"
BAD = f"{yesterday()},S1000003,BCD-216STPT-W,10,6,13794.00,24"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _file(lines=(GOOD,), name="feed.csv", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(list(lines), **kwargs), content_type="text/csv")


def _post(client, body, callbacks=None):
    return client.post(URL, body, format="multipart")


def test_customer_user_uploads_and_gets_202_with_the_queued_upload(
    personas, api, django_capture_on_commit_callbacks
):
    client = api.as_(personas.cu_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"kind": "sellthrough", "file": _file()}, format="multipart")
    assert response.status_code == 202, response.data
    body = response.data
    assert body["status"] == UploadStatus.QUEUED and body["customer"] == "C100001"
    assert body["kind"] == "sellthrough" and body["original_name"] == "feed.csv"
    assert body["urls"] == {
        "self": f"{URL}{body['id']}/",
        "errors": f"{URL}{body['id']}/errors/",
        "page": f"/sellthrough/uploads/{body['id']}/",
    }
    # The task ran after commit (the immediate backend of the tests): poll the upload.
    detail = client.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200
    assert detail.data["status"] == UploadStatus.SUCCEEDED and detail.data["progress"] == 100
    assert (detail.data["rows_read"], detail.data["rows_created"]) == (1, 1)
    assert SellThrough.objects.count() == 1


def test_staff_upload_on_a_customers_behalf(personas, api):
    response = _post(
        api.as_(personas.am_a), {"kind": "sellthrough", "file": _file(), "customer": "C100001"}
    )
    assert response.status_code == 202 and response.data["customer"] == "C100001"
    assert response.data["uploaded_by"] == "am_a"


def test_staff_without_a_customer_get_a_field_error(personas, api):
    response = _post(api.as_(personas.am_a), {"kind": "sellthrough", "file": _file()})
    assert response.status_code == 400 and "customer" in response.data["errors"]


def test_a_customer_out_of_scope_reads_as_unknown(personas, api):
    for user, code in ((personas.cu_a1, "C100003"), (personas.am_a2, "C100001")):
        response = _post(api.as_(user), {"kind": "sellthrough", "file": _file(), "customer": code})
        assert response.status_code == 400, response.data
        assert "customer" in response.data["errors"]
    assert not Upload.objects.exists()


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_upload_get_403(personas, api, role):
    response = _post(
        api.as_(getattr(personas, role)),
        {"kind": "sellthrough", "file": _file(), "customer": "C100001"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "stock"}, "kind"),
        ({}, "file"),
        ({"file": "not a file"}, "file"),
        ({"file": SimpleUploadedFile("feed.txt", b"date\n")}, "file"),
        ({"file": SimpleUploadedFile("feed.csv", b"")}, "file"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(personas, api, body, field):
    data = {"kind": "sellthrough", "file": _file()} | body
    if "file" not in body and body == {}:
        data.pop("file")
    response = _post(api.as_(personas.cu_a1), data)
    assert response.status_code == 400
    assert field in response.data["errors"], response.data
    assert response.data["detail"]


def test_json_bodies_are_refused_with_415(personas, api):
    response = api.as_(personas.cu_a1).post(URL, {"kind": "sellthrough"}, format="json")
    assert response.status_code == 415


def test_files_over_200_mb_are_refused(personas, api, monkeypatch):
    from roots.sellthrough import api as sellthrough_api

    monkeypatch.setattr(sellthrough_api, "MAX_FILE_SIZE", 5)
    response = _post(api.as_(personas.cu_a1), {"kind": "sellthrough", "file": _file()})
    assert response.status_code == 400
    assert "200 MB" in response.data["errors"]["file"][0]


def test_list_is_scoped_and_filtered(personas, api):
    a1 = upload_and_import(personas.cu_a1, [GOOD])
    b1 = upload_and_import(personas.cu_b1, [GOOD.replace("S1000001", "S1000003")])
    cs = upload_and_import(
        personas.cu_a1,
        [f"{yesterday()},S1000001,FRIDGE,100.00"],
        kind=FeedKind.CATEGORY_SALES,
        header=CS_HEADER,
    )
    ids = {r["id"] for r in api.as_(personas.cu_a1).get(URL).data["results"]}
    assert ids == {a1.pk, cs.pk}
    ids = {r["id"] for r in api.as_(personas.hq).get(URL).data["results"]}
    assert ids == {a1.pk, b1.pk, cs.pk}
    ids = {
        r["id"] for r in api.as_(personas.hq).get(URL, {"kind": "category_sales"}).data["results"]
    }
    assert ids == {cs.pk}
    ids = {r["id"] for r in api.as_(personas.hq).get(URL, {"customer": "C100003"}).data["results"]}
    assert ids == {b1.pk}
    ids = {r["id"] for r in api.as_(personas.hq).get(URL, {"status": "failed"}).data["results"]}
    assert ids == set()
    assert api.as_(personas.hq).get(URL, {"status": "nope"}).status_code == 400
    assert api.as_(personas.cu_a1).get(f"{URL}{b1.pk}/").status_code == 404


def test_list_query_count_does_not_grow_with_uploads(personas, api, django_assert_max_num_queries):
    for _ in range(3):
        upload_and_import(personas.cu_a1, [GOOD])
    client = api.as_(personas.hq)
    client.get(URL)  # warm-up (content types, sessions)
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.data["count"] == 3


def test_error_report_is_csv_of_the_rejected_rows(personas, api):
    upload = upload_and_import(personas.cu_a1, [GOOD, BAD, "=cmd,S1,X,1,1,1,1"])
    response = api.as_(personas.cu_a1).get(f"{URL}{upload.pk}/errors/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["row", "column", "error", "raw"]
    assert rows[1] == ["3", "outlet", "Outlet S1000003 belongs to another customer.", BAD]
    assert rows[2][:2] == ["4", "date"]
    assert rows[-1][3].startswith("'=cmd")  # a spreadsheet formula is defused
    assert api.as_(personas.cu_b1).get(f"{URL}{upload.pk}/errors/").status_code == 404


def test_error_report_answers_a_client_that_asks_for_csv(personas, api):
    upload = upload_and_import(personas.cu_a1, [BAD])
    response = api.as_(personas.cu_a1).get(f"{URL}{upload.pk}/errors/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("kind", ["sellthrough", "category_sales"])
def test_template_is_the_header_and_two_example_rows(personas, api, kind):
    response = api.as_(personas.cu_a1).get("/api/v1/sellthrough/template/", {"kind": kind})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    from roots.sellthrough.models import FEED_COLUMNS

    assert rows[0] == list(FEED_COLUMNS[kind]) and len(rows) == 3


def test_template_needs_a_known_kind(personas, api):
    for params in ({}, {"kind": "x"}):
        response = api.as_(personas.cu_a1).get("/api/v1/sellthrough/template/", params)
        assert response.status_code == 400 and "kind" in response.data["errors"]
    response = api.as_(personas.agent).get("/api/v1/sellthrough/template/", {"kind": "sellthrough"})
    assert response.status_code == 403


def test_the_template_imports_cleanly_for_the_personas(personas, api):
    """The template's example rows use the personas' outlet and SKU codes."""
    content = (
        api.as_(personas.cu_a1)
        .get("/api/v1/sellthrough/template/", {"kind": "sellthrough"})
        .content
    )
    upload = upload_and_import(
        personas.am_a,
        SimpleUploadedFile("template.csv", content),
        customer=personas.cust_a1,
    )
    assert upload.status == UploadStatus.SUCCEEDED
    # Since D28 (UX review 2026-12) a customer user's template uses its own outlets only
    # (it used to offer S1000002, A2's outlet, which was rejected).
    assert (upload.rows_created, upload.rows_rejected) == (2, 0)


def test_rows_are_scoped_and_filtered(personas, api):
    upload_and_import(personas.cu_a1, [GOOD, GOOD.replace(yesterday(), yesterday(2))])
    upload_and_import(personas.cu_b1, [GOOD.replace("S1000001", "S1000003")])
    rows_url = "/api/v1/sellthrough/rows/"
    mine = api.as_(personas.cu_a1).get(rows_url).data
    assert mine["count"] == 2 and {r["outlet"] for r in mine["results"]} == {"S1000001"}
    first = mine["results"][0]
    assert first["date"] == yesterday() and first["sku"] == "BCD-216STPT-W"
    assert Decimal(first["revenue"]) == Decimal("13794.00") and first["customer"] == "C100001"
    assert api.as_(personas.hq).get(rows_url).data["count"] == 3
    assert api.as_(personas.hq).get(rows_url, {"customer": "C100003"}).data["count"] == 1
    assert api.as_(personas.hq).get(rows_url, {"date_from": yesterday()}).data["count"] == 2
    assert api.as_(personas.hq).get(rows_url, {"date_to": yesterday(2)}).data["count"] == 1
    assert api.as_(personas.hq).get(rows_url, {"sku": "NOPE"}).data["count"] == 0
    assert api.as_(personas.hq).get(rows_url, {"date_from": "soon"}).status_code == 400
    assert api.as_(personas.agent).get(rows_url).data["count"] == 0


def test_category_sales_rows(personas, api):
    upload_and_import(
        personas.cu_a1,
        [f"{yesterday()},S1000001,FRIDGE,100.50"],
        kind=FeedKind.CATEGORY_SALES,
        header=CS_HEADER,
    )
    data = api.as_(personas.am_a).get("/api/v1/sellthrough/category-sales/").data
    assert data["count"] == 1
    assert data["results"][0]["category"] == "FRIDGE"
    assert Decimal(data["results"][0]["total_sales"]) == Decimal("100.50")
    assert api.as_(personas.am_b).get("/api/v1/sellthrough/category-sales/").data["count"] == 0
