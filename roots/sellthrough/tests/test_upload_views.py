"""The sell-through pages: the upload list and form, an upload's live status, the error
report and the templates."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import shared_personas
from roots.sellthrough.models import FEED_COLUMNS, SellThrough, Upload, UploadStatus
from roots.sellthrough.tests.upload_helpers import csv_bytes, upload_and_import, yesterday

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD = f"{yesterday()},S1000001,BCD-216STPT-W,10,6,13794.00,24"
BAD = f"{yesterday()},S7777777,BCD-216STPT-W,10,6,13794.00,24"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(lines, name="feed.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(lines), content_type="text/csv")


def test_customer_uploads_from_the_page_and_lands_on_the_upload(
    personas, django_capture_on_commit_callbacks
):
    client = _browser(personas.cu_a1)
    page = client.get("/sellthrough/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="upload-form"' in html and 'name="customer"' not in html
    assert 'href="/sellthrough/template/sellthrough.csv"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/sellthrough/", {"kind": "sellthrough", "file": _file([GOOD, BAD])})
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sellthrough/uploads/{upload.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="upload-live"' in detail and 'data-finished="true"' in detail
    assert 'hx-trigger="every 1s"' not in detail  # finished: no more polling
    assert re.search(r'data-testid="count-read">\s*2<', detail)
    assert re.search(r'data-testid="count-created">\s*1<', detail)
    assert re.search(r'data-testid="count-rejected">\s*1<', detail)
    assert 'data-testid="error-table"' in detail and "Unknown outlet S7777777." in detail
    assert f'href="/sellthrough/uploads/{upload.pk}/errors.csv"' in detail


def test_a_running_upload_polls_every_second(personas):
    upload = upload_and_import(personas.cu_a1, [GOOD])
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.RUNNING, rows_total=200, rows_read=50
    )
    client = _browser(personas.cu_a1)
    page = client.get(f"/sellthrough/uploads/{upload.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'data-finished="false"' in page
    assert 'aria-valuenow="25"' in page
    fragment = client.get(f"/sellthrough/uploads/{upload.pk}/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="upload-status"') and "<html" not in text
    assert fragment["Vary"].count("HX-Request") == 1


def test_a_failed_upload_says_why(personas):
    upload = upload_and_import(
        personas.cu_a1, SimpleUploadedFile("bad.csv", b"date,outlet\n2026-01-01,S1\n")
    )
    page = _browser(personas.cu_a1).get(f"/sellthrough/uploads/{upload.pk}/").content.decode()
    assert 'data-status="failed"' in page and "Missing columns: sku" in page


def test_staff_choose_among_the_customers_they_serve(personas, django_capture_on_commit_callbacks):
    client = _browser(personas.bm_a)
    html = client.get("/sellthrough/").content.decode()
    options = set(re.findall(r'<option value="(C\d+)"', html))
    assert options == {"C100001", "C100002"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/sellthrough/",
            {"kind": "sellthrough", "customer": "C100001", "file": _file([GOOD])},
        )
    assert response.status_code == 302
    assert SellThrough.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="upload-customer"' in detail and "C100001" in detail


def test_form_errors_show_on_the_page_with_400(personas):
    client = _browser(personas.cu_a1)
    response = client.post(
        "/sellthrough/", {"kind": "sellthrough", "file": _file([GOOD], name="feed.txt")}
    )
    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    response = client.post("/sellthrough/", {"kind": "sellthrough"})
    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_product_managers_read_but_do_not_upload(personas):
    upload = upload_and_import(personas.cu_a1, [GOOD])
    client = _browser(personas.pm)
    html = client.get("/sellthrough/").content.decode()
    assert 'data-testid="upload-form"' not in html and f'data-upload="{upload.pk}"' in html
    response = client.post("/sellthrough/", {"kind": "sellthrough", "file": _file([GOOD])})
    assert response.status_code == 403


def test_list_page_query_count_does_not_grow(personas, django_assert_max_num_queries):
    client = _browser(personas.hq)
    upload_and_import(personas.cu_a1, [GOOD])
    client.get("/sellthrough/")
    with django_assert_max_num_queries(12) as few:
        client.get("/sellthrough/")
    for _ in range(5):
        upload_and_import(personas.cu_a1, [GOOD])
        upload_and_import(personas.cu_b1, [GOOD.replace("S1000001", "S1000003")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/sellthrough/")
    assert len(re.findall(r'data-upload="\d+"', response.content.decode())) == 11


def test_list_filters_by_htmx_return_the_table_only(personas):
    upload_and_import(personas.cu_a1, [GOOD])
    client = _browser(personas.hq)
    response = client.get("/sellthrough/", {"status": "failed"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<html" not in text and 'data-testid="upload-table"' in text
    assert "No upload matches" in text


def test_error_report_download(personas):
    upload = upload_and_import(personas.cu_a1, [GOOD, BAD])
    response = _browser(personas.cu_a1).get(f"/sellthrough/uploads/{upload.pk}/errors.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["row", "column", "error", "raw"],
        ["3", "outlet", "Unknown outlet S7777777.", BAD],
    ]


@pytest.mark.parametrize("kind", ["sellthrough", "category_sales"])
def test_templates_download_as_csv_and_xlsx(personas, kind):
    client = _browser(personas.cu_a1)
    response = client.get(f"/sellthrough/template/{kind}.csv")
    assert response.status_code == 200
    assert response.content.decode().lstrip("\ufeff").splitlines()[0] == ",".join(
        FEED_COLUMNS[kind]
    )
    response = client.get(f"/sellthrough/template/{kind}.xlsx")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    upload = upload_and_import(
        personas.cu_a1, SimpleUploadedFile("t.xlsx", response.content), kind=kind
    )
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_read == 2
    assert client.get("/sellthrough/template/other.csv").status_code == 404


# --- D27: an import that accepted nothing (or rejected some rows) is a warning -------------
def test_an_upload_whose_every_row_was_rejected_is_a_warning_not_a_green_success(personas):
    upload = upload_and_import(personas.cu_a1, [BAD, BAD.replace(yesterday(), yesterday(2))])
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_accepted == 0
    client = _browser(personas.cu_a1)
    detail = client.get(f"/sellthrough/uploads/{upload.pk}/").content.decode()
    assert 'data-outcome="none-accepted"' in detail and "Imported, 0 rows accepted" in detail
    assert "bg-green" not in detail and "progress-bar bg-yellow" in detail
    assert 'data-testid="upload-none-accepted"' in detail
    listing = client.get("/sellthrough/").content.decode()
    row = re.search(rf'<tr data-upload="{upload.pk}">.*?</tr>', listing, re.S).group(0)
    assert "Imported, 0 rows accepted" in row and "bg-yellow-lt" in row and "bg-green" not in row


def test_a_partly_rejected_upload_shows_a_warning_colour(personas):
    upload = upload_and_import(personas.cu_a1, [GOOD, BAD])
    detail = _browser(personas.cu_a1).get(f"/sellthrough/uploads/{upload.pk}/").content.decode()
    assert 'data-outcome="some-rejected"' in detail and "Imported, some rows rejected" in detail
    assert "progress-bar bg-yellow" in detail and "bg-green" not in detail
    assert 'data-testid="upload-none-accepted"' not in detail


def test_a_clean_upload_stays_green(personas):
    upload = upload_and_import(personas.cu_a1, [GOOD])
    detail = _browser(personas.cu_a1).get(f"/sellthrough/uploads/{upload.pk}/").content.decode()
    assert "bg-green-lt" in detail and "progress-bar bg-green" in detail
    assert "data-outcome" not in detail and "bg-yellow" not in detail


# --- D28: a customer's templates use its own codes; the page says where codes are listed ---
def _template_rows(client, kind, fmt="csv"):
    response = client.get(f"/sellthrough/template/{kind}.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return [[str(c) for c in row] for row in book.get_sheet_by_index(0).iter_rows()]
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_customers_template_uses_its_own_outlets_and_skus(personas, fmt):
    client = _browser(personas.cu_a1)
    rows = _template_rows(client, "sellthrough", fmt)
    assert rows[0] == list(FEED_COLUMNS["sellthrough"])
    assert {row[1] for row in rows[1:]} == {"S1000001"}  # its only outlet; never A2's
    assert {row[2] for row in rows[1:]} == {"BCD-216STPT-W"}
    assert len(rows) == 3 and rows[1][0] != rows[2][0]  # one pair: two days
    content = client.get(f"/sellthrough/template/sellthrough.{fmt}").content
    upload = upload_and_import(personas.cu_a1, SimpleUploadedFile(f"t.{fmt}", content))
    assert (upload.rows_read, upload.rows_rejected, upload.rows_created) == (2, 0, 2)


def test_a_customers_category_template_uses_the_categories_of_its_skus(personas):
    rows = _template_rows(_browser(personas.cu_a1), "category_sales")
    assert [row[1:3] for row in rows[1:]] == [["S1000001", "FRIDGE"], ["S1000001", "FRIDGE"]]


def test_the_skus_a_customer_reported_come_first_and_outlets_vary(personas):
    from roots.catalog.tests.factories import SkuFactory
    from roots.customers.tests.factories import OutletFactory

    OutletFactory.create(code="S1000009", customer=personas.cust_a1)
    SkuFactory.create(code="AAA-FIRST")  # first by code, but never reported
    reported = SkuFactory.create(code="ZZZ-SOLD")
    upload_and_import(personas.cu_a1, [f"{yesterday()},S1000001,ZZZ-SOLD,1,1,100.00,1"])
    rows = _template_rows(_browser(personas.cu_a1), "sellthrough")
    assert [row[1:3] for row in rows[1:]] == [
        ["S1000001", reported.code],
        ["S1000009", reported.code],
    ]


def test_staff_get_the_generic_template(personas):
    rows = _template_rows(_browser(personas.am_a), "sellthrough")
    assert [row[1] for row in rows[1:]] == ["S1000001", "S1000002"]


def test_the_upload_page_says_where_the_codes_are_listed(personas):
    html = _browser(personas.cu_a1).get("/sellthrough/").content.decode()
    pointer = re.search(r'data-testid="code-pointer">.*?</p>', html, re.S).group(0)
    assert 'href="/customers/C100001/?tab=outlets"' in pointer and 'href="/catalog/"' in pointer
    staff = _browser(personas.am_a).get("/sellthrough/").content.decode()
    assert "Outlets tab" in staff and "C100001/?tab=outlets" not in staff
