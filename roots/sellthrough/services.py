"""Writes of the sell-through app: a feed file's upload and its import.

The import is the one write here that is not a single transaction, on purpose: it checks
the file chunk by chunk into the staging tables (each chunk, its rejected rows and the
progress committed together, so that the upload page shows progress and a 1,000,000-row
file needs no more memory than one chunk), then moves the staged rows into the feed in ONE
transaction. A killed import leaves staging rows only; the next attempt of the same upload
deletes them first. The feed itself never holds half an upload.

The upload's states are declared in `roots.sellthrough.lifecycles` (`UPLOAD`); the import
takes its steps (start, succeed, fail, requeue) through `advance`. Imports are queued through
`roots.sellthrough.tasks.enqueue_import` (the tasks import this module only when they run).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roots.catalog.models import Category, Sku
from roots.catalog.selectors import prices_for
from roots.core.uploads import ArchiveRefused, check_archive
from roots.customers.models import Customer, Outlet
from roots.org.models import Role, User
from roots.sellthrough import policies
from roots.sellthrough.importing import (
    CHUNK_ROWS,
    EXTENSIONS,
    MAX_FILE_SIZE,
    FeedFileError,
    RowChecker,
    open_feed,
    raw_text,
)
from roots.sellthrough.lifecycles import advance
from roots.sellthrough.models import (
    CategorySales,
    FeedKind,
    SellThrough,
    StagedCategorySales,
    StagedSellThrough,
    Upload,
    UploadError,
    UploadStatus,
)
from roots.sellthrough.tasks import enqueue_import

logger = logging.getLogger(__name__)

# Rejected rows beyond this many are counted but not listed (a garbage file of a million
# rows would otherwise write millions of error rows).
MAX_ERRORS = 100_000
# An import that has not reported progress for this long is taken for dead (its worker was
# killed) and is started again by `uploads_resume_stale`. Every chunk reports progress, and
# the final merge of a million rows takes a few minutes at most.
STALE_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 3
_CACHE_LIMIT = 500_000
CENT = Decimal("0.01")


# --- upload ---------------------------------------------------------------------------------
def _extension(name: str) -> str:
    lowered = name.lower()
    return next((ext for ext in EXTENSIONS if lowered.endswith(ext)), "")


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.replace("\x00", "")[:255] or "upload"


@transaction.atomic
def upload_create(*, user: User, customer: Customer | None, kind: str, file: File) -> Upload:
    """Store a feed file of a customer and queue its import (after commit).

    Customer users upload for their own company (`customer` may be left out); our staff
    who serve a customer (its account manager, its branch manager, headquarters) upload on
    its behalf and must name it. Files are CSV or XLSX, at most 200 MB; an XLSX must pass
    the archive check (`roots.core.uploads.check_archive`; a refusal is a `file` error with
    the code `archive_refused`). Raises PermissionDenied for a role that does not upload,
    ValidationError for bad input."""
    if not policies.may_upload(user):
        raise PermissionDenied(_("You may not upload sell-through files."))
    errors: dict[str, list[str]] = defaultdict(list)
    if kind not in FeedKind.values:
        errors["kind"].append(_("Choose the feed: sell-through or category sales."))
    if user.role == Role.CUSTOMER_USER:
        if customer is None:
            customer = user.customer
        elif customer.pk != user.customer_id:
            errors["customer"].append(_("You upload for your own company only."))
    elif customer is None:
        errors["customer"].append(_("Choose the customer whose feed this is."))
    elif not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        errors["customer"].append(_("Unknown customer."))
    elif not policies.can_upload_for(user, customer):
        raise PermissionDenied(_("You may not upload files for this customer."))
    name = _clean_name(str(getattr(file, "name", "") or ""))
    extension = _extension(name)
    size = int(getattr(file, "size", 0) or 0)
    if not extension:
        errors["file"].append(_("Upload a .csv or .xlsx file."))
    elif size == 0:
        errors["file"].append(_("The file is empty."))
    elif size > MAX_FILE_SIZE:
        errors["file"].append(
            _("The file is larger than %(size)d MB; split it.")
            % {"size": MAX_FILE_SIZE // (1024 * 1024)}
        )
    if errors:
        raise ValidationError(dict(errors))
    if extension == ".xlsx":
        # A workbook is a ZIP archive: one that would inflate to too much (a zip bomb) is
        # refused now, before it is stored; the import checks it again before reading.
        try:
            check_archive(file)
        except ArchiveRefused as exc:
            raise ValidationError({"file": [ValidationError(str(exc), code=exc.code)]}) from None
    if customer is None:
        raise AssertionError("customer is not None")
    digest = hashlib.sha256()
    for block in file.chunks():
        digest.update(block)
    file.seek(0)
    upload = Upload(
        customer=customer,
        kind=kind,
        original_name=name,
        sha256=digest.hexdigest(),
        size=size,
        uploaded_by=user,
    )
    # A generated name: the one sent may be too long, or not a valid file name at all.
    upload.file.save(f"{uuid.uuid4().hex}{extension}", file, save=False)
    upload.save()
    enqueue_import(upload.pk)
    return upload


# --- import ---------------------------------------------------------------------------------
@dataclass
class ImportResult:
    """What an import did (also the background task's result)."""

    upload_id: int
    status: str
    rows_read: int
    rows_rejected: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Feed:
    """The tables of one feed kind and the names of their columns."""

    staged: type[StagedSellThrough] | type[StagedCategorySales]
    target: type[SellThrough] | type[CategorySales]
    item: str  # the column that is a SKU or a category
    figures: tuple[str, ...]  # the reported values

    @property
    def key(self) -> tuple[str, ...]:
        return ("outlet_id", "date", self.item)

    @property
    def values(self) -> tuple[str, ...]:
        """Columns copied from staging to the feed besides the key."""
        extra = ("unit_cost",) if self.target is SellThrough else ()
        return ("customer_id", *self.figures, *extra)

    def staging_columns(self) -> list[str]:
        """upload, customer, outlet, date, item, figures..., (unit cost,) row number."""
        columns = ["upload_id", "customer_id", "outlet_id", "date", self.item, *self.figures]
        if self.target is SellThrough:
            columns.append("unit_cost")
        columns.append("row_number")
        return columns

    def stage_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Write staged rows (in `staging_columns` order); a key this upload staged before
        is replaced (the later row of the file wins). Raw SQL: the ORM's bulk_create cost
        more than reading and checking the rows. SQLite runs one prepared INSERT per row
        (executemany); PostgreSQL one INSERT per chunk from arrays (`unnest`), instead of a
        round trip and a parse per row."""
        columns = self.staging_columns()
        quoted = [_q(c) for c in columns]
        changes = ", ".join(f"{c} = excluded.{c}" for c in quoted[5:])
        unique = ", ".join(_q(c) for c in ("upload_id", "outlet_id", "date", self.item))
        conflict = f"ON CONFLICT ({unique}) DO UPDATE SET {changes}"
        table = _q(self.staged._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                fields = {f.column: f for f in self.staged._meta.concrete_fields}
                arrays = ", ".join(f"%s::{fields[c].cast_db_type(connection)}[]" for c in columns)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(quoted)}) "  # noqa: S608 - quoted identifiers; values are parameters
                    f"SELECT * FROM unnest({arrays}) {conflict}",
                    [list(column) for column in zip(*rows, strict=True)],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(quoted)}) "  # noqa: S608 - quoted identifiers; values are parameters
                    f"VALUES ({', '.join(['%s'] * len(quoted))}) {conflict}",
                    rows,
                )


FEEDS = {
    FeedKind.SELLTHROUGH: _Feed(
        StagedSellThrough,
        SellThrough,
        "sku_id",
        ("units_received", "units_sold", "revenue", "stock_units"),
    ),
    FeedKind.CATEGORY_SALES: _Feed(
        StagedCategorySales, CategorySales, "category_id", ("total_sales",)
    ),
}


def _delete_staging(upload_id: int) -> None:
    StagedSellThrough.objects.filter(upload_id=upload_id).delete()
    StagedCategorySales.objects.filter(upload_id=upload_id).delete()


def _begin(upload: Upload) -> None:
    """Start (or restart) an attempt: what an earlier attempt left is deleted first."""
    with transaction.atomic():
        _delete_staging(upload.pk)
        UploadError.objects.filter(upload_id=upload.pk).delete()
        advance(
            upload.pk,
            "start",
            attempts=F("attempts") + 1,
            updated_at=timezone.now(),
            finished_at=None,
            rows_total=None,
            rows_read=0,
            rows_rejected=0,
            rows_created=0,
            rows_updated=0,
            rows_unchanged=0,
            message="",
        )


def _fail(upload: Upload, message: str) -> None:
    with transaction.atomic():
        _delete_staging(upload.pk)
        advance(
            upload.pk,
            "fail",
            message=message.replace("\x00", "")[:500],
            rows_created=0,
            rows_updated=0,
            rows_unchanged=0,
        )


class _Stager:
    """Checks a file chunk by chunk into the staging table of its feed."""

    def __init__(self, upload: Upload, feed: _Feed) -> None:
        self.upload = upload
        self.feed = feed
        self.customer = upload.customer
        self.read = 0
        self.rejected = 0
        self.errors_stored = 0
        self.checked_outlets: set[str] = set()
        self.prices: dict[tuple[date, int], Decimal] = {}
        self.list_prices: dict[int, Decimal] = {}

    def checker(self, header_width: int) -> RowChecker:
        outlets = dict(
            Outlet.objects.all_unscoped()
            .filter(customer_id=self.customer.pk)
            .values_list("code", "pk")
        )
        checker = RowChecker(
            kind=self.upload.kind,
            today=timezone.localdate(),
            outlets=outlets,
            foreign_outlets=set(),
            header_width=header_width,
        )
        if self.upload.kind == FeedKind.SELLTHROUGH:
            for code, pk, price in Sku.objects.all_unscoped().values_list(
                "code", "pk", "list_price"
            ):
                checker.skus[code] = pk
                self.list_prices[pk] = price
        else:
            checker.categories = dict(Category.objects.all_unscoped().values_list("code", "pk"))
        return checker

    def _learn_outlets(self, checker: RowChecker, chunk: list[Any]) -> None:
        """Which unknown outlet codes of the chunk are other customers' (one query)."""
        if len(self.checked_outlets) > _CACHE_LIMIT:
            self.checked_outlets.clear()
            checker.foreign_outlets.clear()
        fresh = {
            cells[1]
            for _number, cells, _sent in chunk
            if cells[1] and cells[1] not in checker.outlets and cells[1] not in self.checked_outlets
        }
        if not fresh:
            return
        self.checked_outlets |= fresh
        possible = [code for code in fresh if len(code) <= 12 and "\x00" not in code]
        if possible:
            checker.foreign_outlets.update(
                Outlet.objects.all_unscoped()
                .filter(code__in=possible)
                .values_list("code", flat=True)
            )

    def _unit_costs(self, keys: Any) -> None:
        """The customer's price of each (day, SKU) not seen yet: two queries per day."""
        if len(self.prices) > _CACHE_LIMIT:
            self.prices.clear()
        missing: dict[date, set[int]] = defaultdict(set)
        for _outlet, day, sku_id in keys:
            if (day, sku_id) not in self.prices:
                missing[day].add(sku_id)
        for day, sku_ids in missing.items():
            skus = [Sku(pk=pk, list_price=self.list_prices[pk]) for pk in sku_ids]
            for pk, price in prices_for(customer=self.customer, skus=skus, on=day).items():
                self.prices[(day, pk)] = Decimal(price).quantize(CENT)

    def stage(self, checker: RowChecker, chunk: list[Any]) -> None:
        """Check one chunk; write its good rows to staging (a key seen again replaces the
        earlier row: the later row of the file wins) and its bad rows to the error report,
        with the progress, in one transaction."""
        self._learn_outlets(checker, chunk)
        upload = self.upload
        good: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
        errors: list[UploadError] = []
        for number, cells, sent in chunk:
            result = checker.check(cells, sent)
            if isinstance(result, list):
                self.rejected += 1
                if self.errors_stored < MAX_ERRORS:
                    raw = raw_text(sent)
                    for column, message in result:
                        errors.append(
                            UploadError(
                                upload_id=upload.pk,
                                row_number=number,
                                column=column,
                                message=message[:300],
                                message_text=getattr(message, "data", {}),
                                raw=raw,
                            )
                        )
                    self.errors_stored += 1
            else:
                day, outlet_id, item_id = result[0], result[1], result[2]
                good[(outlet_id, day, item_id)] = (number, result)
        self.read += len(chunk)
        customer_id = self.customer.pk
        rows: list[tuple[Any, ...]]
        if self.feed.staged is StagedSellThrough:
            self._unit_costs(good.keys())
            prices = self.prices
            rows = [
                (
                    upload.pk,
                    customer_id,
                    outlet_id,
                    day,
                    sku_id,
                    *values[3:],
                    prices[(day, sku_id)],
                    number,
                )
                for (outlet_id, day, sku_id), (number, values) in good.items()
            ]
        else:
            rows = [
                (upload.pk, customer_id, outlet_id, day, category_id, values[3], number)
                for (outlet_id, day, category_id), (number, values) in good.items()
            ]
        with transaction.atomic():
            if rows:
                self.feed.stage_rows(rows)
            if errors:
                UploadError.objects.bulk_create(errors, batch_size=5000)
            Upload.objects.filter(pk=upload.pk).update(
                rows_read=self.read, rows_rejected=self.rejected, updated_at=timezone.now()
            )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _merge(upload: Upload, feed: _Feed, stager: _Stager) -> None:
    """Move the upload's staged rows into the feed in one transaction: count what is new,
    replaced and unchanged, upsert, drop the staging rows, record the outcome."""
    staged = _q(feed.staged._meta.db_table)
    target = _q(feed.target._meta.db_table)
    key = [_q(c) for c in feed.key]
    values = [_q(c) for c in feed.values]
    same_key = " AND ".join(f"f.{c} = s.{c}" for c in key)
    same_values = " AND ".join(f"f.{c} = s.{c}" for c in values)
    count_sql = (
        f"SELECT COUNT(*), "  # noqa: S608 - quoted identifiers; values are parameters
        f"COALESCE(SUM(CASE WHEN f.{_q('id')} IS NULL THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN f.{_q('id')} IS NOT NULL AND {same_values} "
        f"THEN 1 ELSE 0 END), 0) "
        f"FROM {staged} s LEFT JOIN {target} f ON {same_key} "
        f"WHERE s.{_q('upload_id')} = %s"
    )
    columns = [*key, *values, _q("upload_id")]
    listed = ", ".join(columns)
    changes = ", ".join(f"{c} = excluded.{c}" for c in [*values, _q("upload_id")])
    differs = " OR ".join(f"{target}.{c} <> excluded.{c}" for c in values)
    upsert_sql = (
        f"INSERT INTO {target} ({listed}) SELECT {listed} FROM {staged} "  # noqa: S608 - quoted identifiers; values are parameters
        f"WHERE {_q('upload_id')} = %s "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {changes} WHERE {differs}"
    )
    with transaction.atomic():
        # One merge per customer at a time, so that the counts see what the upsert will.
        list(
            Customer.objects.all_unscoped()
            .select_for_update()
            .filter(pk=upload.customer_id)
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(count_sql, [upload.pk])
            total, created, unchanged = (int(v) for v in cursor.fetchone())
            cursor.execute(upsert_sql, [upload.pk])
        _delete_staging(upload.pk)
        notes = []
        repeated = stager.read - stager.rejected - total
        if repeated > 0:
            notes.append(
                ngettext(
                    "%(count)d row repeated an earlier row of the file for the same key; "
                    "the later row counts.",
                    "%(count)d rows repeated an earlier row of the file for the same key; "
                    "the later row counts.",
                    repeated,
                )
                % {"count": repeated}
            )
        if stager.rejected > stager.errors_stored:
            notes.append(
                _("The error report lists the first %(count)d rejected rows.")
                % {"count": stager.errors_stored}
            )
        advance(
            upload.pk,
            "succeed",
            rows_read=stager.read,
            rows_rejected=stager.rejected,
            rows_created=created,
            rows_updated=total - created - unchanged,
            rows_unchanged=unchanged,
            message=" ".join(notes)[:500],
        )


def _import(upload: Upload, chunk_rows: int) -> None:
    feed = FEEDS[FeedKind(upload.kind)]
    stager = _Stager(upload, feed)
    try:
        path = Path(upload.file.path)
        if not path.is_file():
            raise FileNotFoundError(path)
    except (FileNotFoundError, ValueError, NotImplementedError):
        raise FeedFileError(_("The file of this upload is missing; upload it again.")) from None
    with open_feed(path, kind=upload.kind, name=upload.file.name or "") as source:
        Upload.objects.filter(pk=upload.pk).update(rows_total=source.total)
        checker = stager.checker(len(source.header))
        for chunk in source.chunks(chunk_rows):
            stager.stage(checker, chunk)
    _merge(upload, feed, stager)


def upload_import(*, upload_id: int, chunk_rows: int = CHUNK_ROWS) -> ImportResult:
    """Import an upload's file into its feed (run by `import_upload_task`, or again by
    `manage.py import_sellthrough <id>`).

    Starts clean (an earlier attempt's staging rows and errors are deleted), checks the
    file in chunks of `chunk_rows` rows, then merges in one transaction: rows new to the
    feed are added, rows whose outlet, day and SKU (or category) are there already replace
    them, rows equal to what is there are left alone and counted unchanged. Any error fails
    the upload with a message and leaves the feed as it was. Messages are written in the
    uploader's language."""
    upload = (
        Upload.objects.all_unscoped().select_related("customer", "uploaded_by").get(pk=upload_id)
    )
    _begin(upload)
    language = upload.uploaded_by.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            _import(upload, chunk_rows)
        except FeedFileError as exc:
            _fail(upload, str(exc))
        except Exception as exc:
            logger.exception("sell-through import of upload %s failed", upload_id)
            _fail(
                upload,
                _("The import stopped on an error (%(error)s); nothing was imported.")
                % {"error": type(exc).__name__},
            )
    upload.refresh_from_db()
    return ImportResult(
        upload_id=upload.pk,
        status=upload.status,
        rows_read=upload.rows_read,
        rows_rejected=upload.rows_rejected,
        rows_created=upload.rows_created,
        rows_updated=upload.rows_updated,
        rows_unchanged=upload.rows_unchanged,
        message=upload.message,
    )


def uploads_resume_stale(*, now: datetime | None = None) -> list[int]:
    """Start again the imports whose worker died: uploads still `running` with no progress
    for `STALE_AFTER`. Each is enqueued anew (the import starts clean); after
    `MAX_ATTEMPTS` attempts it fails instead, with a message. Answers the uploads resumed.
    Run it every few minutes (cron: `manage.py resume_sellthrough_imports --enqueue`)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    resumed: list[int] = []
    stale = Upload.objects.all_unscoped().filter(status=UploadStatus.RUNNING, updated_at__lt=cutoff)
    for upload in stale.select_related("uploaded_by"):
        if upload.attempts >= MAX_ATTEMPTS:
            language = upload.uploaded_by.language or settings.LANGUAGE_CODE
            with translation.override(language):
                _fail(
                    upload,
                    _("The import stopped %(count)d times without finishing; nothing was imported.")
                    % {"count": upload.attempts},
                )
            continue
        # Claim it (a second resumer running at the same time finds it fresh and skips it).
        if advance(
            upload.pk, "requeue", where={"updated_at__lt": cutoff}, updated_at=timezone.now()
        ):
            resumed.append(upload.pk)
            enqueue_import(upload.pk)
    return resumed
