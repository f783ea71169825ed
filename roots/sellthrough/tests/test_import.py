"""The upload service and the import: validation of every kind of bad row, idempotency,
replacement, duplicates, file formats, failures that leave the feed untouched, and an
import interrupted mid-file (in process) that a re-run completes exactly."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from conftest import shared_personas
from roots.catalog.selectors import prices_for
from roots.catalog.tests.factories import CategoryFactory, SkuFactory
from roots.sellthrough import services
from roots.sellthrough.models import (
    CategorySales,
    FeedKind,
    SellThrough,
    StagedSellThrough,
    Upload,
    UploadError,
    UploadStatus,
)
from roots.sellthrough.services import upload_create, upload_import
from roots.sellthrough.tests.upload_helpers import (
    CS_HEADER,
    csv_bytes,
    csv_file,
    day,
    upload_and_import,
    xlsx_file,
    yesterday,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SKU = "BCD-216STPT-W"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(
    when: str | None = None,
    outlet: str = "S1000001",
    sku: str = SKU,
    received: str = "10",
    sold: str = "6",
    revenue: str = "13794.00",
    stock: str = "24",
) -> str:
    return ",".join([when or yesterday(), outlet, sku, received, sold, revenue, stock])


def feed_table() -> list[tuple]:
    return list(
        SellThrough.objects.order_by("outlet_id", "date", "sku_id").values_list(
            "customer_id",
            "outlet_id",
            "sku_id",
            "date",
            "units_received",
            "units_sold",
            "revenue",
            "stock_units",
            "unit_cost",
            "upload_id",
        )
    )


def errors_of(upload: Upload) -> list[tuple[int, str, str]]:
    return list(
        UploadError.objects.filter(upload=upload).values_list("row_number", "column", "message")
    )


# --- a good file ---------------------------------------------------------------------------
def test_good_rows_land_with_the_customers_price_as_unit_cost(personas):
    upload = upload_and_import(personas.cu_a1, [row(), row(when=yesterday(2), sold="3")])
    assert upload.status == UploadStatus.SUCCEEDED
    assert (upload.rows_read, upload.rows_created, upload.rows_rejected) == (2, 2, 0)
    assert upload.progress == 100 and upload.rows_total == 2 and upload.attempts == 1
    first = SellThrough.objects.get(date=day(1))
    expected = prices_for(customer=personas.cust_a1, skus=[personas.sku], on=day(1))
    assert first.unit_cost == expected[personas.sku.pk] == Decimal("2499.00")
    assert (first.units_received, first.units_sold, first.stock_units) == (10, 6, 24)
    assert first.revenue == Decimal("13794.00")
    assert first.customer == personas.cust_a1 and first.upload == upload
    assert not StagedSellThrough.objects.exists()


def test_unit_cost_follows_the_price_valid_on_each_day(personas):
    """Before the customer price starts (2026-01-01 in the personas) another price holds."""
    old = date(2025, 6, 1)
    upload_and_import(personas.cu_a1, [row(when=old.isoformat()), row()])
    costs = dict(SellThrough.objects.values_list("date", "unit_cost"))
    for when in (old, day(1)):
        assert (
            costs[when]
            == prices_for(customer=personas.cust_a1, skus=[personas.sku], on=when)[personas.sku.pk]
        )


def test_the_upload_stores_the_file_its_digest_and_size(personas, settings):
    content = csv_bytes([row()])
    upload = upload_create(
        user=personas.cu_a1,
        customer=None,
        kind=FeedKind.SELLTHROUGH,
        file=SimpleUploadedFile("三月 进销存.csv", content),
    )
    import hashlib

    assert upload.status == UploadStatus.QUEUED and upload.customer == personas.cust_a1
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.size == len(content) and upload.original_name == "三月 进销存.csv"
    assert upload.file.path.startswith(str(settings.MEDIA_ROOT))
    assert upload.file.name.startswith("sellthrough/") and upload.file.name.endswith(".csv")
    with upload.file.open("rb") as handle:
        assert handle.read() == content


def test_the_import_is_queued_after_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload = upload_create(
            user=personas.cu_a1, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file([row()])
        )
        assert Upload.objects.get(pk=upload.pk).status == UploadStatus.QUEUED
    assert len(callbacks) == 1
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_created == 1


def test_staff_upload_on_behalf_of_a_customer_they_serve(personas):
    for user in (personas.am_a, personas.bm_a, personas.hq):
        upload = upload_and_import(user, [row()], customer=personas.cust_a1)
        assert upload.status == UploadStatus.SUCCEEDED, upload.message
        assert upload.uploaded_by == user and upload.customer == personas.cust_a1


# --- who may upload ------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_upload_are_refused(personas, role):
    with pytest.raises(PermissionDenied):
        upload_create(
            user=getattr(personas, role),
            customer=personas.cust_a1,
            kind=FeedKind.SELLTHROUGH,
            file=csv_file([row()]),
        )


def test_customer_users_upload_for_their_own_company_only(personas):
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.cu_a1,
            customer=personas.cust_b1,
            kind=FeedKind.SELLTHROUGH,
            file=csv_file([row()]),
        )
    assert "customer" in caught.value.message_dict


def test_staff_must_name_a_customer_in_their_scope(personas):
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.am_a, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file([row()])
        )
    assert "customer" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.am_a2,
            customer=personas.cust_a1,
            kind=FeedKind.SELLTHROUGH,
            file=csv_file([row()]),
        )
    assert caught.value.message_dict["customer"] == ["Unknown customer."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.txt", b"date\n", "Upload a .csv or .xlsx file."),
        ("feed.csv", b"", "The file is empty."),
    ],
)
def test_bad_files_are_refused_with_field_errors(personas, name, content, message):
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.cu_a1,
            customer=None,
            kind=FeedKind.SELLTHROUGH,
            file=SimpleUploadedFile(name, content),
        )
    assert caught.value.message_dict == {"file": [message]}


def test_files_over_the_size_limit_are_refused(personas, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_SIZE", 10)
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.cu_a1, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file([row()])
        )
    assert "larger than" in caught.value.message_dict["file"][0]


def test_an_unknown_feed_kind_is_a_field_error(personas):
    with pytest.raises(ValidationError) as caught:
        upload_create(user=personas.cu_a1, customer=None, kind="stock", file=csv_file([row()]))
    assert "kind" in caught.value.message_dict


# --- validation of rows --------------------------------------------------------------------
TOMORROW = (timezone.localdate() + timedelta(days=2)).isoformat()
BAD_ROWS = [
    (row(when="2026/03/01"), "date", "Not a date of the form YYYY-MM-DD."),
    (row(when="2026-02-30"), "date", "Not a date of the form YYYY-MM-DD."),
    (row(when="20260301"), "date", "Not a date of the form YYYY-MM-DD."),
    (row(when=TOMORROW), "date", "The date is in the future."),
    (row(when="1999-12-31"), "date", "The date is before 2000-01-01."),
    (row(outlet="S7777777"), "outlet", "Unknown outlet S7777777."),
    (row(outlet="S1000003"), "outlet", "Outlet S1000003 belongs to another customer."),
    (row(sku="NO-SUCH-SKU"), "sku", "Unknown SKU NO-SUCH-SKU."),
    (row(received="-1"), "units_received", "Must not be negative."),
    (row(sold="2.5"), "units_sold", "Not a whole number."),
    (row(sold="many"), "units_sold", "Not a whole number."),
    (row(stock="10000001"), "stock_units", "At most 10,000,000."),
    (row(revenue="-5.00"), "revenue", "Must not be negative."),
    (row(revenue="12.345"), "revenue", "At most 2 decimals."),
    (row(revenue='"12,5"'), "revenue", "Not an amount in yuan (e.g. 1234.50)."),
    (row(revenue="1000000000000"), "revenue", "Too large (at most 999,999,999,999.99)."),
    (row(sku=""), "sku", "Required; the cell is blank."),
    (row(when=" "), "date", "Required; the cell is blank."),
    (row() + ",surplus", "", "The row has more values than the header."),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_each_kind_of_bad_row_is_rejected_with_its_column_and_reason(
    personas, line, column, message
):
    upload = upload_and_import(personas.cu_a1, [row(outlet="S1000001"), line])
    assert upload.status == UploadStatus.SUCCEEDED
    assert (upload.rows_read, upload.rows_created, upload.rows_rejected) == (2, 1, 1)
    assert errors_of(upload) == [(3, column, message)]
    error = UploadError.objects.get(upload=upload)
    assert error.raw == line
    assert SellThrough.objects.count() == 1


def test_every_problem_of_a_row_is_reported(personas):
    upload = upload_and_import(personas.cu_a1, [f"{TOMORROW},S9,X,a,-1,1.234,"])
    assert [(c, m) for _r, c, m in errors_of(upload)] == [
        ("date", "The date is in the future."),
        ("outlet", "Unknown outlet S9."),
        ("sku", "Unknown SKU X."),
        ("units_received", "Not a whole number."),
        ("units_sold", "Must not be negative."),
        ("revenue", "At most 2 decimals."),
        ("stock_units", "Required; the cell is blank."),
    ]
    assert upload.rows_rejected == 1 and upload.rows_created == 0


def test_lenient_forms_of_numbers_are_accepted(personas):
    upload = upload_and_import(
        personas.cu_a1, [row(received="+3", sold="4.0", revenue="5.", stock=" 7 ")]
    )
    assert upload.rows_created == 1, errors_of(upload)
    st = SellThrough.objects.get()
    assert (st.units_received, st.units_sold, st.revenue, st.stock_units) == (3, 4, Decimal(5), 7)


def test_row_as_sent_is_kept_to_1000_characters(personas):
    upload = upload_and_import(personas.cu_a1, [row(sku="X" * 3000)])
    error = UploadError.objects.get(upload=upload)
    assert len(error.raw) == 1000 and error.message.startswith("Unknown SKU XXX")
    assert len(error.message) <= 300


def test_blank_lines_are_skipped(personas):
    upload = upload_and_import(personas.cu_a1, ["", row(), ",,,,,,", ""])
    assert (upload.rows_read, upload.rows_created, upload.rows_rejected) == (1, 1, 0)


def test_errors_beyond_the_limit_are_counted_not_listed(personas, monkeypatch):
    monkeypatch.setattr(services, "MAX_ERRORS", 2)
    upload = upload_and_import(personas.cu_a1, [row(sku=f"NO{n}") for n in range(5)])
    assert upload.rows_rejected == 5
    assert UploadError.objects.filter(upload=upload).count() == 2
    assert "first 2 rejected rows" in upload.message


# --- idempotency and replacement -----------------------------------------------------------
def test_the_same_file_twice_changes_nothing(personas):
    other_sku = SkuFactory.create(code="XQG100-HBD", list_price=Decimal("3999"))
    lines = [row(), row(sku=other_sku.code, sold="1"), row(when=yesterday(3), sold="9")]
    first = upload_and_import(personas.cu_a1, lines)
    table = feed_table()
    second = upload_and_import(personas.cu_a1, lines)
    assert (first.rows_created, first.rows_updated, first.rows_unchanged) == (3, 0, 0)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 3)
    assert feed_table() == table  # not even the upload that wrote each row changed


def test_a_corrected_row_replaces_the_old_one(personas):
    first = upload_and_import(personas.cu_a1, [row(), row(when=yesterday(2))])
    second = upload_and_import(
        personas.cu_a1, [row(sold="8", revenue="18392.00"), row(when=yesterday(3))]
    )
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (1, 1, 0)
    assert SellThrough.objects.count() == 3
    corrected = SellThrough.objects.get(date=day(1))
    assert (corrected.units_sold, corrected.revenue) == (8, Decimal("18392.00"))
    assert corrected.upload_id == second.pk
    assert SellThrough.objects.get(date=day(2)).upload_id == first.pk


def test_a_key_repeated_in_the_file_takes_the_later_row(personas):
    upload = upload_and_import(personas.cu_a1, [row(sold="1"), row(sold="2"), row(sold="3")])
    assert (upload.rows_read, upload.rows_created) == (3, 1)
    assert SellThrough.objects.get().units_sold == 3
    assert "2 rows repeated an earlier row" in upload.message


def test_a_key_repeated_across_chunks_takes_the_later_row(personas):
    lines = [row(sold="1"), row(when=yesterday(2)), row(when=yesterday(3)), row(sold="4")]
    upload = upload_create(
        user=personas.cu_a1, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file(lines)
    )
    upload_import(upload_id=upload.pk, chunk_rows=2)
    upload.refresh_from_db()
    assert upload.rows_created == 3
    assert SellThrough.objects.get(date=day(1)).units_sold == 4


def test_a_later_bad_row_does_not_undo_an_earlier_good_one(personas):
    upload = upload_and_import(personas.cu_a1, [row(sold="5"), row(sold="x")])
    assert (upload.rows_created, upload.rows_rejected) == (1, 1)
    assert SellThrough.objects.get().units_sold == 5


# --- formats -------------------------------------------------------------------------------
def test_csv_with_a_byte_order_mark(personas):
    upload = upload_and_import(personas.cu_a1, [row()], bom=True)
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_created == 1


def test_csv_saved_by_chinese_excel_in_gb18030(personas):
    content = csv_bytes([row(), row(outlet="青岛店")]).decode().encode("gb18030")
    upload = upload_and_import(personas.cu_a1, SimpleUploadedFile("gbk.csv", content))
    assert upload.status == UploadStatus.SUCCEEDED, upload.message
    assert upload.rows_created == 1
    assert errors_of(upload) == [(3, "outlet", "Unknown outlet 青岛店.")]


def test_columns_in_another_order_with_spaces_and_capitals(personas):
    header = "Units Sold, SKU ,date,Outlet,Revenue,Stock Units,units-received"
    line = f"6,{SKU},{yesterday()},S1000001,13794.00,24,10"
    upload = upload_and_import(personas.cu_a1, [line], header=header)
    assert upload.rows_created == 1, errors_of(upload)
    st = SellThrough.objects.get()
    assert (st.units_received, st.units_sold, st.stock_units) == (10, 6, 24)


def test_xlsx_file_with_date_and_number_cells(personas):
    header = ["date", "outlet", "sku", "units_received", "units_sold", "revenue", "stock_units"]
    rows = [
        header,
        [day(1), "S1000001", SKU, 10, 6, 13794.0, 24],
        [yesterday(2), "S1000001", SKU, 3, 2, 4598.5, 7],
        [day(3), "S7777777", SKU, 1.5, 1, 10.123, 1],
    ]
    upload = upload_and_import(personas.cu_a1, xlsx_file(rows))
    assert upload.status == UploadStatus.SUCCEEDED, upload.message
    assert (upload.rows_read, upload.rows_created, upload.rows_rejected) == (3, 2, 1)
    assert upload.rows_total == 3
    assert SellThrough.objects.get(date=day(2)).revenue == Decimal("4598.50")
    assert [(r, c) for r, c, _m in errors_of(upload)] == [
        (4, "outlet"),
        (4, "units_received"),
        (4, "revenue"),
    ]


def test_xlsx_with_a_wrong_header_fails(personas):
    upload = upload_and_import(personas.cu_a1, xlsx_file([["date", "outlet"], [day(1), "S1"]]))
    assert upload.status == UploadStatus.FAILED
    assert "Missing columns: sku, units_received" in upload.message


def test_a_file_that_is_not_a_workbook_fails(personas, monkeypatch):
    # Since U1 (security review 2026-12) such a file is refused at upload already
    # (test_upload_archive.py); one stored before that still fails its import.
    with pytest.raises(ValidationError) as caught:
        upload_create(
            user=personas.cu_a1,
            customer=None,
            kind=FeedKind.SELLTHROUGH,
            file=SimpleUploadedFile("feed.xlsx", b"not a zip"),
        )
    assert list(caught.value.message_dict) == ["file"]
    monkeypatch.setattr(services, "check_archive", lambda file: None)
    upload = upload_and_import(personas.cu_a1, SimpleUploadedFile("feed.xlsx", b"not a zip"))
    assert upload.status == UploadStatus.FAILED
    assert "not a readable XLSX workbook" in upload.message


def test_category_sales_feed(personas):
    washers = CategoryFactory.create(code="WASHER", name="洗衣机")
    lines = [
        f"{yesterday()},S1000001,FRIDGE,158000.00",
        f"{yesterday()},S1000001,{washers.code},86500.50",
        f"{yesterday()},S1000001,TV,1.00",
    ]
    upload = upload_and_import(
        personas.cu_a1, lines, kind=FeedKind.CATEGORY_SALES, header=CS_HEADER
    )
    assert (upload.rows_created, upload.rows_rejected) == (2, 1)
    assert errors_of(upload) == [(4, "category", "Unknown category TV.")]
    totals = dict(CategorySales.objects.values_list("category__code", "total_sales"))
    assert totals == {"FRIDGE": Decimal("158000.00"), "WASHER": Decimal("86500.50")}
    again = upload_and_import(
        personas.cu_a1, lines[:1], kind=FeedKind.CATEGORY_SALES, header=CS_HEADER
    )
    assert again.rows_unchanged == 1


# --- failures ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("date,outlet,sku,units_received,units_sold,revenue", "Missing columns: stock_units."),
        (
            "date,outlet,sku,units_received,units_sold,revenue,stock_units,colour",
            "Unknown columns: colour.",
        ),
        (
            "date,outlet,sku,units_received,units_sold,revenue,stock_units,date",
            "Repeated columns: date.",
        ),
        ("", "The file is empty"),
    ],
)
def test_a_wrong_header_fails_the_upload_and_imports_nothing(personas, header, message):
    upload = upload_and_import(personas.cu_a1, [row()], header=header)
    assert upload.status == UploadStatus.FAILED
    assert message in upload.message
    assert upload.rows_created == 0 and upload.finished_at is not None
    assert not SellThrough.objects.exists() and not StagedSellThrough.objects.exists()


def test_a_file_that_is_not_text_fails(personas):
    upload = upload_and_import(
        personas.cu_a1, SimpleUploadedFile("feed.csv", b"\xff\xfe\x00\x01" * 100)
    )
    assert upload.status == UploadStatus.FAILED
    assert "not UTF-8" in upload.message


def test_a_failed_merge_leaves_the_feed_and_staging_untouched(personas, monkeypatch):
    upload_and_import(personas.cu_a1, [row(sold="1")])
    before = feed_table()
    calls = []
    real = services._delete_staging

    def failing(upload_id: int) -> None:
        calls.append(upload_id)
        if len(calls) == 2:  # the one inside the merge's transaction, after the upsert
            raise RuntimeError("disk full")
        real(upload_id)

    monkeypatch.setattr(services, "_delete_staging", failing)
    upload = upload_and_import(personas.cu_a1, [row(sold="2"), row(when=yesterday(2))])
    assert upload.status == UploadStatus.FAILED
    assert "RuntimeError" in upload.message
    assert (upload.rows_created, upload.rows_updated) == (0, 0)
    assert feed_table() == before
    assert not StagedSellThrough.objects.exists()


def test_a_missing_file_fails_with_a_message(personas):
    upload = upload_create(
        user=personas.cu_a1, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file([row()])
    )
    upload.file.delete(save=False)
    upload_import(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and "missing" in upload.message


# --- interrupted and re-run ----------------------------------------------------------------
class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (no except Exception)."""


