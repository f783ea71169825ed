"""Alert owners and branch managers of complaints near or past their deadline (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.service.services import complaint_check_deadlines
from roots.service.tasks import check_complaint_deadlines_task


class Command(BaseCommand):
    help = (
        "Mark and alert (once, to the owner and the branch manager) every open complaint whose "
        "response or resolution deadline is near or past."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_complaint_deadlines_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        found = complaint_check_deadlines()
        self.stdout.write(
            "checked {checked} complaints: {at_risk} due soon, {overdue} overdue, "
            "{alerted} alerted".format(**found)
        )
