"""The HTML base: what every page of every app starts from.

NetBox's generic views in a handful of functions, so that a page cannot drift from the
others (or from the API) in who it answers, what it shows and how it fails:

- `page_user(request)`: the signed-in user, typed (pages sit behind `login_required`);
- `scoped_object_or_404(rows, request, **lookup)`: one record through `visible_to`, 404
  outside the user's scope, for a value no record can have too;
- `is_htmx(request)` and `render_page(...)`: one view, two renderings (the page, or its
  fragment for htmx), with `Vary: HX-Request`;
- `posted_version(request)`: the record version an edit form posts back (`If-Match`);
- `run_service(form, call)`: a service call with its refusals on the form, as the status
  to render it with (400 bad input, 409 not allowed now, 412 changed meanwhile).

Lists export through `roots.core.export` (`xlsx_response`), from the same scoped, filtered
rows as the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from roots.core.exceptions import ConflictError, PreconditionFailedError, add_service_errors
from roots.core.models import ScopedQuerySet

if TYPE_CHECKING:  # core imports no app (docs/architecture.md, "Layering")
    from roots.org.models import User

M = TypeVar("M", bound=Model)

# No record has a key this long or with NUL in it (PostgreSQL refuses NUL in a text
# parameter: a 500 instead of a 404).
MAX_LOOKUP_CHARS = 100


def page_user(request: HttpRequest) -> User:
    """The signed-in user of a page. Pages sit behind `login_required`, so an anonymous
    caller never gets here; should one, it is refused (403), never served."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user


def scoped_object_or_404(rows: type[M] | QuerySet[M], request: HttpRequest, **lookup: Any) -> M:
    """The one record of `rows` (a model, or a queryset such as a selector's) that `lookup`
    names, inside the user's scope: `visible_to` is applied unless the queryset was scoped
    for this user already. Outside the scope, missing, or named by a value no record can
    have: 404."""
    for value in lookup.values():
        if isinstance(value, str) and ("\x00" in value or len(value) > MAX_LOOKUP_CHARS):
            raise Http404
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} rows have no `visible_to` to scope them")
    scoped: ScopedQuerySet[M] = queryset  # (mypy's `isinstance` loses the model type)
    return get_object_or_404(scoped.scoped_for(page_user(request)), **lookup)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx asks for a fragment: an htmx request, but not a history restore (a
    back button after the cache expired), which wants the whole page."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    fragment: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    partial: bool | None = None,
) -> HttpResponse:
    """One view, two renderings: `template` (the page), or `fragment` (the part that htmx
    swaps in) when `partial` (by default: when `is_htmx`). The answer varies on
    `HX-Request`, so no cache mixes the two up."""
    if partial is None:
        partial = is_htmx(request)
    response = render(request, fragment if partial else template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def posted_version(request: HttpRequest) -> int | None:
    """The record version an edit form posted back (the version the user saw), or None
    when it posted none or garbage."""
    try:
        return int(request.POST.get("version", ""))
    except (TypeError, ValueError):
        return None


def run_service(form: forms.BaseForm, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a valid form: `(result, 200)`, or `(None, status)` with the
    service's complaint on the form: its `ValidationError` on the fields it names (400), a
    refusal in the record's state (409) or a stale version (412) at the top. A form that
    places a service's errors itself (`form.add_service_errors(exc)`) is left to do so."""
    try:
        return call(), 200
    except ValidationError as exc:
        own = getattr(form, "add_service_errors", None)
        if callable(own):
            own(exc)
        else:
            add_service_errors(form, exc)
        return None, 400
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return None, 409
    except PreconditionFailedError as exc:
        form.add_error(None, str(exc))
        return None, 412
