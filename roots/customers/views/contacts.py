"""Contacts: their page (with history), forms and deletion."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.core.exceptions import PreconditionFailedError
from roots.core.pages import page_user, posted_version
from roots.customers import policies, selectors, services
from roots.customers.forms import ContactForm
from roots.customers.models import Contact
from roots.customers.views.common import (
    check_editable,
    create_page,
    edit_page,
    editable_customer,
)

CONTACT_SECTIONS: list[tuple[str, Any, list[str]]] = [
    (
        "basics",
        gettext_lazy("Basics"),
        [
            "name",
            "name_en",
            "nickname",
            "gender",
            "title",
            "department",
            "is_decision_maker",
            "is_primary",
        ],
    ),
    ("contact", gettext_lazy("Contact information"), ["phone", "mobile", "email"]),
    (
        "personal",
        gettext_lazy("Personal profile"),
        [
            "birthday",
            "birthplace",
            "education",
            "personality",
            "hobbies",
            "preferences",
            "taboos",
            "anniversaries",
            "family",
            "notes",
        ],
    ),
]


# --- contacts --------------------------------------------------------------------------------
@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    contact = get_object_or_404(selectors.contact_list(user=user), pk=pk)
    return render(
        request,
        "customers/contact_detail.html",
        {
            "contact": contact,
            "history": selectors.contact_history(user=user, contact=contact),
            "profile_shown": not policies.contact_hidden_fields(user),
            "can_edit": policies.can_edit_customer(user, contact.customer),
        },
    )


@login_required
def contact_create(request: HttpRequest, code: str) -> HttpResponse:
    user = page_user(request)
    customer = editable_customer(request, code)
    form = ContactForm(request.POST or None, user=user)
    return create_page(
        request,
        form=form,
        create=lambda: services.contact_create(
            user=user, data={**form.cleaned_data, "customer": customer}
        ),
        added=lambda contact: _("Contact “%(name)s” added.") % {"name": contact.name},
        detail_url=lambda contact: reverse("contact-detail", args=[contact.pk]),
        template="customers/contact_form.html",
        sections=CONTACT_SECTIONS,
        customer=customer,
        contact=None,
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    contact = get_object_or_404(selectors.contact_list(user=user), pk=pk)
    check_editable(user, contact.customer)
    return edit_page(
        request,
        form=ContactForm(request.POST or None, instance=contact, user=user),
        current_version=contact.version,
        update=partial(services.contact_update, user=user, contact=contact),
        detail_url=reverse("contact-detail", args=[contact.pk]),
        saved_message=_("Contact “%(name)s” saved.") % {"name": contact.name},
        edit_url=reverse("contact-edit", args=[contact.pk]),
        template="customers/contact_form.html",
        sections=CONTACT_SECTIONS,
        customer=contact.customer,
        contact=contact,
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    contact: Contact = get_object_or_404(selectors.contact_list(user=user), pk=pk)
    check_editable(user, contact.customer)
    try:
        services.contact_delete(
            user=user, contact=contact, expected_version=posted_version(request)
        )
    except PreconditionFailedError as exc:
        messages.error(request, str(exc))
        return redirect("contact-detail", pk=contact.pk)
    messages.success(request, _("Contact “%(name)s” deleted.") % {"name": contact.name})
    return redirect(reverse("customer-detail", args=[contact.customer.code]) + "#contacts")
