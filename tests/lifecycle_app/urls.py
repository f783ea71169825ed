"""The site's URLs plus the test app's: a viewset that names the life-cycle, and the one
page endpoint. No code per step."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, serializers
from rest_framework.routers import SimpleRouter

from roots.core.api import RetrieveWithETagMixin, ScopedModelViewSet
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from tests.lifecycle_app.lifecycles import TASK
from tests.lifecycle_app.models import Task


class TaskSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField(TASK)

    class Meta:
        model = Task
        fields = ["id", "title", "status", "version", "outcome", "allowed_actions"]


class TaskViewSet(
    LifecycleViewSetMixin, RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet
):
    model = Task
    serializer_class = TaskSerializer
    lifecycle = TASK


router = SimpleRouter()
router.register("test-tasks", TaskViewSet, basename="test-task")

urlpatterns: list[Any] = [
    path("api/v1/", include(router.urls)),
    path("api/v1/test-schema/", SpectacularAPIView.as_view(), name="test-schema"),
    path("test-tasks/<int:pk>/<slug:action>/", TASK.page_view(), name="test-task-step"),
    path("", include("roots.urls")),
]
