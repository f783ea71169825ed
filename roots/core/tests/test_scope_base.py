"""The API base applies the scope after any `get_queryset` override (STYLE.md habit 16): a
viewset that forgets `visible_to` still answers 404 for, and leaves out, rows outside the
caller's scope; a queryset scoped already is not joined twice."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import mixins
from rest_framework.test import APIRequestFactory, force_authenticate

from conftest import shared_personas
from roots.api_urls import router
from roots.core.api import ScopedModelViewSet, ScopedViewSetMixin
from roots.customers.api import CustomerSerializer
from roots.customers.models import Customer

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


class ForgetfulCustomerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet
):
    """A viewset whose own queryset forgets the scope."""

    model = Customer
    serializer_class = CustomerSerializer
    lookup_field = "code"
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> Any:
        return Customer.objects.all()


def _get(user: Any, action: str, **kwargs: Any) -> Any:
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=user)
    return ForgetfulCustomerViewSet.as_view({"get": action})(request, **kwargs)


def test_list_leaves_out_rows_outside_the_scope(personas):
    response = _get(personas.am_a, "list")
    assert response.status_code == 200
    assert [row["code"] for row in response.data] == [personas.cust_a1.code]


def test_record_outside_the_scope_answers_404(personas):
    assert _get(personas.am_a, "retrieve", code=personas.cust_a1.code).status_code == 200
    assert _get(personas.am_a, "retrieve", code=personas.cust_b1.code).status_code == 404
    assert _get(personas.cu_b1, "retrieve", code=personas.cust_a1.code).status_code == 404


def test_a_scoped_queryset_is_not_scoped_twice(personas):
    scoped = Customer.objects.visible_to(personas.am_a).filter(name__contains="青岛")
    assert scoped.scoped_for(personas.am_a) is scoped
    # ... but it is for another user, whose scope it was not made for.
    rescoped = scoped.scoped_for(personas.am_b)
    assert rescoped is not scoped
    assert not rescoped.exists()


def test_a_union_with_unscoped_rows_is_scoped_again(personas):
    scoped = Customer.objects.visible_to(personas.am_a)
    union = scoped | Customer.objects.filter(code=personas.cust_b1.code)
    assert list(union.scoped_for(personas.am_a)) == [personas.cust_a1]
    both = scoped | Customer.objects.visible_to(personas.am_a)
    assert both.scoped_for(personas.am_a).query is both.query


def test_every_routed_viewset_derives_from_the_scoped_base():
    unscoped = [
        viewset.__name__
        for _prefix, viewset, _basename in router.registry
        if not issubclass(viewset, ScopedViewSetMixin)
    ]
    assert unscoped == []
