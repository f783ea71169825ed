"""Made-to-order services: every step for every role and state; illegal steps change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import shared_personas
from roots.catalog.tests.factories import ProductModelFactory
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.customers.models import Customer
from roots.orders.custom import services
from roots.orders.models import (
    CustomOrder,
    CustomOrderStatus,
    EventKind,
    Order,
    OrderEvent,
    OrderKind,
    OrderStatus,
)
from roots.orders.tests.test_custom_support import (
    accepted,
    custom_model,
    fridges,
    in_production,
    need,
    quote_data,
    quoted,
    reload,
    requested,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# Their assertions read messages: in English (the default language is Chinese).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = CustomOrderStatus


def snapshot(custom_order: CustomOrder) -> tuple:
    fresh = CustomOrder.objects.get(pk=custom_order.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.order_id,
        fresh.accepted_at,
        OrderEvent.objects.filter(custom_order=fresh).count(),
        Order.objects.count(),
    )


# --- request ----------------------------------------------------------------------------------
def test_customer_user_requests_for_own_outlet_and_product_managers_are_told(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        custom_order = requested(personas)
    assert custom_order.number == "MO00000001"
    assert custom_order.status == S.REQUESTED
    assert custom_order.customer == personas.cust_a1
    assert custom_order.requested_by == personas.cu_a1
    assert custom_order.features == ["energy_saving", "frost_free"]
    event = OrderEvent.objects.get(custom_order=custom_order)
    assert (event.to_status, event.actor, event.visible_to_customer) == (
        S.REQUESTED,
        personas.cu_a1,
        True,
    )
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {"pm@example.com", "am_a@example.com"} <= recipients
    assert "cu_a1@example.com" not in recipients  # the requester does not mail itself


def test_numbers_follow_each_other(personas):
    assert [requested(personas).number for _ in range(3)] == [
        "MO00000001",
        "MO00000002",
        "MO00000003",
    ]


def test_account_manager_requests_on_behalf_of_own_customer(personas):
    custom_order = requested(personas, user=personas.am_a, customer=personas.cust_a1)
    assert custom_order.customer == personas.cust_a1
    assert custom_order.requested_by == personas.am_a


def test_staff_must_name_a_customer_in_scope(personas):
    with pytest.raises(ValidationError) as missing:
        requested(personas, user=personas.am_a)
    assert "customer" in missing.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        requested(
            personas, user=personas.am_a, customer=personas.cust_b1, outlet=personas.outlet_b1
        )
    assert "customer" in foreign.value.message_dict
    assert not CustomOrder.objects.exists()


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_request_are_refused(personas, role):
    with pytest.raises(PermissionDenied):
        requested(personas, user=getattr(personas, role), customer=personas.cust_a1)


def test_customer_user_cannot_request_for_another_customers_outlet(personas):
    with pytest.raises(ValidationError) as exc:
        requested(personas, outlet=personas.outlet_b1)
    assert "outlet" in exc.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity_min": Decimal("230"), "capacity_max": Decimal("220")}, "capacity_max"),
        ({"features": ["energy_saving", "teleport"]}, "features"),
        ({"wanted_date": timezone.localdate() - timedelta(days=1)}, "wanted_date"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 100_001}, "quantity"),
        ({"title": "  "}, "title"),
        ({"title": "x\x00y"}, "title"),
        ({"target_price": Decimal("-1")}, "target_price"),
        ({"target_price": Decimal("1000000.01")}, "target_price"),
        ({"category": None}, "category"),
    ],
)
def test_bad_needs_are_refused_field_by_field(personas, changes, field):
    with pytest.raises(ValidationError) as exc:
        requested(personas, **changes)
    assert field in exc.value.message_dict
    assert not CustomOrder.objects.exists()


def test_a_suspended_customer_can_neither_request_nor_accept(personas):
    custom_order = quoted(personas)
    Customer.objects.filter(pk=personas.cust_a1.pk).update(status="suspended")
    with pytest.raises(ValidationError) as request_error:
        requested(personas)
    assert "customer" in request_error.value.message_dict
    before = snapshot(custom_order)
    with pytest.raises(ValidationError) as accept_error:
        services.accept_quote(user=personas.cu_a1, custom_order=reload(custom_order))
    assert "customer" in accept_error.value.message_dict
    assert snapshot(custom_order) == before


def test_features_are_kept_once_in_vocabulary_order(personas):
    custom_order = requested(personas, features=["quiet", "energy_saving", "quiet"])
    assert custom_order.features == ["energy_saving", "quiet"]


# --- quote ------------------------------------------------------------------------------------
def test_product_manager_quotes_with_default_validity(personas):
    custom_order = requested(personas)
    quoted_ = services.quote_custom_order(
        user=personas.pm, custom_order=custom_order, data=quote_data(), expected_version=1
    )
    assert quoted_.status == S.QUOTED
    assert quoted_.version == 2
    assert quoted_.quoted_price == Decimal("2050.00")
    assert quoted_.quoted_by == personas.pm
    assert quoted_.quote_valid_until == timezone.localdate() + timedelta(days=14)
    assert services.quote_total(quoted_) == Decimal("820000.00")
    assert OrderEvent.objects.filter(custom_order=custom_order, to_status=S.QUOTED).count() == 1


def test_hq_may_quote_too(personas):
    custom_order = requested(personas)
    services.quote_custom_order(
        user=personas.hq, custom_order=custom_order, data=quote_data(), expected_version=None
    )
    assert reload(custom_order).status == S.QUOTED


def test_customer_quoting_its_own_request_is_out_of_turn_409_and_changes_nothing(personas):
    custom_order = requested(personas)
    before = snapshot(custom_order)
    with pytest.raises(ConflictError, match="product manager"):
        services.quote_custom_order(
            user=personas.cu_a1, custom_order=custom_order, data=quote_data(), expected_version=1
        )
    assert snapshot(custom_order) == before


@pytest.mark.parametrize("role", ["am_a", "bm_a"])
def test_staff_who_sell_may_not_quote_403(personas, role):
    custom_order = requested(personas)
    with pytest.raises(PermissionDenied):
        services.quote_custom_order(
            user=getattr(personas, role),
            custom_order=custom_order,
            data=quote_data(),
            expected_version=None,
        )
    assert reload(custom_order).status == S.REQUESTED


def test_requote_while_quoted_replaces_the_quote(personas):
    custom_order = quoted(personas)
    again = services.quote_custom_order(
        user=personas.pm,
        custom_order=custom_order,
        data=quote_data(quoted_price=Decimal("1990.00"), quote_valid_until=None),
        expected_version=2,
    )
    assert (again.status, again.quoted_price, again.version) == (S.QUOTED, Decimal("1990.00"), 3)
    note = OrderEvent.objects.filter(custom_order=custom_order).order_by("id").last()
    assert note is not None and note.kind == EventKind.NOTE


def test_quote_with_a_stale_version_is_412_and_changes_nothing(personas):
    custom_order = quoted(personas)
    before = snapshot(custom_order)
    with pytest.raises(PreconditionFailedError):
        services.quote_custom_order(
            user=personas.pm, custom_order=custom_order, data=quote_data(), expected_version=1
        )
    assert snapshot(custom_order) == before


def test_quote_refuses_a_model_that_cannot_be_made_to_order(personas):
    standard = ProductModelFactory.create(code="BCD-STD", category=fridges())
    custom_order = requested(personas)
    with pytest.raises(ValidationError) as exc:
        services.quote_custom_order(
            user=personas.pm,
            custom_order=custom_order,
            data=quote_data(quoted_model=standard),
            expected_version=None,
        )
    assert "quoted_model" in exc.value.message_dict


def test_quote_refuses_a_validity_in_the_past_and_a_zero_price(personas):
    custom_order = requested(personas)
    with pytest.raises(ValidationError) as exc:
        services.quote_custom_order(
            user=personas.pm,
            custom_order=custom_order,
            data=quote_data(
                quote_valid_until=timezone.localdate() - timedelta(days=1),
                quoted_price=Decimal("0"),
            ),
            expected_version=None,
        )
    assert {"quote_valid_until", "quoted_price"} <= set(exc.value.message_dict)
    assert reload(custom_order).status == S.REQUESTED


def test_quoting_an_accepted_order_is_409(personas):
    custom_order = accepted(personas)
    before = snapshot(custom_order)
    with pytest.raises(ConflictError):
        services.quote_custom_order(
            user=personas.pm, custom_order=custom_order, data=quote_data(), expected_version=None
        )
    assert snapshot(custom_order) == before


def test_product_manager_declines_with_a_reason(personas):
    custom_order = requested(personas)
    with pytest.raises(ValidationError):
        services.decline_custom_order(
            user=personas.pm, custom_order=custom_order, reason="", expected_version=None
        )
    declined = services.decline_custom_order(
        user=personas.pm, custom_order=custom_order, reason="无法在该价位生产", expected_version=1
    )
    assert (declined.status, declined.closed_reason) == (S.DECLINED, "无法在该价位生产")


# --- accept -----------------------------------------------------------------------------------
def test_customer_accepts_and_a_confirmed_made_to_order_order_is_created(personas):
    custom_order = quoted(personas)
    before = timezone.now()
    done = services.accept_quote(user=personas.cu_a1, custom_order=custom_order, expected_version=2)
    assert done.status == S.ACCEPTED and done.version == 3
    assert done.accepted_at is not None and done.accepted_at >= before
    assert done.production_due == done.accepted_at + timedelta(days=7)
    order = Order.objects.get(pk=done.order_id)
    assert order.number.startswith("SO") and len(order.number) == 10
    assert (order.kind, order.status, order.placed_by) == (
        OrderKind.MADE_TO_ORDER,
        OrderStatus.CONFIRMED,
        personas.cu_a1,
    )
    assert (order.customer, order.outlet) == (personas.cust_a1, personas.outlet_a1)
    assert order.subtotal == order.total == Decimal("820000.00")
    assert order.submitted_at == order.confirmed_at == done.accepted_at
    line = order.lines.get()
    assert (line.quantity, line.unit_price, line.list_price, line.line_total) == (
        400,
        Decimal("2050.00"),
        Decimal("2050.00"),
        Decimal("820000.00"),
    )
    assert line.sku is not None and line.sku.code == "BCD-210CUST-W"
    assert "BCD-210CUST" in line.description
    assert OrderEvent.objects.filter(custom_order=done, to_status=S.ACCEPTED).exists()
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.CONFIRMED).exists()


def test_accept_without_a_quoted_model_makes_a_line_without_sku(personas):
    custom_order = requested(personas)
    services.quote_custom_order(
        user=personas.pm,
        custom_order=custom_order,
        data=quote_data(quoted_model=None),
        expected_version=None,
    )
    done = services.accept_quote(user=personas.cu_a1, custom_order=custom_order)
    line = Order.objects.get(pk=done.order_id).lines.get()
    assert line.sku is None and line.description == custom_order.title


def test_account_manager_accepts_on_the_customers_behalf(personas):
    done = services.accept_quote(user=personas.am_a, custom_order=quoted(personas))
    assert done.status == S.ACCEPTED
    assert Order.objects.get(pk=done.order_id).placed_by == personas.am_a


@pytest.mark.parametrize("role", ["pm", "hq", "bm_a"])
def test_roles_other_than_the_customer_side_may_not_accept(personas, role):
    custom_order = quoted(personas)
    before = snapshot(custom_order)
    with pytest.raises(PermissionDenied):
        services.accept_quote(user=getattr(personas, role), custom_order=custom_order)
    assert snapshot(custom_order) == before


def test_accepting_an_expired_quote_is_409_and_changes_nothing(personas):
    custom_order = quoted(personas)
    yesterday = timezone.localdate() - timedelta(days=1)
    CustomOrder.objects.filter(pk=custom_order.pk).update(quote_valid_until=yesterday)
    custom_order = reload(custom_order)
    before = snapshot(custom_order)
    with pytest.raises(ConflictError, match="expired"):
        services.accept_quote(user=personas.cu_a1, custom_order=custom_order)
    # Not even the expired state is written by the failing request: the sweep does that.
    assert snapshot(custom_order) == before
    assert reload(custom_order).status == S.QUOTED


def test_accepting_a_quote_the_sweep_expired_names_the_date(personas):
    custom_order = quoted(personas)
    CustomOrder.objects.filter(pk=custom_order.pk).update(
        quote_valid_until=timezone.localdate() - timedelta(days=2)
    )
    assert services.expire_quotes() == 1
    with pytest.raises(ConflictError, match="expired on"):
        services.accept_quote(user=personas.cu_a1, custom_order=reload(custom_order))


def test_a_quote_is_acceptable_on_its_last_day(personas):
    custom_order = quoted(personas)
    CustomOrder.objects.filter(pk=custom_order.pk).update(quote_valid_until=timezone.localdate())
    assert services.accept_quote(user=personas.cu_a1, custom_order=reload(custom_order)).order_id


def test_accept_beyond_the_customers_credit_is_refused_and_changes_nothing(personas):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("800000"))
    custom_order = quoted(personas)  # 400 × 2,050 = 820,000
    before = snapshot(custom_order)
    with pytest.raises(ValidationError) as exc:
        services.accept_quote(user=personas.cu_a1, custom_order=custom_order)
    assert "credit" in exc.value.message_dict
    assert snapshot(custom_order) == before


def test_the_order_made_from_a_quote_uses_the_credit_of_the_next_acceptance(personas):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1000000"))
    accepted(personas)  # 820,000 of 1,000,000 now in an open order
    second = quoted(personas)
    with pytest.raises(ValidationError):
        services.accept_quote(user=personas.cu_a1, custom_order=second)


def test_accepting_twice_is_409(personas):
    custom_order = accepted(personas)
    with pytest.raises(ConflictError):
        services.accept_quote(user=personas.cu_a1, custom_order=custom_order)
    assert Order.objects.count() == 1


def test_accepting_a_request_without_quote_is_409(personas):
    with pytest.raises(ConflictError, match="no open quote"):
        services.accept_quote(user=personas.cu_a1, custom_order=requested(personas))


# --- reject and cancel ------------------------------------------------------------------------
def test_customer_rejects_the_quote(personas):
    done = services.reject_quote(
        user=personas.cu_a1, custom_order=quoted(personas), reason="价格太高"
    )
    assert (done.status, done.closed_reason) == (S.REJECTED, "价格太高")


def test_rejecting_a_request_without_quote_is_409(personas):
    with pytest.raises(ConflictError):
        services.reject_quote(user=personas.cu_a1, custom_order=requested(personas))


@pytest.mark.parametrize("make", [requested, quoted])
def test_customer_cancels_while_requested_or_quoted(personas, make):
    done = services.cancel_custom_order(user=personas.cu_a1, custom_order=make(personas))
    assert done.status == S.CANCELLED


def test_customer_cannot_cancel_after_accepting_409(personas):
    custom_order = accepted(personas)
    before = snapshot(custom_order)
    with pytest.raises(ConflictError, match="account manager"):
        services.cancel_custom_order(user=personas.cu_a1, custom_order=custom_order)
    assert snapshot(custom_order) == before


@pytest.mark.parametrize("role", ["am_a", "bm_a", "hq"])
def test_staff_cancel_an_accepted_order_and_its_order_with_it(personas, role):
    custom_order = accepted(personas)
    done = services.cancel_custom_order(
        user=getattr(personas, role), custom_order=custom_order, reason="客户改单"
    )
    assert done.status == S.CANCELLED
    order = Order.objects.get(pk=done.order_id)
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at is not None
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.CANCELLED).exists()


def test_product_manager_may_not_cancel_403(personas):
    with pytest.raises(PermissionDenied):
        services.cancel_custom_order(user=personas.pm, custom_order=requested(personas))


def test_nobody_cancels_once_production_started(personas):
    custom_order = in_production(personas)
    for user in (personas.hq, personas.am_a, personas.bm_a):
        with pytest.raises(ConflictError, match="production has started"):
            services.cancel_custom_order(user=user, custom_order=custom_order)
    assert reload(custom_order).status == S.IN_PRODUCTION


def test_cancelling_twice_is_409(personas):
    custom_order = services.cancel_custom_order(
        user=personas.cu_a1, custom_order=requested(personas)
    )
    with pytest.raises(ConflictError, match="already"):
        services.cancel_custom_order(user=personas.hq, custom_order=custom_order)


# --- production -------------------------------------------------------------------------------
def test_product_manager_starts_and_finishes_production(personas):
    started = services.start_production(user=personas.pm, custom_order=accepted(personas))
    assert started.status == S.IN_PRODUCTION and started.production_started_at is not None
    done = services.mark_produced(user=personas.hq, custom_order=started)
    assert done.status == S.PRODUCED and done.produced_at is not None
    assert [e.to_status for e in OrderEvent.objects.filter(custom_order=done)] == [
        S.REQUESTED,
        S.QUOTED,
        S.ACCEPTED,
        S.IN_PRODUCTION,
        S.PRODUCED,
    ]


def test_production_cannot_start_before_acceptance(personas):
    custom_order = quoted(personas)
    with pytest.raises(ConflictError, match="accepted"):
        services.start_production(user=personas.pm, custom_order=custom_order)
    assert reload(custom_order).status == S.QUOTED


def test_customer_starting_production_is_409_and_account_manager_403(personas):
    custom_order = accepted(personas)
    with pytest.raises(ConflictError):
        services.start_production(user=personas.cu_a1, custom_order=custom_order)
    with pytest.raises(PermissionDenied):
        services.start_production(user=personas.am_a, custom_order=custom_order)
    assert reload(custom_order).status == S.ACCEPTED


def test_only_an_order_in_production_is_marked_produced(personas):
    custom_order = accepted(personas)
    with pytest.raises(ConflictError):
        services.mark_produced(user=personas.pm, custom_order=custom_order)


def test_starting_late_is_noted_on_the_timeline(personas):
    custom_order = accepted(personas)
    CustomOrder.objects.filter(pk=custom_order.pk).update(
        production_due=timezone.now() - timedelta(days=1, hours=3)
    )
    services.start_production(user=personas.pm, custom_order=reload(custom_order))
    event = OrderEvent.objects.get(custom_order=custom_order, to_status=S.IN_PRODUCTION)
    assert "1 d 3 h" in event.message


# --- the buttons ------------------------------------------------------------------------------
def test_available_actions_follow_role_and_state(personas):
    custom_order = requested(personas)
    assert services.available_actions(personas.pm, custom_order) == {"quote", "decline"}
    assert services.available_actions(personas.cu_a1, custom_order) == {"cancel"}
    assert services.available_actions(personas.am_a, custom_order) == {"cancel"}
    custom_order = services.quote_custom_order(
        user=personas.pm, custom_order=custom_order, data=quote_data(), expected_version=None
    )
    assert services.available_actions(personas.cu_a1, custom_order) == {
        "accept",
        "reject",
        "cancel",
    }
    assert services.available_actions(personas.hq, custom_order) == {"quote", "decline", "cancel"}
    expired_view = services.available_actions(
        personas.cu_a1, custom_order, today=timezone.localdate() + timedelta(days=30)
    )
    assert expired_view == {"reject", "cancel"}
    custom_order = services.accept_quote(user=personas.cu_a1, custom_order=custom_order)
    assert services.available_actions(personas.cu_a1, custom_order) == set()
    assert services.available_actions(personas.pm, custom_order) == {"start-production"}
    assert services.available_actions(personas.bm_a, custom_order) == {"cancel"}
    assert services.available_actions(personas.bm_b, custom_order) == set()


def test_custom_model_fixture_is_custom_capable(personas):
    assert custom_model().is_custom_capable
    assert need(personas)["category"].code == "FRIDGE"
