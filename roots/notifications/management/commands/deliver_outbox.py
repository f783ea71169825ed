"""Send the e-mail still pending in the outbox (run every few minutes from cron): what a
worker did not send (it was down, killed, or the mail server failed and the back-off ran
out)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.notifications.services import outbox_deliver
from roots.notifications.tasks import deliver_outbox_task


class Command(BaseCommand):
    help = "Send every due e-mail of the outbox (at least once; failures back off)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = deliver_outbox_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        done = outbox_deliver()
        self.stdout.write(
            f"sent {done['sent']}, to retry {done['retried']}, given up {done['failed']}"
        )
