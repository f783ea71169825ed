"""Order services: submit (prices, promotions, stock, credit), every step of the life-cycle
for every role, the 409s that change nothing, e-mails, made-to-order orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from conftest import shared_personas
from roots.catalog.models import Promotion, StockLevel
from roots.catalog.tests.factories import CategoryFactory, SkuFactory, StockLevelFactory
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.customers.models import Customer, CustomerStatus
from roots.orders import selectors, services
from roots.orders.models import (
    CustomOrder,
    CustomOrderStatus,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
)
from roots.orders.tests.conftest import advance

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STEPS_TO: dict[str, tuple[str, ...]] = {
    OrderStatus.SUBMITTED: (),
    OrderStatus.CONFIRMED: ("confirm",),
    OrderStatus.ALLOCATED: ("confirm", "allocate"),
    OrderStatus.SHIPPED: ("confirm", "allocate", "ship"),
    OrderStatus.DELIVERED: ("confirm", "allocate", "ship", "deliver"),
    OrderStatus.CLOSED: ("confirm", "allocate", "ship", "deliver", "close"),
}


def _at(order: Order, status: str, personas) -> Order:
    return advance(order, personas.hq, *STEPS_TO[status])


# --- submit --------------------------------------------------------------------------------
def test_submit_prices_with_the_customer_price_and_numbers_the_order(personas, make_order, stock):
    order = make_order(quantity=3, customer_reference="PO-88", note="后门卸货")
    assert order.number == "SO00000001"
    assert order.status == OrderStatus.SUBMITTED and order.kind == OrderKind.STANDARD
    assert order.placed_by == personas.cu_a1 and order.submitted_at is not None
    line = order.lines.get()
    assert (line.list_price, line.unit_price, line.discount) == (
        Decimal("2999.00"),
        Decimal("2499.00"),
        Decimal("0.00"),
    )
    assert line.line_total == order.subtotal == order.total == Decimal("7497.00")
    assert make_order().number == "SO00000002"


def test_submit_takes_the_best_promotion_as_a_line_discount(personas, make_order, stock):
    today = timezone.localdate()
    fridges = personas.sku.product_model.category
    small = Promotion.objects.create(
        code="PR1", name="小促", valid_from=today, valid_to=today, discount_percent=5,
        is_published=True,
    )  # fmt: skip
    small.categories.add(fridges)
    big = Promotion.objects.create(
        code="PR2", name="大促", valid_from=today, valid_to=today, discount_percent=10,
        is_published=True, channel_types=["multinational_chain"],
    )  # fmt: skip
    big.skus.add(personas.sku)
    Promotion.objects.create(
        code="PR3", name="草稿", valid_from=today, valid_to=today, discount_percent=50,
        is_published=False,
    )  # fmt: skip
    order = make_order(quantity=2)
    line = order.lines.get()
    assert line.promotion == big
    assert line.discount == Decimal("499.80")  # 10 % of 2 × 2,499.00
    assert order.discount_total == Decimal("499.80")
    assert order.total == order.subtotal - order.discount_total == Decimal("4498.20")
    # Customer B1 is a local chain: the multinational-chain promotion is not for it.
    b1 = services.order_submit(
        user=personas.cu_b1,
        data={"outlet": personas.outlet_b1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    assert b1.lines.get().promotion == small


def test_submit_merges_the_same_sku_into_one_line(personas, stock):
    order = services.order_submit(
        user=personas.cu_a1,
        data={
            "outlet": personas.outlet_a1.code,
            "lines": [
                {"sku": personas.sku.code, "quantity": 2},
                {"sku": personas.sku, "quantity": 3},
            ],
        },
    )
    assert list(order.lines.values_list("quantity", flat=True)) == [5]


def test_submit_reserves_stock_in_the_outlets_province_first(personas, stock, beijing_stock):
    order = services.order_submit(
        user=personas.cu_b1,
        data={"outlet": personas.outlet_b1, "lines": [{"sku": personas.sku, "quantity": 60}]},
    )
    allocations = dict(
        OrderAllocation.objects.filter(line__order=order).values_list("warehouse__code", "quantity")
    )
    # Beijing's 50 first (the outlet is in Beijing), the rest from Shandong.
    assert allocations == {"WH-BB-1": 50, "WH-BA-1": 10}
    beijing_stock.refresh_from_db()
    stock.refresh_from_db()
    assert (beijing_stock.reserved, stock.reserved) == (50, 20)


def test_not_enough_stock_names_the_sku_and_what_is_available_and_writes_nothing(
    personas, make_order, stock
):
    with pytest.raises(ValidationError) as caught:
        make_order(quantity=91)
    message = caught.value.message_dict["lines"][0]
    assert personas.sku.code in message and "90" in message
    assert not Order.objects.exists()
    stock.refresh_from_db()
    assert stock.reserved == 10


def test_not_enough_credit_names_both_amounts_and_writes_nothing(personas, make_order, stock):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("6000"))
    first = make_order(quantity=2)  # 4,998.00 of 6,000.00
    with pytest.raises(ValidationError) as caught:
        make_order(quantity=1)  # 2,499.00 > 1,002.00 left
    message = caught.value.message_dict["credit"][0]
    assert "¥2,499.00" in message and "¥1,002.00" in message
    assert list(Order.objects.all()) == [first]
    stock.refresh_from_db()
    assert stock.reserved == 12


def test_cancelled_orders_free_their_credit(personas, make_order, stock):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("6000"))
    first = make_order(quantity=2)
    services.order_cancel(user=personas.cu_a1, order=first, reason="下错了")
    assert make_order(quantity=2).total == Decimal("4998.00")


def test_check_credit_counts_open_orders_and_unpaid_invoices(personas, make_order, stock):
    order = make_order(quantity=2)
    limit = personas.cust_a1.credit_limit
    assert selectors.open_order_value(customer_id=personas.cust_a1.pk) == Decimal("4998.00")
    before = services.check_credit(customer_id=personas.cust_a1.pk, amount=Decimal("1"))
    assert before == limit - Decimal("4998.00")
    # Shipped: no longer an open order, an unpaid invoice instead — the same credit is used.
    _at(order, OrderStatus.SHIPPED, personas)
    assert selectors.open_order_value(customer_id=personas.cust_a1.pk) == Decimal("0.00")
    after = services.check_credit(customer_id=personas.cust_a1.pk, amount=Decimal("1"))
    assert after == before
    with pytest.raises(ValidationError) as caught:
        services.check_credit(customer_id=personas.cust_a1.pk, amount=limit)
    assert "credit" in caught.value.message_dict


def test_money_in_the_customers_favour_adds_to_its_credit(personas, stock):
    """An overpayment pays the next invoice, so it adds to what may be ordered: the same
    available credit as the account page (finance's `account_summary`) shows."""
    from roots.finance.selectors import account_summary
    from roots.finance.tests import factories as ledger

    limit = personas.cust_a1.credit_limit
    ledger.payment(personas.cust_a1, "1000.00", date(2026, 5, 15))
    available = services.check_credit(customer_id=personas.cust_a1.pk, amount=limit + 1000)
    assert available == limit + Decimal("1000.00")
    assert account_summary(customer=personas.cust_a1).available_credit == available
    with pytest.raises(ValidationError):
        services.check_credit(customer_id=personas.cust_a1.pk, amount=limit + Decimal("1000.01"))


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_sell_may_not_place_orders(personas, stock, role):
    with pytest.raises(PermissionDenied):
        services.order_submit(
            user=getattr(personas, role),
            data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 1}]},
        )


