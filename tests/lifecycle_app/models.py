from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models

from roots.core.models import ScopedQuerySet, VersionedModel

if TYPE_CHECKING:
    from roots.org.models import User


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    STARTED = "started", "Started"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class TaskQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Headquarters see every task; anyone else the tasks they own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == "hq_admin":
            return self.all()
        return self.filter(owner_id=user.pk)


class Task(VersionedModel):
    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        app_label = "lifecycle_app"
