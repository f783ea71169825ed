"""Outlets: their page (with history and map) and forms."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.core.pages import page_user
from roots.core.selectors import history_entries
from roots.customers import policies, selectors, services
from roots.customers.forms import OutletForm
from roots.customers.views.common import (
    check_editable,
    create_page,
    edit_page,
    editable_customer,
)

OUTLET_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Basics"), ["name", "format", "is_active", "opened_on", "floor_area"]),
    (
        "location",
        gettext_lazy("Location"),
        ["province", "city", "address", "latitude", "longitude"],
    ),
]


@login_required
def outlet_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = page_user(request)
    outlet = get_object_or_404(selectors.outlet_list(user=user), code=code)
    point = None
    if outlet.latitude is not None and outlet.longitude is not None:
        point = {
            "title": _("Outlet"),
            "items": [
                {
                    "name": outlet.code,
                    "lng": float(outlet.longitude),
                    "lat": float(outlet.latitude),
                    "label": outlet.name,
                }
            ],
        }
    return render(
        request,
        "customers/outlet_detail.html",
        {
            "outlet": outlet,
            "point": point,
            "history": history_entries(instance=outlet),
            "can_edit": policies.can_edit_customer(user, outlet.customer),
        },
    )


@login_required
def outlet_create(request: HttpRequest, code: str) -> HttpResponse:
    user = page_user(request)
    customer = editable_customer(request, code)
    form = OutletForm(request.POST or None, user=user)
    return create_page(
        request,
        form=form,
        create=lambda: services.outlet_create(
            user=user, data={**form.cleaned_data, "customer": customer}
        ),
        added=lambda outlet: _("Outlet “%(name)s” added.") % {"name": outlet.name},
        detail_url=lambda outlet: reverse("outlet-detail", args=[outlet.code]),
        template="customers/outlet_form.html",
        sections=OUTLET_SECTIONS,
        customer=customer,
        outlet=None,
    )


@login_required
def outlet_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = page_user(request)
    outlet = get_object_or_404(selectors.outlet_list(user=user), code=code)
    check_editable(user, outlet.customer)
    return edit_page(
        request,
        form=OutletForm(request.POST or None, instance=outlet, user=user),
        current_version=outlet.version,
        update=partial(services.outlet_update, user=user, outlet=outlet),
        detail_url=reverse("outlet-detail", args=[outlet.code]),
        saved_message=_("Outlet “%(name)s” saved.") % {"name": outlet.name},
        edit_url=reverse("outlet-edit", args=[outlet.code]),
        template="customers/outlet_form.html",
        sections=OUTLET_SECTIONS,
        customer=outlet.customer,
        outlet=outlet,
    )
