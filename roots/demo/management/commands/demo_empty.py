"""`manage.py demo_empty`: prints "empty" when there are no customers, else "loaded"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from roots.customers.models import Customer


class Command(BaseCommand):
    """Tell the Makefile whether the demo data set still has to be loaded."""

    help = 'Print "empty" if the database has no customers, otherwise "loaded".'

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = Customer.objects.all_unscoped().exists()
        self.stdout.write("loaded" if loaded else "empty")
