"""Helpers shared by the catalog pages: the reader and editor gates, fragments and the
submit cycle of the maintenance forms (service call, inline errors, toast)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from roots.catalog import policies
from roots.catalog.models import PRICE_ROLES, sees_catalog
from roots.core.pages import page_user, posted_version, run_service
from roots.org.models import Role, User

PAGE_SIZE = 25
M = TypeVar("M", bound=Model)


def catalog_reader(request: HttpRequest) -> User:
    user = page_user(request)
    if not sees_catalog(user):
        raise PermissionDenied(_("The catalog is for our staff and our customers."))
    return user


def sees_prices(user: User) -> bool:
    """Staff who sell and customer users see price pages (each record by its scope)."""
    return bool(user.is_authenticated and user.is_active) and (
        user.role in PRICE_ROLES or (user.role == Role.CUSTOMER_USER and bool(user.customer_id))
    )


def price_reader(request: HttpRequest) -> User:
    user = page_user(request)
    if not sees_prices(user):
        raise PermissionDenied(_("Prices are for our sales staff and our customers."))
    return user


def catalog_editor(request: HttpRequest) -> User:
    """The signed-in user, if the role keeps the catalog and prices (else 403)."""
    user = page_user(request)
    if not policies.can_edit_catalog(user):
        raise PermissionDenied(_("Headquarters and product managers keep the catalog."))
    return user


def editable_record(
    request: HttpRequest, records: Callable[..., QuerySet[M]], **lookup: Any
) -> tuple[User, M]:
    """The user and the record of `records(user=)` to change: 404 when it is out of the
    user's scope, then 403 unless the user keeps the catalog."""
    user = page_user(request)
    record = get_object_or_404(records(user=user), **lookup)
    catalog_editor(request)
    return user, record


@dataclass
class Submission:
    """What the POST half of a form page decided: a redirect on success, or the status to
    render the form with (400 bad input, 409 someone else's change meanwhile)."""

    redirect: HttpResponse | None = None
    status: int = 200
    version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def context(self, reload_url: str | None = None) -> dict[str, Any]:
        return {
            "version": self.version,
            "reload_url": reload_url if self.status == 409 else None,
            **self.extra,
        }


def submit(
    request: HttpRequest,
    *,
    form: Any,
    save: Callable[..., Any],
    success_url: Callable[[Any], str],
    message: Callable[[Any], str],
    version: int | None = None,
) -> Submission:
    """Run a create (`version` None) or edit form through its service. An edit sends only
    the changed fields with the version the user saw; service errors land on the fields."""
    if request.method != "POST":
        return Submission(version=version)
    editing = version is not None
    seen = (posted_version(request) or version) if editing else None
    if not form.is_valid():
        return Submission(status=400, version=seen)
    if editing:
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if not data:
            messages.info(request, _("Nothing was changed."))
            return Submission(redirect=redirect(success_url(None)), version=seen)
        call: Callable[[], Any] = lambda: save(data=data, expected_version=seen)  # noqa: E731
    else:
        data = dict(form.cleaned_data)
        call = lambda: save(data=data)  # noqa: E731
    record, status = run_service(form, call)
    if status != 200:
        # A stale version shows as a conflict, with the link to reload the record (409).
        return Submission(status=409 if status == 412 else status, version=seen)
    messages.success(request, message(record))
    return Submission(redirect=redirect(success_url(record)), version=seen)


def section(key: str, title: Any, form: Any, names: list[str]) -> dict[str, Any] | None:
    fields = [form[name] for name in names if name in form.fields]
    return {"key": key, "title": title, "fields": fields} if fields else None


def sections(form: Any, groups: list[tuple[str, Any, list[str]]]) -> list[dict[str, Any]]:
    """The form's fields grouped for display; fields the role may not set are absent."""
    found = [section(key, title, form, names) for key, title, names in groups]
    return [s for s in found if s is not None]


def form_page(
    request: HttpRequest,
    *,
    form: Any,
    groups: list[tuple[str, Any, list[str]]],
    title: str,
    crumbs: list[tuple[str, str]],
    cancel_url: str,
    status: int = 200,
    subtitle: str = "",
    **extra: Any,
) -> HttpResponse:
    """A record's form page (`catalog/record_form.html`): its sections, breadcrumbs, and a
    history panel when `history` is given."""
    return render(
        request,
        "catalog/record_form.html",
        {
            "form": form,
            "sections": sections(form, groups),
            "title": title,
            "subtitle": subtitle,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            "history_panel": "history" in extra,
            **extra,
        },
        status=status,
    )


def maintenance_page(
    request: HttpRequest,
    *,
    form: Any,
    save: Callable[..., Any],
    success_url: Callable[[Any], str],
    message: Callable[[Any], str],
    groups: list[tuple[str, Any, list[str]]],
    title: str,
    crumbs: list[tuple[str, str]],
    cancel_url: str,
    version: int | None = None,
    reload_url: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """A create (`version` None) or edit form page: the POST runs through `submit` and
    redirects on success; otherwise the form is shown (`form_page`) with its errors, and
    an edit page posts back the version seen (`reload_url` on a conflict)."""
    done = submit(
        request, form=form, save=save, success_url=success_url, message=message, version=version
    )
    if done.redirect:
        return done.redirect
    if version is not None:
        extra.update(done.context(reload_url))
    return form_page(
        request,
        form=form,
        groups=groups,
        title=title,
        crumbs=crumbs,
        cancel_url=cancel_url,
        status=done.status,
        **extra,
    )
