"""The life-cycle of a standard order, declared once (`roots.core.lifecycle`).

submitted → confirmed → allocated → shipped → delivered → closed; cancelled from submitted,
confirmed or allocated. Who may take which step (docs/orders.md has the whole table):

* confirm, close: the customer's account manager, its branch manager, headquarters;
* allocate, ship: the branch manager, headquarters;
* deliver: the customer's users or the staff above;
* cancel (a reason is required): a customer user while the order is submitted; the staff
  above until it is allocated. Cancelling releases the reserved stock.

A customer user asking for a staff step is told so (409); staff without the right get 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.catalog.models import StockLevel, Warehouse
from roots.catalog.services import stock_adjust
from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.orders import texts
from roots.orders.models import CustomOrderStatus, Order, OrderAllocation, OrderKind, OrderStatus
from roots.orders.timeline import record_event
from roots.org.models import Role, User

# Staff who place orders for a customer, confirm, deliver, close and cancel them.
ORDER_STAFF = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER})
# Staff who allocate stock and ship.
FULFILMENT_STAFF = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER})
# The steps a customer's own users may take (on their company's orders).
CUSTOMER_STEPS = frozenset({"deliver", "cancel"})


# --- who may, and when ---------------------------------------------------------------------
def _staff_only_message(action: str) -> str:
    return {
        "confirm": _("Only our staff confirm orders."),
        "allocate": _("Only our staff allocate stock to orders."),
        "ship": _("Only our staff ship orders."),
        "close": _("Only our staff close orders."),
    }.get(action, _("Only our staff may do this."))


def _may(user: User, order: Order, step: Step) -> Refusal:
    """409 for a customer user asking for a staff step, 403 for staff without the right."""
    if user.role == Role.CUSTOMER_USER:
        if step.name in CUSTOMER_STEPS:
            return None
        return ConflictError(_staff_only_message(step.name), code="staff_only")
    if step.roles is not None and user.role in step.roles:
        return None
    if user.role in ORDER_STAFF:
        return PermissionDenied(_("Only the branch manager or headquarters may do this."))
    return PermissionDenied(_("You may view orders but not change them."))


def _when(user: User, order: Order, step: Step) -> Refusal:
    """Why the step cannot happen in the order's current state (None: it can)."""
    status = order.status
    if status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        return ConflictError(
            _("Order %(number)s is %(status)s: nothing more can happen to it.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code=INVALID_TRANSITION,
        )
    if status not in step.sources:
        names = ", ".join(str(OrderStatus(s).label).lower() for s in step.sources)
        return ConflictError(
            _("Order %(number)s is %(status)s; only an order that is %(allowed)s can be %(done)s.")
            % {
                "number": order.number,
                "status": order.get_status_display().lower(),
                "allowed": names,
                "done": str(OrderStatus(step.target or status).label).lower(),
            },
            code=INVALID_TRANSITION,
        )
    if (
        step.name == "cancel"
        and user.role == Role.CUSTOMER_USER
        and status != OrderStatus.SUBMITTED
    ):
        return ConflictError(
            _("Order %(number)s is %(status)s already; to cancel it now, ask your account manager.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code=INVALID_TRANSITION,
        )
    return None


def _produced_first(user: User, order: Order) -> Refusal:
    """A made-to-order order is allocated once its production has finished."""
    if order.kind != OrderKind.MADE_TO_ORDER:
        return None
    custom = getattr(order, "custom_order", None)
    if custom is None or custom.status != CustomOrderStatus.PRODUCED:
        return ConflictError(
            _(
                "Order %(number)s is made to order: it can be allocated once production "
                "has finished."
            )
            % {"number": order.number},
            code=INVALID_TRANSITION,
        )
    return None


# --- input ---------------------------------------------------------------------------------
class ActionSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="A note for the timeline."
    )


class AllocateSerializer(ActionSerializer):
    warehouses = serializers.DictField(
        child=serializers.CharField(max_length=12),
        required=False,
        help_text="Optional: per order line (its id), the code of the warehouse to take it "
        "from instead of the one reserved at submission.",
    )


class ShipSerializer(ActionSerializer):
    carrier = serializers.CharField(max_length=60, required=False, allow_blank=True)
    waybill = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="The tracking number."
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the order is cancelled.")


def _clean_note(data: dict[str, Any]) -> dict[str, Any]:
    return {"message": str(data.get("message") or "").strip()[:2000]}


def _clean_allocate(data: dict[str, Any]) -> dict[str, Any]:
    """The note, and the warehouse chosen per line: the API's `warehouses` {line id: code}, or
    the page's `warehouse_<line id>` fields (blank: keep what is reserved)."""
    chosen = dict(data.get("warehouses") or {})
    chosen.update(
        {k.removeprefix("warehouse_"): v for k, v in data.items() if k.startswith("warehouse_")}
    )
    warehouses: dict[int, str] = {}
    for line, code in chosen.items():
        if not str(line).isdigit():
            raise ValidationError({"warehouses": [_("Name each line by its id.")]})
        if str(code or "").strip():
            warehouses[int(line)] = str(code).strip()[:12]
    return {**_clean_note(data), "warehouses": warehouses}


def _clean_ship(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = _clean_note(data)
    for name in ("carrier", "waybill"):
        value = str(data.get(name) or "").strip()
        if len(value) > 60:
            raise ValidationError({name: [_("At most 60 characters.")]})
        cleaned[name] = value
    return cleaned


def _clean_cancel(data: dict[str, Any]) -> dict[str, Any]:
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    return {"reason": reason}


# --- effects -------------------------------------------------------------------------------
def _allocated_stock(order: Order) -> list[tuple[StockLevel, int]]:
    """The order's allocations with their stock rows, locked in id order."""
    allocations = list(
        OrderAllocation.objects.filter(line__order=order).values_list(
            "warehouse_id", "line__sku_id", "quantity"
        )
    )
    if not allocations:
        return []
    pairs = Q()
    for warehouse_id, sku_id, _quantity in allocations:
        pairs |= Q(warehouse_id=warehouse_id, sku_id=sku_id)
    rows = {
        (s.warehouse_id, s.sku_id): s
        for s in StockLevel.objects.all_unscoped().select_for_update().filter(pairs).order_by("pk")
    }
    result = []
    for warehouse_id, sku_id, quantity in allocations:
        stock = rows.get((warehouse_id, sku_id))
        if stock is None:
            raise ConflictError(_("A warehouse of this order no longer stocks its product."))
        result.append((stock, quantity))
    return result


def _reallocate(context: StepContext[Order]) -> None:
    """Move a line's reservation to the warehouse the user chose (review D18): released
    where it was, reserved in the chosen one if it has the units available (400
    `insufficient_stock` otherwise). Stock rows are locked in id order."""
    order, chosen = context.obj, context.data.get("warehouses") or {}
    if not chosen or order.kind != OrderKind.STANDARD:
        return
    lines = {line.pk: line for line in order.lines.select_related("sku") if line.sku is not None}
    unknown = [str(pk) for pk in chosen if pk not in lines]
    if unknown:
        raise ValidationError({"warehouses": [_("No such line in this order.")]})
    targets = {w.code: w for w in Warehouse.objects.filter(code__in=set(chosen.values()))}
    for code in chosen.values():
        if code not in targets:
            raise ValidationError({"warehouses": [_("No warehouse %(code)s.") % {"code": code}]})
    allocations = list(OrderAllocation.objects.filter(line__order=order).select_related("line"))
    moves = []
    for pk, code in chosen.items():
        current = [a for a in allocations if a.line_id == pk]
        if all(a.warehouse_id == targets[code].pk for a in current):
            continue
        moves.append((lines[pk], targets[code], current))
    if not moves:
        return
    pairs = Q()
    for line, warehouse, current in moves:
        pairs |= Q(sku_id=line.sku_id, warehouse_id=warehouse.pk)
        for allocation in current:
            pairs |= Q(sku_id=line.sku_id, warehouse_id=allocation.warehouse_id)
    stock: dict[tuple[int, int | None], StockLevel] = {
        (s.warehouse_id, s.sku_id): s
        for s in StockLevel.objects.all_unscoped().select_for_update().filter(pairs).order_by("pk")
    }
    reason = _("Reserved for %(number)s") % {"number": order.number}
    for line, warehouse, current in moves:
        for allocation in current:
            row = stock.get((allocation.warehouse_id, line.sku_id))
            if row is not None:
                released = -min(allocation.quantity, row.reserved)
                stock_adjust(row, user=context.user, reason=reason, reserved=released)
            allocation.delete()
        target = stock.get((warehouse.pk, line.sku_id))
        if target is None or target.on_hand - target.reserved < line.quantity:
            available = 0 if target is None else target.on_hand - target.reserved
            raise ValidationError(
                {
                    "warehouses": [
                        ValidationError(
                            _("%(warehouse)s has only %(available)s of %(sku)s available.")
                            % {
                                "warehouse": warehouse.name,
                                "available": available,
                                "sku": line.sku.code if line.sku else "",
                            },
                            code="insufficient_stock",
                        )
                    ]
                }
            )
        stock_adjust(target, user=context.user, reason=reason, reserved=line.quantity)
        OrderAllocation.objects.create(line=line, warehouse=warehouse, quantity=line.quantity)


def _ship_stock(context: StepContext[Order]) -> None:
    """The reserved units leave the warehouses: on hand and reserved both go down; the
    carrier and waybill number are recorded."""
    order = context.obj
    order.carrier = context.data.get("carrier", "")
    order.waybill = context.data.get("waybill", "")
    if order.kind != OrderKind.STANDARD:
        return
    reason = _("Shipped for %(number)s") % {"number": order.number}
    for stock, quantity in _allocated_stock(order):
        stock_adjust(stock, user=context.user, reason=reason, on_hand=-quantity, reserved=-quantity)


def _release_stock(context: StepContext[Order]) -> None:
    """A cancelled order's reservations are released."""
    order = context.obj
    order.cancel_reason = context.data["reason"]
    if order.kind != OrderKind.STANDARD:
        return
    reason = _("Released by cancelling %(number)s") % {"number": order.number}
    for stock, quantity in _allocated_stock(order):
        stock_adjust(
            stock, user=context.user, reason=reason, reserved=-min(quantity, stock.reserved)
        )


def _event_text(order: Order, action: str) -> Any:
    if action == "allocate" and order.kind == OrderKind.STANDARD:
        places = (
            OrderAllocation.objects.filter(line__order=order)
            .order_by()
            .values_list("warehouse__name", flat=True)
            .distinct()
        )
        return texts.ALLOCATED(places=", ".join(sorted(places)))
    return None


def _event(context: StepContext[Order]) -> None:
    """The timeline event (and through it the mail and the bell)."""
    order, step = context.obj, context.step
    note = context.data.get("reason") or context.data.get("message") or ""
    record_event(
        subject=order,
        actor=context.user,
        from_status=context.previous,
        to_status=order.status,
        text=None if note else _event_text(order, step.name),
        message=note,
    )


# --- the declaration -----------------------------------------------------------------------
ORDER = Lifecycle(
    name="order",
    model=Order,
    states=OrderStatus,
    initial=OrderStatus.SUBMITTED,
    may=_may,
    state_refusal=_when,
    describe=lambda order: _("Order %(number)s") % {"number": order.number},
    api_basename="order",
    page_url=lambda order: reverse("order-detail", args=[order.number]),
    steps=[
        Step(
            "confirm",
            (OrderStatus.SUBMITTED,),
            OrderStatus.CONFIRMED,
            label=gettext_lazy("Confirm"),
            stamp="confirmed_at",
            roles=ORDER_STAFF,
            clean=_clean_note,
            input=ActionSerializer,
            event=_event,
            icon="ti-check",
            css="btn-primary",
            description="Confirm a submitted order (account manager, branch manager, "
            "headquarters).",
        ),
        Step(
            "allocate",
            (OrderStatus.CONFIRMED,),
            OrderStatus.ALLOCATED,
            label=gettext_lazy("Allocate stock"),
            stamp="allocated_at",
            roles=FULFILMENT_STAFF,
            guard=_produced_first,
            clean=_clean_allocate,
            effect=_reallocate,
            input=AllocateSerializer,
            event=_event,
            icon="ti-packages",
            css="btn-primary",
            description="Allocate a confirmed order's stock (branch manager, headquarters); a "
            "made-to-order order once produced.",
        ),
        Step(
            "ship",
            (OrderStatus.ALLOCATED,),
            OrderStatus.SHIPPED,
            label=gettext_lazy("Ship"),
            stamp="shipped_at",
            roles=FULFILMENT_STAFF,
            clean=_clean_ship,
            input=ShipSerializer,
            effect=_ship_stock,
            # Finance invoices the shipment in this transaction (`roots/finance/order_hooks.py`).
            event=_event,
            icon="ti-truck-delivery",
            css="btn-primary",
            description="Ship an allocated order: stock leaves the warehouses, finance "
            "invoices it.",
        ),
        Step(
            "deliver",
            (OrderStatus.SHIPPED,),
            OrderStatus.DELIVERED,
            label=gettext_lazy("Confirm delivery"),
            who="the customer's users; account_manager, branch_manager, hq_admin",
            stamp="delivered_at",
            roles=ORDER_STAFF,
            clean=_clean_note,
            input=ActionSerializer,
            event=_event,
            icon="ti-package-import",
            css="btn-success",
            description="Record the delivery of a shipped order (the customer or our staff).",
        ),
        Step(
            "close",
            (OrderStatus.DELIVERED,),
            OrderStatus.CLOSED,
            label=gettext_lazy("Close"),
            stamp="closed_at",
            roles=ORDER_STAFF,
            clean=_clean_note,
            input=ActionSerializer,
            event=_event,
            icon="ti-lock",
            description="Close a delivered order (account manager, branch manager, headquarters).",
        ),
        Step(
            "cancel",
            (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED),
            OrderStatus.CANCELLED,
            label=gettext_lazy("Cancel"),
            who="the customer's users while submitted; account_manager, branch_manager, hq_admin",
            stamp="cancelled_at",
            roles=ORDER_STAFF,
            clean=_clean_cancel,
            input=CancelSerializer,
            effect=_release_stock,
            event=_event,
            needs_form=True,
            description="Cancel an order with a reason: a customer user while it is "
            "submitted, staff until it is allocated. Its reserved stock is released.",
        ),
    ],
)
