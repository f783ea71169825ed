"""Life-cycles declared once.

A stateful aggregate (an order, a statement, a lead ...) declares its life in its app's
`lifecycles.py`: its states, and per step the name, the source states, the target, the
timestamp it stamps, who may take it, the input it takes, its effects and its timeline event.
Everything else is derived here from that one declaration:

- `Lifecycle.take()`, the one transition service. In one transaction: the scope (404), who may
  (403, or 409 where the declaration says a role asks out of turn), the row lock and the
  client's version (412), the source state (409, code `invalid_transition`, one standard
  message unless the declaration words it), the input (400), the effects, the stamp, the
  version, the history user, the event and its notifications (queued by the event, delivered
  after commit);
- `Lifecycle.actions()`, the steps a user may take now: the buttons of a page and the
  `allowed_actions` of every API record (`AllowedActionsField`);
- `LifecycleViewSetMixin`, one DRF action per step with its OpenAPI schema;
- `Lifecycle.page_view()`, the one HTML endpoint that takes a step from a form post;
- `Lifecycle.routes()`, the rows the access matrices check;
- `Lifecycle.mermaid()`, the state diagram (`manage.py lifecycle_diagrams` writes
  `docs/lifecycles.md`, and `--check` fails CI when it is stale).

A step that does more than change the state (accepting a quote creates an order; converting a
lead creates a customer) keeps the checks and names a `handler`, the escape hatch that does
the rest of the work inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.pages import page_user, posted_version
from roots.core.services import lock_for_update, record_history_user

if TYPE_CHECKING:  # core imports no app (docs/architecture.md, "Layering")
    from roots.org.models import User

M = TypeVar("M", bound=models.Model)
# A refusal: the exception to raise (PermissionDenied, ConflictError ...), or None to allow.
Refusal = Exception | None

INVALID_TRANSITION = "invalid_transition"


@dataclass
class StepContext(Generic[M]):
    """What a step's effects see: the caller, the record (locked, still in its previous
    state until the stamp is written), the step, its cleaned input and the previous state."""

    user: User
    obj: M
    step: Step
    data: dict[str, Any]
    previous: str
    result: Any = None


@dataclass(frozen=True)
class Step:
    """One step of a life-cycle.

    `roles`: the roles that may take it (None: anyone the lifecycle's `may` allows). `refuse`
    words a role refusal of this life-cycle (403 by default). `guard` refuses a step the
    states alone allow (an extra business rule: a made-to-order order cannot be allocated
    before production ends). `clean` validates the input (raises ValidationError) and answers
    the cleaned data. `effect` runs on the locked record before it is saved, `after` once it
    is saved (then the effects apps above add with `Lifecycle.also_after`: an invoice for a
    shipment), `event` last (timeline, notifications). `handler`, the escape hatch,
    replaces stamp/save: it gets the context and answers the result.
    """

    name: str
    sources: tuple[str, ...]
    target: str | None
    label: str | Promise = ""
    stamp: str | None = None
    roles: frozenset[str] | None = None
    guard: Callable[[User, Any], Refusal] | None = None
    clean: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    effect: Callable[[StepContext[Any]], None] | None = None
    after: Callable[[StepContext[Any]], None] | None = None
    event: Callable[[StepContext[Any]], None] | None = None
    handler: Callable[[StepContext[Any]], Any] | None = None
    # The API: the request body's serializer (schema and parsing) and the action's doc.
    input: Any = None
    description: str = ""
    url_path: str | None = None
    # The page: the button's icon and Tabler class; a step that needs a form (a reason)
    # shows its own form instead of a one-click button.
    icon: str = ""
    css: str = "btn"
    needs_form: bool = False
    # Who may take it, in words, where `roles` does not say it all (docs/lifecycles.md).
    who: str = ""
    # False: a step only the system takes (a daily sweep), with no API action or page.
    endpoint: bool = True


def standard_state_refusal(lifecycle: Lifecycle[Any], obj: Any, step: Step) -> ConflictError:
    """The one message for a step out of turn."""
    return ConflictError(
        _("%(object)s is %(status)s: “%(step)s” is not possible now.")
        % {
            "object": lifecycle.describe(obj),
            "status": lifecycle.state_label(lifecycle.state_of(obj)).lower(),
            "step": str(step.label or step.name).lower(),
        },
        code=INVALID_TRANSITION,
    )


class Lifecycle(Generic[M]):
    """The declaration of one aggregate's life (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str,
        model: type[M],
        states: type[models.TextChoices],
        steps: Iterable[Step],
        field: str = "status",
        initial: str | None = None,
        may: Callable[[User, Any, Step], Refusal] | None = None,
        state_refusal: Callable[[User, Any, Step], Refusal] | None = None,
        scope: Callable[[User], Any] | None = None,
        describe: Callable[[Any], str] | None = None,
        versioned: bool | None = None,
        api_basename: str | None = None,
        page_url: Callable[[Any], str] | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.states = states
        self.field = field
        self.initial = initial
        self.steps: dict[str, Step] = {}
        for step in steps:
            if step.name in self.steps:
                raise ValueError(f"{name}: step {step.name!r} declared twice")
            for state in (*step.sources, *([step.target] if step.target else [])):
                if state not in states.values:
                    raise ValueError(f"{name}.{step.name}: unknown state {state!r}")
            self.steps[step.name] = step
        self._may = may
        self._state_refusal = state_refusal
        self._scope = scope
        self._describe = describe
        self.versioned = (
            versioned
            if versioned is not None
            else any(f.name == "version" for f in model._meta.fields)
        )
        self.api_basename = api_basename
        self._page_url = page_url
        self._also_after: dict[str, list[Callable[[StepContext[Any]], None]]] = {}
        REGISTRY[name] = self

    def also_after(self, step: str, effect: Callable[[StepContext[Any]], None]) -> None:
        """Add the work of an app above this one to a step: it runs in the step's
        transaction, after the step's own `after` and before its event. An app may not
        import the apps above it (docs/architecture.md, "Layering"), so finance, not the
        order's declaration, says that a shipped order is invoiced (from its AppConfig)."""
        if step not in self.steps:
            raise ValueError(f"{self.name}: no step {step!r}")
        effects = self._also_after.setdefault(step, [])
        if effect not in effects:
            effects.append(effect)

    # -- reading the declaration
    def __iter__(self) -> Any:
        return iter(self.steps.values())

    def step(self, name: str) -> Step:
        try:
            return self.steps[name]
        except KeyError:
            unknown = ValidationError(_("Unknown action."), code="unknown_action")
            raise ValidationError({"action": [unknown]}) from None

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def describe(self, obj: Any) -> str:
        if self._describe is not None:
            return self._describe(obj)
        return str(obj)

    def scoped(self, user: User) -> Any:
        if self._scope is not None:
            return self._scope(user)
        return self.model._default_manager.visible_to(user)  # type: ignore[attr-defined]

    def terminal_states(self) -> list[str]:
        """States no step leaves."""
        left = {s for step in self.steps.values() for s in step.sources}
        return [s for s in self.states.values if s not in left]

    # -- the rules
    def role_refusal(self, user: User, obj: Any, step: Step) -> Refusal:
        if not user.is_authenticated or not user.is_active:
            return PermissionDenied()
        if self._may is not None:
            return self._may(user, obj, step)
        if step.roles is not None and user.role not in step.roles:
            return PermissionDenied(_("You may not do this."))
        return None

    def state_refusal(self, user: User, obj: Any, step: Step) -> Refusal:
        if self._state_refusal is not None:
            refusal = self._state_refusal(user, obj, step)
            if refusal is not None:
                return refusal
        elif self.state_of(obj) not in step.sources:
            return standard_state_refusal(self, obj, step)
        if step.guard is not None:
            return step.guard(user, obj)
        return None

    def actions(self, user: User, obj: Any) -> list[str]:
        """The steps `user` may take on `obj` now, in declaration order."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return []
        return [
            step.name
            for step in self.steps.values()
            if self.role_refusal(user, obj, step) is None
            and self.state_refusal(user, obj, step) is None
        ]

    # -- the transition service
    def take(
        self,
        *,
        user: User,
        obj: M,
        step: str | Step,
        data: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
    ) -> Any:
        """Take one step, in one transaction. Answers the saved record, or what the step's
        handler answers."""
        with transaction.atomic():
            return self._take(
                user=user,
                obj=obj,
                step=step if isinstance(step, Step) else self.step(step),
                data=dict(data or {}),
                expected_version=expected_version,
            )

    def _take(
        self,
        *,
        user: User,
        obj: M,
        step: Step,
        data: dict[str, Any],
        expected_version: int | None,
    ) -> Any:
        if not self.scoped(user).filter(pk=obj.pk).exists():
            raise Http404
        refusal = self.role_refusal(user, obj, step)
        if refusal is not None:
            raise refusal
        locked = self._lock(obj, expected_version)
        refusal = self.state_refusal(user, locked, step)
        if refusal is not None:
            raise refusal
        cleaned = step.clean(data) if step.clean is not None else data
        context: StepContext[M] = StepContext(
            user=user, obj=locked, step=step, data=cleaned, previous=self.state_of(locked)
        )
        if step.effect is not None:
            step.effect(context)
        if step.handler is not None:
            context.result = step.handler(context)
        else:
            if step.target is not None:
                setattr(locked, self.field, step.target)
            if step.stamp:
                setattr(locked, step.stamp, timezone.now())
            if self.versioned:
                locked.version += 1  # type: ignore[attr-defined]
            record_history_user(locked, user)
            locked.save()
            context.result = locked
        if step.after is not None:
            step.after(context)
        for effect in self._also_after.get(step.name, ()):
            effect(context)
        if step.event is not None:
            step.event(context)
        return context.result

    def _lock(self, obj: M, expected_version: int | None) -> M:
        if self.versioned:
            # (`versioned`: the model is a `VersionedModel`, which the type of M does not say)
            return lock_for_update(instance=obj, expected_version=expected_version)  # type: ignore[type-var]
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if expected_version is not None:
            raise PreconditionFailedError(_("This record has no version to check."))
        return locked

    # -- derived artefacts
    def buttons(self, actions: Iterable[str]) -> list[dict[str, str]]:
        """The one-click buttons of a page for the allowed `actions`."""
        return [
            {
                "action": step.name,
                "label": str(step.label or step.name),
                "icon": step.icon,
                "css": step.css,
            }
            for name in actions
            if (step := self.steps.get(name)) is not None and not step.needs_form
        ]

    def routes(self) -> list[tuple[str, str]]:
        """(step, URL name of its API action) for the access matrices."""
        if not self.api_basename:
            return []
        return [
            (step.name, f"{self.api_basename}-{(step.url_path or step.name).replace('_', '-')}")
            for step in self.steps.values()
            if step.endpoint
        ]

    def mermaid(self) -> str:
        """The state diagram in Mermaid syntax."""
        lines = ["stateDiagram-v2"]
        if self.initial:
            lines.append(f"    [*] --> {self.initial}")
        for step in self.steps.values():
            if step.target is None:
                continue
            for source in step.sources:
                lines.append(f"    {source} --> {step.target}: {step.name}")
        for state in self.terminal_states():
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines)

    def page_view(
        self,
        *,
        lookup: str = "pk",
        respond: Callable[[HttpRequest, Any, bool, str], HttpResponse] | None = None,
        success: Callable[[Any, Step], str] | None = None,
        fields: Iterable[str] = (),
        extra: Mapping[str, Callable[[HttpRequest, Any], HttpResponse]] | None = None,
        on_refusal: Callable[[HttpRequest, Any, Exception, str], HttpResponse] | None = None,
    ) -> Callable[..., HttpResponse]:
        """The HTML endpoint `<record>/<action>/` (POST): takes the step from the form (the
        posted `version` is checked) and answers with `respond(request, record, ok, action)`
        (default: back to the record's page), the outcome as a message. One error
        convention: out of scope 404, a role without the right 403 (the error page), every
        other refusal (409, 412, 400) a message on the page the user comes back to.
        The form fields read are `fields` (`name*`: every field with that prefix), or else
        those of the step's declared input.
        `extra` maps actions that are not steps (a note) to their own handlers;
        `on_refusal(request, record, error, action)`, when given, answers a 409/412/400 refusal
        itself (a form re-rendered with its errors and the status `refusal_status(error)`
        gives) instead of the message."""
        wanted = tuple(fields)
        extras = dict(extra or {})

        @login_required
        @require_POST
        def view(request: HttpRequest, action: str, **kwargs: Any) -> HttpResponse:
            user = page_user(request)
            value = kwargs.get(lookup)
            obj = self.scoped(user).filter(**{lookup: value}).first()
            if obj is None:
                raise Http404
            if action in extras:
                return extras[action](request, obj)
            if action not in self.steps or not self.steps[action].endpoint:
                raise Http404
            step = self.steps[action]
            data = _posted(request, wanted or _input_fields(step))
            ok = False
            try:
                result = self.take(
                    user=user,
                    obj=obj,
                    step=step,
                    data=data,
                    expected_version=posted_version(request),
                )
                ok = True
                messages.success(
                    request,
                    success(result, step)
                    if success is not None
                    else _("%(object)s is now %(status)s.")
                    % {
                        "object": self.describe(result),
                        "status": self.state_label(self.state_of(result)).lower(),
                    },
                )
                obj = result if isinstance(result, self.model) else obj
            except (ConflictError, PreconditionFailedError, ValidationError) as exc:
                if on_refusal is not None:  # a page that re-renders its form with the errors
                    return on_refusal(request, obj, exc, action)
                said = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                messages.error(request, " ".join(said))
            if respond is not None:
                return respond(request, obj, ok, action)
            if self._page_url is None:
                raise ImproperlyConfiguredLifecycle(self.name)
            return redirect(self._page_url(obj))

        view.lifecycle = self  # type: ignore[attr-defined]
        return view


def refusal_status(error: Exception) -> int:
    """The HTTP status of a refused step: 400 bad input, 409 not now, 412 stale version."""
    if isinstance(error, PreconditionFailedError):
        return 412
    if isinstance(error, ConflictError):
        return 409
    return 400


def _posted(request: HttpRequest, names: Iterable[str]) -> dict[str, str]:
    """The posted values of `names`; a name ending in `*` takes every field it prefixes
    (`warehouse_*`: one field per order line)."""
    data: dict[str, str] = {}
    for name in names:
        if name.endswith("*"):
            prefix = name[:-1]
            data.update({k: str(v) for k, v in request.POST.items() if k.startswith(prefix)})
        elif name in request.POST:
            data[name] = request.POST.get(name, "")
    return data


def _input_fields(step: Step) -> tuple[str, ...]:
    """The names of the step's declared input (its serializer's fields)."""
    if step.input is None:
        return ()
    return tuple(step.input().fields)


class ImproperlyConfiguredLifecycle(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"lifecycle {name!r}: page_view needs `respond` or `page_url`")


REGISTRY: dict[str, Lifecycle[Any]] = {}


def all_lifecycles() -> list[Lifecycle[Any]]:
    """Every declared life-cycle (the apps' `lifecycles` modules are imported by their
    AppConfig.ready, or here)."""
    import importlib

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "lifecycles"):
            importlib.import_module(f"{config.name}.lifecycles")
    return sorted(REGISTRY.values(), key=lambda lc: lc.name)
