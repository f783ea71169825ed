"""Helpers shared by the customer-master views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from roots.core.pages import page_user, posted_version, run_service
from roots.customers import policies, selectors
from roots.customers.models import Customer


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


def editable_customer(request: HttpRequest, code: str) -> Customer:
    user = page_user(request)
    customer = get_object_or_404(selectors.customer_list(user=user), code=code)
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer's records."))
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
