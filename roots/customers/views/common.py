"""Helpers shared by the customer-master views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from roots.core.pages import page_user, posted_version, run_service
from roots.customers import policies, selectors
from roots.customers.models import Customer
from roots.org.models import User


def sectioned(form: BaseForm, sections: list[tuple[str, Any, list[str]]]) -> list[dict[str, Any]]:
    """The form's fields grouped for display; fields the role may not set are absent."""
    grouped = []
    for key, title, names in sections:
        fields = [form[name] for name in names if name in form.fields]
        if fields:
            grouped.append({"key": key, "title": title, "fields": fields})
    return grouped


def changed_values(form: BaseForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data}


def check_editable(user: User, customer: Customer) -> None:
    """Refuse (403) a change to the records of a customer `user` may not edit."""
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer's records."))


def editable_customer(request: HttpRequest, code: str) -> Customer:
    user = page_user(request)
    customer = get_object_or_404(selectors.customer_list(user=user), code=code)
    check_editable(user, customer)
    return customer


@dataclass
class EditSubmission:
    """What the POST half of an edit page decided: where to go on success, the version to
    post back with the form, and whether someone else changed the record meanwhile."""

    redirect: HttpResponse | None
    version: int
    conflict: bool

    def context(self, edit_url: str) -> dict[str, Any]:
        return {"version": self.version, "reload_url": edit_url if self.conflict else None}

    @property
    def status(self) -> int:
        return 409 if self.conflict else 200


def submit_edit(
    request: HttpRequest,
    *,
    form: Any,
    current_version: int,
    update: Callable[..., Any],
    detail_url: str,
    saved_message: str,
) -> EditSubmission:
    """Run an edit form through its service: only the changed fields are sent, with the
    version the user saw as `expected_version`; service errors land on the form's fields."""
    if request.method != "POST":
        return EditSubmission(None, current_version, False)
    version = posted_version(request) or current_version
    if not form.is_valid():
        return EditSubmission(None, version, False)
    data = changed_values(form)
    if not data:
        messages.info(request, _("Nothing was changed."))
        return EditSubmission(redirect(detail_url), version, False)
    _saved, status = run_service(form, lambda: update(data=data, expected_version=version))
    if status == 200:
        messages.success(request, saved_message)
        return EditSubmission(redirect(detail_url), version, False)
    # Someone else's change meanwhile (or a refusal in the record's state) is a conflict.
    return EditSubmission(None, version, status in (409, 412))


def create_page(
    request: HttpRequest,
    *,
    form: Any,
    create: Callable[[], Any],
    added: Callable[[Any], str],
    detail_url: Callable[[Any], str],
    template: str,
    sections: list[tuple[str, Any, list[str]]],
    **context: Any,
) -> HttpResponse:
    """A create form page: a valid POST runs `create()` (the service, with the form's
    values) and goes to the new record's page; service errors land on the form's fields."""
    if request.method == "POST" and form.is_valid():
        try:
            record = create()
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, added(record))
            return redirect(detail_url(record))
    return render(
        request, template, {"form": form, "sections": sectioned(form, sections), **context}
    )


def edit_page(
    request: HttpRequest,
    *,
    form: Any,
    current_version: int,
    update: Callable[..., Any],
    detail_url: str,
    saved_message: str,
    edit_url: str,
    template: str,
    sections: list[tuple[str, Any, list[str]]],
    **context: Any,
) -> HttpResponse:
    """An edit form page: the POST goes through `submit_edit`; the form is shown again with
    its errors, the version seen and, after someone else's change, the link to reload."""
    submission = submit_edit(
        request,
        form=form,
        current_version=current_version,
        update=update,
        detail_url=detail_url,
        saved_message=saved_message,
    )
    if submission.redirect:
        return submission.redirect
    return render(
        request,
        template,
        {
            "form": form,
            "sections": sectioned(form, sections),
            **context,
            **submission.context(edit_url),
        },
        status=submission.status,
    )
