"""Helpers shared by the customer-master views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from roots.customers import policies, selectors
from roots.customers.models import Customer
from roots.org.models import User


def request_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def sectioned(form: BaseForm, sections: list[tuple[str, Any, list[str]]]) -> list[dict[str, Any]]:
    """The form's fields grouped for display; fields the role may not set are absent."""
    grouped = []
    for key, title, names in sections:
        fields = [form[name] for name in names if name in form.fields]
        if fields:
            grouped.append({"key": key, "title": title, "fields": fields})
    return grouped


def posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def changed_values(form: BaseForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data}


def editable_customer(request: HttpRequest, code: str) -> Customer:
    user = request_user(request)
    customer = get_object_or_404(selectors.customer_list(user=user), code=code)
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer's records."))
    return customer
