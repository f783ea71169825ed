"""`manage.py seed_demo --scale {small,medium,haier} [--seed N] [--reset]`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from roots.customers.models import Customer
from roots.demo.seeder import SCALES, reset_demo_data, seed_demo


class Command(BaseCommand):
    """Load the deterministic demo data set.

    Does nothing (exit 0) when customers exist already, unless `--reset` is given, which
    first empties every table of the project (see `reset_demo_data`).
    """

    help = "Load deterministic demo data (provinces, branches, users, customers, outlets ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the database (all business data, users, history) before seeding.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: str = options["scale"]
        seed: int = options["seed"]
        quiet = options["verbosity"] == 0
        if options["reset"]:
            reset_demo_data()
            if not quiet:
                self.stdout.write("Emptied the database.")
        elif Customer.objects.all_unscoped().exists():
            self.stdout.write(
                "Demo data not loaded: the database has customers already "
                "(use --reset to empty it first)."
            )
            return
        if not quiet:
            self.stdout.write(f"Loading the {scale} demo data set (seed {seed}) ...")
        try:
            report = seed_demo(
                scale=scale, seed=seed, log=(lambda _m: None) if quiet else self.stdout.write
            )
        except (ValueError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Done in {report.seconds:.1f} s: {counts}."))