def test_an_import_killed_mid_file_is_completed_exactly_by_a_rerun(personas, monkeypatch):
    skus = [personas.sku, *SkuFactory.create_batch(4, list_price=Decimal("100"))]
    lines = []
    sold = 0
    revenue = Decimal(0)
    for n in range(60):
        units = n % 7
        amount = Decimal(units * 123) / 100
        sold += units
        revenue += amount
        lines.append(
            row(
                when=yesterday(1 + n // 5),
                sku=skus[n % 5].code,
                sold=str(units),
                revenue=f"{amount:.2f}",
            )
        )
    upload = upload_create(
        user=personas.cu_a1, customer=None, kind=FeedKind.SELLTHROUGH, file=csv_file(lines)
    )
    real_stage = services._Stager.stage
    chunks = []

    def stage_then_die(self, checker, chunk):
        real_stage(self, checker, chunk)
        chunks.append(len(chunk))
        if len(chunks) == 2:
            raise Killed

    monkeypatch.setattr(services._Stager, "stage", stage_then_die)
    with pytest.raises(Killed):
        upload_import(upload_id=upload.pk, chunk_rows=10)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.RUNNING and upload.rows_read == 20
    assert StagedSellThrough.objects.filter(upload=upload).count() == 20
    assert not SellThrough.objects.exists()

    monkeypatch.setattr(services._Stager, "stage", real_stage)
    out = io.StringIO()
    call_command("import_sellthrough", str(upload.pk), stdout=out)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SUCCEEDED and upload.attempts == 2
    assert "added 60" in out.getvalue()
    totals = SellThrough.objects.aggregate(s=Sum("units_sold"), r=Sum("revenue"))
    assert SellThrough.objects.count() == 60 == upload.rows_created
    assert (totals["s"], totals["r"]) == (sold, revenue)
    assert not StagedSellThrough.objects.exists()


def test_rerunning_a_finished_upload_changes_nothing(personas):
    upload = upload_and_import(personas.cu_a1, [row(), row(when=yesterday(2))])
    table = feed_table()
    call_command("import_sellthrough", str(upload.pk), stdout=io.StringIO())
    upload.refresh_from_db()
    assert (upload.rows_created, upload.rows_unchanged, upload.attempts) == (0, 2, 2)
    assert feed_table() == table
