"""Forget old notifications and old sent e-mail of the outbox (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.notifications.services import notifications_purge
from roots.notifications.tasks import purge_notifications_task


class Command(BaseCommand):
    help = (
        "Delete notifications read more than NOTIFICATIONS_KEEP_DAYS ago, unread ones older "
        "than NOTIFICATIONS_KEEP_UNREAD_DAYS, and outbox mail sent more than OUTBOX_KEEP_DAYS "
        "ago."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_notifications_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        done = notifications_purge()
        self.stdout.write(
            f"deleted {done['notifications']} notifications and {done['outbox']} sent e-mails"
        )