@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a"])
def test_staff_place_orders_for_customers_in_their_scope(personas, stock, role):
    order = services.order_submit(
        user=getattr(personas, role),
        data={"outlet": personas.outlet_a1.code, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    assert order.customer == personas.cust_a1
    assert order.placed_by == getattr(personas, role)


@pytest.mark.parametrize("role", ["am_a2", "bm_b", "am_b", "cu_b1"])
def test_outlets_out_of_scope_read_as_unknown(personas, stock, role):
    with pytest.raises(ValidationError) as caught:
        services.order_submit(
            user=getattr(personas, role),
            data={
                "outlet": personas.outlet_a1.code,
                "lines": [{"sku": personas.sku, "quantity": 1}],
            },
        )
    assert "outlet" in caught.value.message_dict


def test_bad_orders_are_field_errors(personas, make_order, stock):
    cases = [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "lines"),
        ({"lines": [{"sku": personas.sku.code, "quantity": 0}]}, "lines"),
        ({"lines": [{"sku": personas.sku.code, "quantity": "2"}]}, "lines"),
        ({"lines": [{"sku": personas.sku.code, "quantity": 100_001}]}, "lines"),
        ({"requested_date": timezone.localdate() - timedelta(days=1)}, "requested_date"),
    ]
    for extra, field in cases:
        data = {
            "outlet": personas.outlet_a1,
            "lines": [{"sku": personas.sku, "quantity": 1}],
            **extra,
        }
        with pytest.raises(ValidationError) as caught:
            services.order_submit(user=personas.cu_a1, data=data)
        assert field in caught.value.message_dict, extra
    assert not Order.objects.exists()


def test_inactive_products_suspended_customers_and_closed_outlets_cannot_order(
    personas, make_order, stock
):
    retired = SkuFactory.create(code="OLD-1", is_active=False)
    StockLevelFactory.create(sku=retired, warehouse=stock.warehouse)
    with pytest.raises(ValidationError, match="no longer sold"):
        services.order_submit(
            user=personas.cu_a1,
            data={"outlet": personas.outlet_a1, "lines": [{"sku": retired, "quantity": 1}]},
        )
    Customer.objects.filter(pk=personas.cust_a1.pk).update(status=CustomerStatus.SUSPENDED)
    with pytest.raises(ValidationError) as caught:
        make_order()
    assert "outlet" in caught.value.message_dict
    Customer.objects.filter(pk=personas.cust_a1.pk).update(status=CustomerStatus.ACTIVE)
    type(personas.outlet_a1).objects.filter(pk=personas.outlet_a1.pk).update(is_active=False)
    personas.outlet_a1.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        make_order()


def test_submitting_writes_a_timeline_event_and_mails_the_account_manager(
    personas, make_order, stock, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order()
    event = OrderEvent.objects.get(order=order)
    assert (event.to_status, event.actor, event.visible_to_customer) == (
        OrderStatus.SUBMITTED,
        personas.cu_a1,
        True,
    )
    recipients = {m.to[0] for m in mailoutbox}
    assert recipients == {personas.am_a.email}  # not the customer user who placed it
    assert order.number in mailoutbox[0].subject


# --- the life-cycle: who may take each step --------------------------------------------------
OUT_OF_SCOPE = ("am_a2", "bm_b", "am_b", "agent", "engineer", "cu_b1", "su")
# action: (status it is taken from, roles allowed, roles answered 403, roles answered 409)
WHO = {
    "confirm": (OrderStatus.SUBMITTED, {"hq", "bm_a", "am_a"}, {"pm"}, {"cu_a1"}),
    "allocate": (OrderStatus.CONFIRMED, {"hq", "bm_a"}, {"pm", "am_a"}, {"cu_a1"}),
    "ship": (OrderStatus.ALLOCATED, {"hq", "bm_a"}, {"pm", "am_a"}, {"cu_a1"}),
    "deliver": (OrderStatus.SHIPPED, {"hq", "bm_a", "am_a", "cu_a1"}, {"pm"}, set()),
    "close": (OrderStatus.DELIVERED, {"hq", "bm_a", "am_a"}, {"pm"}, {"cu_a1"}),
}


@pytest.mark.parametrize("action", list(WHO))
def test_who_may_take_each_step(personas, make_order, stock, action):
    source, allowed, forbidden, conflicts = WHO[action]
    problems = []
    for role in ("hq", "bm_a", "am_a", "pm", "cu_a1", *OUT_OF_SCOPE):
        order = _at(make_order(), source, personas)
        user = getattr(personas, role)
        try:
            result = services.order_transition(user=user, order=order, action=action)
            outcome = "ok" if result.status == services.STEPS[action].target else "?"
        except PermissionDenied:
            outcome = "403"
        except Http404:
            outcome = "404"
        except ConflictError:
            outcome = "409"
        wanted = (
            "ok"
            if role in allowed
            else "403"
            if role in forbidden
            else "409"
            if role in conflicts
            else "404"
        )
        if outcome != wanted:
            problems.append(f"{role}: {outcome}, expected {wanted}")
        if outcome != "ok":
            fresh = Order.objects.get(pk=order.pk)
            if (fresh.status, fresh.version) != (order.status, order.version):
                problems.append(f"{role}: a refused step changed the order")
    assert not problems


def test_a_customer_user_confirming_its_own_order_gets_409_with_a_clear_message(
    personas, make_order, stock
):
    order = make_order()
    with pytest.raises(ConflictError, match="Only our staff confirm orders"):
        services.order_confirm(user=personas.cu_a1, order=order)


def test_every_step_records_its_timestamp_version_and_event(personas, make_order, stock):
    order = make_order()
    for action, user, stamp in (
        ("confirm", personas.am_a, "confirmed_at"),
        ("allocate", personas.bm_a, "allocated_at"),
        ("ship", personas.bm_a, "shipped_at"),
        ("deliver", personas.cu_a1, "delivered_at"),
        ("close", personas.am_a, "closed_at"),
    ):
        version = order.version
        order = services.order_transition(
            user=user, order=order, action=action, expected_version=version
        )
        assert order.version == version + 1
        assert getattr(order, stamp) is not None
        event = order.events.order_by("-id").first()
        assert event is not None and event.to_status == services.STEPS[action].target
        assert event.actor == user
    assert list(order.events.values_list("to_status", flat=True)) == [
        "submitted", "confirmed", "allocated", "shipped", "delivered", "closed",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (OrderStatus.SUBMITTED, "ship"),
        (OrderStatus.SUBMITTED, "allocate"),
        (OrderStatus.SUBMITTED, "deliver"),
        (OrderStatus.SUBMITTED, "close"),
        (OrderStatus.CONFIRMED, "confirm"),
        (OrderStatus.CONFIRMED, "ship"),
        (OrderStatus.ALLOCATED, "deliver"),
        (OrderStatus.SHIPPED, "cancel"),
        (OrderStatus.DELIVERED, "ship"),
        (OrderStatus.CLOSED, "close"),
        (OrderStatus.CLOSED, "cancel"),
    ],
)
def test_illegal_transitions_are_409_and_change_nothing(
    personas, make_order, stock, status, action
):
    order = _at(make_order(), status, personas)
    stock.refresh_from_db()
    before = (stock.on_hand, stock.reserved)
    events = order.events.count()
    with pytest.raises(ConflictError) as caught:
        services.order_transition(user=personas.hq, order=order, action=action, reason="x")
    assert order.number in str(caught.value)
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (order.status, order.version)
    assert order.events.count() == events
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == before


@pytest.mark.parametrize("action", list(services.ACTIONS))
def test_nothing_happens_to_a_cancelled_order(personas, make_order, stock, action):
    order = services.order_cancel(user=personas.am_a, order=make_order(), reason="客户取消")
    with pytest.raises(ConflictError, match="cancelled"):
        services.order_transition(user=personas.hq, order=order, action=action, reason="x")


def test_a_stale_version_is_412(personas, make_order, stock):
    order = make_order()
    with pytest.raises(PreconditionFailedError):
        services.order_confirm(user=personas.am_a, order=order, expected_version=7)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


# --- stock through the life-cycle ----------------------------------------------------------
def test_shipping_takes_the_reserved_units_out_of_the_warehouse_and_invoices(
    personas, make_order, stock
):
    order = _at(make_order(quantity=4), OrderStatus.ALLOCATED, personas)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (100, 14)
    services.order_ship(user=personas.bm_a, order=order)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (96, 10)
    from roots.finance.models import Invoice

    invoice = Invoice.objects.get(order=order)
    assert invoice.amount == order.total


def test_cancelling_releases_the_reservations(personas, make_order, stock):
    order = _at(make_order(quantity=4), OrderStatus.ALLOCATED, personas)
    services.order_cancel(user=personas.bm_a, order=order, reason="门店装修")
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (100, 10)
    order.refresh_from_db()
    assert order.cancel_reason == "门店装修" and order.cancelled_at is not None
    assert order.events.order_by("-id").first().message == "门店装修"  # type: ignore[union-attr]


def test_cancelling_needs_a_reason(personas, make_order, stock):
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.order_cancel(user=personas.cu_a1, order=order, reason="  ")
    assert "reason" in caught.value.message_dict
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


def test_a_customer_user_cancels_only_while_submitted(personas, make_order, stock):
    assert services.order_cancel(user=personas.cu_a1, order=make_order(), reason="不要了")
    confirmed = _at(make_order(), OrderStatus.CONFIRMED, personas)
    with pytest.raises(ConflictError, match="account manager"):
        services.order_cancel(user=personas.cu_a1, order=confirmed, reason="不要了")
    assert services.order_cancel(user=personas.am_a, order=confirmed, reason="客户要求")


# --- allowed actions, notes, e-mails ---------------------------------------------------------
def test_order_actions_list_what_the_user_may_do_now(personas, make_order, stock):
    order = make_order()
    assert services.order_actions(user=personas.am_a, order=order) == ["confirm", "cancel"]
    assert services.order_actions(user=personas.cu_a1, order=order) == ["cancel"]
    assert services.order_actions(user=personas.pm, order=order) == []
    confirmed = advance(order, personas.am_a, "confirm")
    assert services.order_actions(user=personas.am_a, order=confirmed) == ["cancel"]
    assert services.order_actions(user=personas.bm_a, order=confirmed) == ["allocate", "cancel"]
    assert services.order_actions(user=personas.cu_a1, order=confirmed) == []


def test_staff_only_notes_are_hidden_from_the_customer(personas, make_order, stock):
    order = make_order()
    services.order_note(
        user=personas.am_a, order=order, message="内部备注", visible_to_customer=False
    )
    services.order_note(
        user=personas.cu_a1, order=order, message="请周一送货", visible_to_customer=False
    )
    staff_view = [e.message for e in selectors.order_timeline(user=personas.am_a, order=order)]
    customer_view = [e.message for e in selectors.order_timeline(user=personas.cu_a1, order=order)]
    assert "内部备注" in staff_view and "请周一送货" in staff_view
    assert "内部备注" not in customer_view and "请周一送货" in customer_view
    with pytest.raises(PermissionDenied):
        services.order_note(user=personas.pm, order=order, message="看看")
    with pytest.raises(Http404):
        services.order_note(user=personas.cu_b1, order=order, message="看看")


def test_each_step_mails_the_customer_and_account_manager_but_not_the_actor(
    personas, make_order, stock, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_confirm(user=personas.am_a, order=order)
    assert {m.to[0] for m in mailoutbox} == {personas.cu_a1.email}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_note(
            user=personas.bm_a, order=order, message="内部", visible_to_customer=False
        )
    assert {m.to[0] for m in mailoutbox} == {personas.am_a.email}


def test_a_refused_step_sends_no_mail(
    personas, make_order, stock, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConflictError):
        services.order_ship(user=personas.hq, order=order)
    assert mailoutbox == []


# --- made to order ---------------------------------------------------------------------------
@pytest.fixture
def made_to_order(personas):
    """A made-to-order order as the custom-order service leaves it: confirmed, no stock."""
    order = Order.objects.create(
        number="SO90000001",
        kind=OrderKind.MADE_TO_ORDER,
        customer=personas.cust_a1,
        outlet=personas.outlet_a1,
        status=OrderStatus.CONFIRMED,
        subtotal=Decimal("40000.00"),
        total=Decimal("40000.00"),
        submitted_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    OrderLine.objects.create(
        order=order,
        line_no=1,
        description="定制冰箱 200L",
        quantity=20,
        list_price=Decimal("2000.00"),
        unit_price=Decimal("2000.00"),
        line_total=Decimal("40000.00"),
    )
    CustomOrder.objects.create(
        number="CO000001",
        customer=personas.cust_a1,
        outlet=personas.outlet_a1,
        title="200升低能耗冰箱",
        category=CategoryFactory.create(code="CUST"),
        quantity=20,
        status=CustomOrderStatus.IN_PRODUCTION,
        order=order,
    )
    return Order.objects.select_related("custom_order").get(pk=order.pk)


def test_a_made_to_order_order_is_allocated_only_once_produced(personas, made_to_order, stock):
    with pytest.raises(ConflictError, match="production"):
        services.order_allocate(user=personas.bm_a, order=made_to_order)
    assert services.order_actions(user=personas.bm_a, order=made_to_order) == ["cancel"]
    CustomOrder.objects.filter(order=made_to_order).update(status=CustomOrderStatus.PRODUCED)
    order = Order.objects.get(pk=made_to_order.pk)
    order = advance(order, personas.bm_a, "allocate", "ship")
    assert order.status == OrderStatus.SHIPPED
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (100, 10)  # no stock touched


def test_open_order_value_counts_only_open_orders(personas, make_order, stock):
    a = make_order(quantity=1)
    b = make_order(quantity=2)
    make_order(quantity=3)
    advance(a, personas.hq, "confirm", "allocate", "ship")
    services.order_cancel(user=personas.cu_a1, order=b, reason="x")
    assert selectors.open_order_value(customer_id=personas.cust_a1.pk) == Decimal("7497.00")
    assert selectors.open_order_value(customer_id=personas.cust_b1.pk) == Decimal("0.00")


def test_order_list_is_scoped(personas, make_order, stock):
    order = make_order()
    for role, sees in (("hq", True), ("bm_a", True), ("am_a", True), ("pm", True),
                       ("cu_a1", True), ("am_a2", False), ("bm_b", False), ("cu_b1", False),
                       ("agent", False), ("su", False)):  # fmt: skip
        assert (order in selectors.order_list(user=getattr(personas, role))) == sees, role


def test_stock_changes_keep_their_history(personas, make_order, stock):
    make_order(quantity=3)
    entry = StockLevel.history.filter(id=stock.pk).order_by("-history_id").first()  # type: ignore[attr-defined]
    assert entry is not None and entry.reserved == 13
    assert entry.history_user == personas.cu_a1


def test_order_numbers_skip_past_orders_loaded_without_the_counter(personas, make_order, stock):
    from roots.core.models import Sequence

    first = make_order()
    Order.objects.filter(pk=first.pk).update(number="SO00000500")
    Sequence.objects.filter(name="order").update(last_value=499)
    assert make_order().number == "SO00000501"
