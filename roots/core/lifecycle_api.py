"""The API side of a declared life-cycle (`roots.core.lifecycle`): one DRF action per step,
with its OpenAPI schema, and the `allowed_actions` of every record.

A viewset names its `lifecycle`; `LifecycleViewSetMixin` then adds, when the class is
created, a `POST <record>/<step>/` action for every step it does not write by hand
(`hand_written_steps`, for the irregular ones). The action parses the step's `input`
serializer, takes the step through `Lifecycle.take()` with the `If-Match` version, and answers
the record as the viewset's detail serializer shows it, with its ETag.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import IF_MATCH_PARAMETER, ErrorSerializer, ScopedMixinBase, request_user
from roots.core.lifecycle import Lifecycle, Step


class AllowedActionsField(serializers.ListField):
    """The steps the caller may take on the record now (`Lifecycle.actions`)."""

    def __init__(self, lifecycle: Lifecycle[Any], **kwargs: Any) -> None:
        self.lifecycle = lifecycle
        kwargs.setdefault("help_text", "The steps you may take on this record now.")
        super().__init__(child=serializers.CharField(), read_only=True, source="*", **kwargs)

    def to_representation(self, value: Any) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return self.lifecycle.actions(request.user, value)


def _make_action(lifecycle: Lifecycle[Any], step: Step, answer: Any) -> Any:
    def take_step(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        user = request_user(request)
        # Who may take the step is answered before its body is read.
        refusal = lifecycle.role_refusal(user, obj, step)
        if refusal is not None:
            raise refusal
        data: dict[str, Any] = {}
        if step.input is not None:
            body = step.input(data=request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        result = lifecycle.take(
            user=user,
            obj=obj,
            step=step,
            data=data,
            expected_version=self.expected_version(),
        )
        response: Response = self.lifecycle_answer(result, step)
        return response

    take_step.__name__ = step.name
    take_step.__doc__ = step.description or f"Take the step “{step.name}”."
    responses: dict[int, Any] = {
        200: answer,
        409: OpenApiResponse(
            response=ErrorSerializer,
            description="The step is not possible now (nothing changed).",
        ),
    }
    if lifecycle.versioned:
        responses[412] = ErrorSerializer
    schema = extend_schema(
        request=step.input,
        responses=responses,
        description=take_step.__doc__,
        parameters=[IF_MATCH_PARAMETER] if lifecycle.versioned else [],
    )
    return schema(
        action(detail=True, methods=["post"], url_path=step.url_path or step.name)(take_step)
    )


class LifecycleViewSetMixin(ScopedMixinBase):
    """Generates the step actions of `lifecycle` (see the module docstring)."""

    lifecycle: ClassVar[Lifecycle[Any] | None] = None
    hand_written_steps: ClassVar[tuple[str, ...]] = ()
    # The serializer of the answer (default: the viewset's `serializer_class`).
    lifecycle_answer_serializer: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        lifecycle = cls.__dict__.get("lifecycle")
        if lifecycle is None:
            return
        answer = cls.lifecycle_answer_serializer or getattr(cls, "serializer_class", None)
        for step in lifecycle:
            if (
                not step.endpoint
                or step.name in cls.hand_written_steps
                or step.name in cls.__dict__
            ):
                continue
            setattr(cls, step.name, _make_action(lifecycle, step, answer))

    def lifecycle_answer(self, result: Any, step: Step) -> Response:
        """The record after the step, re-read through the caller's scope, with its ETag."""
        lifecycle = type(self).lifecycle
        if not (lifecycle is not None):
            raise AssertionError("lifecycle is not None")
        obj = result if isinstance(result, lifecycle.model) else self.get_object()
        fresh = self.get_queryset().get(pk=obj.pk)
        serializer_class = type(self).lifecycle_answer_serializer or self.serializer_class
        if serializer_class is None:
            raise AssertionError("the viewset has a serializer_class")
        response = Response(
            serializer_class(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )
        return self.with_etag(response, fresh)
