"""Import (or import again) an uploaded sell-through file: after a killed worker, or to
re-run a failed upload once its cause is fixed (a missing outlet or SKU created)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roots.sellthrough.importing import CHUNK_ROWS
from roots.sellthrough.models import Upload
from roots.sellthrough.services import upload_import
from roots.sellthrough.tasks import import_upload_task


class Command(BaseCommand):
    help = (
        "Import the file of a sell-through upload into its feed, starting clean (what an "
        "earlier, interrupted attempt staged is deleted first). Importing a file again "
        "changes nothing that is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("upload_id", type=int, help="The upload's id.")
        parser.add_argument(
            "--chunk-rows",
            type=int,
            default=CHUNK_ROWS,
            help=f"Rows checked and staged per transaction (default {CHUNK_ROWS}).",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        upload_id = options["upload_id"]
        if not Upload.objects.all_unscoped().filter(pk=upload_id).exists():
            raise CommandError(f"no upload {upload_id}")
        if options["enqueue"]:
            result = import_upload_task.enqueue(upload_id)
            self.stdout.write(f"enqueued task {result.id}")
            return
        outcome = upload_import(upload_id=upload_id, chunk_rows=max(1, options["chunk_rows"]))
        self.stdout.write(
            f"upload {upload_id}: {outcome.status}; read {outcome.rows_read}, "
            f"rejected {outcome.rows_rejected}, added {outcome.rows_created}, "
            f"replaced {outcome.rows_updated}, unchanged {outcome.rows_unchanged}"
            + (f"; {outcome.message}" if outcome.message else "")
        )
        if outcome.status != "succeeded":
            raise CommandError(outcome.message or "the import failed")
