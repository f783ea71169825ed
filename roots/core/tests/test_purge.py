from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import shared_personas
from roots.core.models import IdempotencyRecord
from roots.core.services import idempotency_purge

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _record(user, key, *, status_code, age):
    record = IdempotencyRecord.objects.create(
        user=user,
        key=key,
        method="POST",
        path="/api/v1/customers/",
        request_hash="x",
        status_code=status_code,
        response_body=None,
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)


def test_purge_forgets_old_answers_and_abandoned_reservations_only(personas):
    _record(personas.hq, "old-answer", status_code=201, age=timedelta(hours=25))
    _record(personas.hq, "fresh-answer", status_code=201, age=timedelta(hours=1))
    _record(personas.hq, "dead-pending", status_code=0, age=timedelta(minutes=30))
    _record(personas.hq, "live-pending", status_code=0, age=timedelta(minutes=1))

    assert idempotency_purge() == 2
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {
        "fresh-answer",
        "live-pending",
    }


def test_purge_command_runs_inline_and_as_a_task(personas):
    _record(personas.hq, "old-answer", status_code=201, age=timedelta(hours=48))
    call_command("purge_idempotency", "--enqueue")  # the immediate backend in tests
    assert not IdempotencyRecord.objects.exists()
    call_command("purge_idempotency")
