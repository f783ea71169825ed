"""The HTML base (`roots/core/pages.py`): the helpers every page starts from."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from conftest import shared_personas
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.pages import (
    is_htmx,
    page_user,
    posted_version,
    run_service,
    scoped_object_or_404,
)
from roots.customers.models import Customer

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")


def _request(user=None, *, htmx: bool = False, restore: bool = False, post=None):
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if restore:
        headers["HX-History-Restore-Request"] = "true"
    factory = RequestFactory(headers=headers)
    request = factory.post("/", post) if post is not None else factory.get("/")
    request.user = user or AnonymousUser()
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    return request


def test_an_anonymous_caller_is_refused():
    with pytest.raises(PermissionDenied):
        page_user(_request())


@pytest.mark.django_db
def test_page_user_is_the_signed_in_user(personas):
    assert page_user(_request(personas.am_a)) == personas.am_a


@pytest.mark.django_db
def test_a_record_outside_the_scope_is_a_404(personas):
    request = _request(personas.am_a)
    code = personas.cust_a1.code
    assert scoped_object_or_404(Customer, request, code=code) == personas.cust_a1
    with pytest.raises(Http404):
        scoped_object_or_404(Customer, request, code=personas.cust_b1.code)
    # ... also through an unscoped queryset a view built itself.
    with pytest.raises(Http404):
        scoped_object_or_404(Customer.objects.all(), request, code=personas.cust_b1.code)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["C10\x000001", "C" * 101])
def test_a_lookup_no_record_can_have_is_a_404(personas, code):
    with pytest.raises(Http404):
        scoped_object_or_404(Customer, _request(personas.hq), code=code)


def test_htmx_wants_a_fragment_but_not_on_a_history_restore():
    assert not is_htmx(_request())
    assert is_htmx(_request(htmx=True))
    assert not is_htmx(_request(htmx=True, restore=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "template"),
    [
        ({}, "core/search.html"),
        ({"HTTP_HX_REQUEST": "true"}, "core/_search_results.html"),
        (
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
            "core/search.html",
        ),
    ],
)
def test_one_view_two_renderings(personas, client, headers, template):
    client.force_login(personas.hq)
    response = client.get(reverse("global-search"), {"q": "C1"}, **headers)
    assert response.templates[0].name == template
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("posted", "expected"), [({"version": "3"}, 3), ({"version": "x"}, None), ({}, None)]
)
def test_posted_version(posted, expected):
    assert posted_version(_request(post=posted)) == expected


class _Form(forms.Form):
    name = forms.CharField(required=False)


@pytest.mark.parametrize(
    ("error", "status", "field"),
    [
        (ValidationError({"name": "Taken."}), 400, "name"),
        (ConflictError("Not now."), 409, "__all__"),
        (PreconditionFailedError("Changed meanwhile."), 412, "__all__"),
    ],
)
def test_run_service_puts_the_refusal_on_the_form(error, status, field):
    form = _Form({})
    assert form.is_valid()

    def refuse():
        raise error

    assert run_service(form, refuse) == (None, status)
    assert field in form.errors


def test_run_service_answers_the_result():
    assert run_service(_Form({}), lambda: 42) == (42, 200)
