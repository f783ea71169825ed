"""Start again the sell-through imports whose worker died (run it every 15 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from roots.sellthrough.services import uploads_resume_stale
from roots.sellthrough.tasks import resume_stale_imports_task


class Command(BaseCommand):
    help = (
        "Enqueue again every sell-through import still 'running' with no progress for 30 "
        "minutes (its worker was killed); after three attempts the upload fails instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = resume_stale_imports_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        with transaction.atomic():
            resumed = uploads_resume_stale()
        self.stdout.write(f"resumed {len(resumed)} import(s): {resumed}")
