"""The daily board's services and selectors: building from each source, idempotency, the
carry-over copy, the user's steps, the day's end and the clearing rates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from conftest import shared_personas
from roots.core.exceptions import ConflictError
from roots.orders.models import CustomOrder, CustomOrderStatus
from roots.sales.daily import selectors, services
from roots.sales.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    DailyItem,
    DailyItemKind,
    DailyItemStatus,
)
from roots.sellthrough.models import SellThrough
from roots.service.models import Complaint, ComplaintStatus

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return services.board_today()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return services.day_start(day) + datetime.timedelta(hours=hour)


def activity(owner: Any, *, planned_at: datetime.datetime, customer: Any = None, **extra: Any):
    return Activity.objects.create(
        owner=owner,
        branch=owner.branch,
        kind=ActivityKind.VISIT,
        subject=extra.pop("subject", "回访门店"),
        customer=customer,
        planned_at=planned_at,
        **extra,
    )


def complaint(personas: Any, *, owner: Any, response_in: float, resolution_in: float, **extra):
    now = timezone.now()
    count = Complaint.objects.count()
    return Complaint.objects.create(
        number=f"CP{90000000 + count}",
        customer=extra.pop("customer", personas.cust_a1),
        category="delivery",
        subject=extra.pop("subject", "送货延迟"),
        description="x",
        owner=owner,
        raised_at=now,
        response_due=now + datetime.timedelta(hours=response_in),
        resolution_due=now + datetime.timedelta(hours=resolution_in),
        **extra,
    )


def custom_order(personas: Any, *, status: str, customer: Any = None, **extra: Any):
    customer = customer or personas.cust_a1
    count = CustomOrder.objects.count()
    return CustomOrder.objects.create(
        number=f"MO{90000000 + count}",
        customer=customer,
        outlet=customer.outlets.first(),
        title=extra.pop("title", "定制冰箱"),
        category=personas.sku.product_model.category,
        quantity=100,
        status=status,
        **extra,
    )


def stock_out(personas: Any, *, outlet: Any = None, day: datetime.date | None = None) -> None:
    """A report that sells one unit a day and holds three: three days of cover."""
    outlet = outlet or personas.outlet_a1
    SellThrough.objects.create(
        customer=outlet.customer,
        outlet=outlet,
        sku=personas.sku,
        date=(day or today()) - DAY,
        units_received=0,
        units_sold=28,
        revenue=Decimal("28000"),
        stock_units=3,
        unit_cost=Decimal("1000"),
    )


def items(user: Any, day: datetime.date | None = None) -> list[DailyItem]:
    return list(DailyItem.objects.filter(user=user, day=day or today()).order_by("pk"))


def keys(user: Any, day: datetime.date | None = None) -> set[str]:
    return {item.source_key for item in items(user, day)}


# --- sources ---------------------------------------------------------------------------------
def test_overdue_and_todays_follow_ups_of_the_owner_only(personas):
    overdue = activity(personas.am_a, planned_at=at(today() - 2 * DAY), customer=personas.cust_a1)
    later_today = activity(personas.am_a, planned_at=at(today(), 18))
    activity(personas.am_a, planned_at=at(today() + DAY))  # tomorrow: not yet
    activity(personas.am_a, planned_at=at(today() - DAY), status=ActivityStatus.DONE)
    activity(personas.am_a2, planned_at=at(today() - DAY))  # someone else's

    services.daily_board_build(user=personas.am_a, day=today())

    got = items(personas.am_a)
    assert {i.source_key for i in got} == {f"activity:{overdue.pk}", f"activity:{later_today.pk}"}
    first = next(i for i in got if i.source_key == f"activity:{overdue.pk}")
    assert first.kind == DailyItemKind.FOLLOW_UP
    assert first.title == "Follow up: 回访门店"
    assert personas.cust_a1.name in first.detail and "Visit planned for" in first.detail
    assert first.url  # the activity page, or the customer's while there is none


def test_complaints_near_their_deadline_that_the_user_owns(personas):
    due_soon = complaint(personas, owner=personas.am_a, response_in=2, resolution_in=72)
    far = complaint(personas, owner=personas.am_a, response_in=24 * 5, resolution_in=24 * 6)
    answered_far = complaint(
        personas,
        owner=personas.am_a,
        response_in=1,
        resolution_in=24 * 4,
        first_response_at=timezone.now(),
        status=ComplaintStatus.IN_PROGRESS,
    )
    answered_soon = complaint(
        personas,
        owner=personas.am_a,
        response_in=1,
        resolution_in=20,
        first_response_at=timezone.now(),
        status=ComplaintStatus.IN_PROGRESS,
    )
    complaint(
        personas,
        owner=personas.am_a,
        response_in=1,
        resolution_in=2,
        status=ComplaintStatus.RESOLVED,
        resolved_at=timezone.now(),
    )
    complaint(personas, owner=personas.am_a2, response_in=1, resolution_in=2)

    services.daily_board_build(user=personas.am_a, day=today())

    assert keys(personas.am_a) == {f"complaint:{due_soon.pk}", f"complaint:{answered_soon.pk}"}
    assert f"complaint:{far.pk}" not in keys(personas.am_a)
    assert f"complaint:{answered_far.pk}" not in keys(personas.am_a)
    item = DailyItem.objects.get(source_key=f"complaint:{due_soon.pk}")
    assert item.kind == DailyItemKind.COMPLAINT
    assert item.title.startswith(due_soon.number)
    assert "answer by" in item.detail
    assert item.url == f"/complaints/{due_soon.number}/"
    resolve = DailyItem.objects.get(source_key=f"complaint:{answered_soon.pk}")
    assert "resolve by" in resolve.detail


def test_product_managers_get_requests_to_quote_and_accepted_orders_to_start(personas):
    to_quote = custom_order(personas, status=CustomOrderStatus.REQUESTED)
    to_start = custom_order(
        personas,
        status=CustomOrderStatus.ACCEPTED,
        customer=personas.cust_b1,
        production_due=timezone.now() + 3 * DAY,
    )
    custom_order(personas, status=CustomOrderStatus.QUOTED, quoted_at=timezone.now() - 5 * DAY)
    custom_order(personas, status=CustomOrderStatus.IN_PRODUCTION)

    services.daily_board_build(user=personas.pm, day=today())

    assert keys(personas.pm) == {f"custom:{to_quote.pk}:quote", f"custom:{to_start.pk}:produce"}
    quote = DailyItem.objects.get(user=personas.pm, source_key=f"custom:{to_quote.pk}:quote")
    assert quote.kind == DailyItemKind.CUSTOM_ORDER
    assert quote.title.startswith(f"Quote {to_quote.number}")
    assert quote.url == f"/custom-orders/{to_quote.number}/"
    produce = DailyItem.objects.get(source_key=f"custom:{to_start.pk}:produce")
    assert produce.title.startswith(f"Start production of {to_start.number}")


def test_account_managers_chase_quotes_waiting_on_their_customer_over_two_days(personas):
    start = services.day_start(today())
    waiting = custom_order(personas, status=CustomOrderStatus.QUOTED, quoted_at=start - 3 * DAY)
    custom_order(personas, status=CustomOrderStatus.QUOTED, quoted_at=start - DAY)  # too fresh
    custom_order(  # expired
        personas,
        status=CustomOrderStatus.QUOTED,
        quoted_at=start - 9 * DAY,
        quote_valid_until=today() - DAY,
    )
    custom_order(  # another account manager's customer
        personas,
        status=CustomOrderStatus.QUOTED,
        quoted_at=start - 5 * DAY,
        customer=personas.cust_a2,
    )
    custom_order(personas, status=CustomOrderStatus.REQUESTED)  # the product manager's turn

    services.daily_board_build(user=personas.am_a, day=today())

    assert keys(personas.am_a) == {f"custom:{waiting.pk}:decide"}
    item = DailyItem.objects.get(user=personas.am_a)
    assert personas.cust_a1.name in item.title and waiting.number in item.title


def test_stock_out_risks_of_the_account_managers_customers(personas):
    stock_out(personas)  # A1: am_a's customer
    stock_out(personas, outlet=personas.outlet_b1)  # B1: am_b's

    services.daily_board_build(user=personas.am_a, day=today())
    services.daily_board_build(user=personas.am_a2, day=today())

    key = f"stock:{personas.outlet_a1.code}:{personas.sku.code}"
    assert keys(personas.am_a) == {key}
    assert keys(personas.am_a2) == set()
    item = DailyItem.objects.get(user=personas.am_a)
    assert item.kind == DailyItemKind.STOCK_OUT
    assert personas.outlet_a1.name in item.title
    assert "3 in stock" in item.detail and "3.0 days of cover" in item.detail
    assert item.url == f"/outlets/{personas.outlet_a1.code}/"


def test_branch_managers_get_only_the_worst_few_stock_outs_of_their_branch(
    personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: dict[str, Any] = {}

    def fake(**kwargs: Any) -> list[Any]:
        asked.update(kwargs)
        return []

    monkeypatch.setattr(services, "_stock_alerts", fake)
    services.daily_board_build(user=personas.bm_a, day=today())
    assert asked["limit"] == services.BRANCH_STOCK_OUTS
    assert asked["kind"] == "stock_out" and asked["user"] == personas.bm_a

    stock_out(personas)
    monkeypatch.undo()
    services.daily_board_build(user=personas.bm_a, day=today())
    assert keys(personas.bm_a) == {f"stock:{personas.outlet_a1.code}:{personas.sku.code}"}
    services.daily_board_build(user=personas.bm_b, day=today())
    assert keys(personas.bm_b) == set()


@pytest.mark.parametrize("role", ["hq", "agent", "engineer"])
def test_roles_without_sources_get_an_empty_board(personas, role):
    stock_out(personas)
    custom_order(personas, status=CustomOrderStatus.REQUESTED)
    result = services.daily_board_build(user=getattr(personas, role), day=today())
    assert result == {"closed": 0, "carried_in": 0, "added": 0}


@pytest.mark.parametrize("role", ["cu_a1", "su"])
def test_customer_and_supplier_users_have_no_board(personas, role):
    user = getattr(personas, role)
    assert services.daily_board_build(user=user, day=today())["added"] == 0
    with pytest.raises(PermissionDenied):
        services.daily_item_add(user=user, title="x")


# --- idempotency and carry-over --------------------------------------------------------------
def test_building_twice_adds_nothing(personas):
    activity(personas.am_a, planned_at=at(today() - DAY))
    complaint(personas, owner=personas.am_a, response_in=1, resolution_in=5)
    stock_out(personas)
    first = services.daily_board_build(user=personas.am_a, day=today())
    assert first["added"] == 3
    again = services.daily_board_build(user=personas.am_a, day=today())
    assert again == {"closed": 0, "carried_in": 0, "added": 0}
    assert len(items(personas.am_a)) == 3


def test_a_done_item_is_not_added_again_the_same_day(personas):
    activity(personas.am_a, planned_at=at(today() - DAY))
    services.daily_board_build(user=personas.am_a, day=today())
    (item,) = items(personas.am_a)
    services.daily_item_done(user=personas.am_a, item=item)
    services.daily_board_build(user=personas.am_a, day=today())
    assert [i.status for i in items(personas.am_a)] == [DailyItemStatus.DONE]


def test_carried_items_are_copied_into_the_next_day_once(personas):
    yesterday = today() - DAY
    task = DailyItem.objects.create(
        user=personas.am_a, day=yesterday, kind=DailyItemKind.TASK, title="写周报"
    )
    sourced = DailyItem.objects.create(
        user=personas.am_a,
        day=yesterday,
        kind=DailyItemKind.COMPLAINT,
        title="CP1: 投诉",
        url="/complaints/CP1/",
        source_key="complaint:999",
        status=DailyItemStatus.CARRIED,
        carry_reason="客户不在",
    )
    done = DailyItem.objects.create(
        user=personas.am_a,
        day=yesterday,
        kind=DailyItemKind.TASK,
        title="已完成",
        status=DailyItemStatus.DONE,
    )

    result = services.daily_board_build(user=personas.am_a, day=today())

    # The open task of yesterday was closed as the day's end would have, then copied.
    task.refresh_from_db()
    assert task.status == DailyItemStatus.CARRIED
    assert task.carry_reason == "Not cleared by the end of the day"
    assert result == {"closed": 1, "carried_in": 2, "added": 0}
    copies = {item.carried_from_id: item for item in items(personas.am_a)}
    assert set(copies) == {task.pk, sourced.pk}
    assert done.pk not in copies
    assert copies[task.pk].source_key == f"carry:{task.pk}"
    assert copies[task.pk].kind == DailyItemKind.TASK and copies[task.pk].title == "写周报"
    assert copies[sourced.pk].source_key == "complaint:999"
    assert copies[sourced.pk].url == "/complaints/CP1/"
    assert all(item.status == DailyItemStatus.OPEN for item in copies.values())

    assert services.daily_board_build(user=personas.am_a, day=today())["carried_in"] == 0
    assert len(items(personas.am_a)) == 2


def test_a_task_carried_twice_keeps_its_first_key(personas):
    two_days_ago = today() - 2 * DAY
    task = DailyItem.objects.create(
        user=personas.am_a, day=two_days_ago, kind=DailyItemKind.TASK, title="拜访"
    )
    services.daily_board_build(user=personas.am_a, day=today() - DAY)
    (copy,) = items(personas.am_a, today() - DAY)
    assert copy.source_key == f"carry:{task.pk}"
    services.daily_board_build(user=personas.am_a, day=today())
    (second,) = items(personas.am_a)
    assert second.source_key == f"carry:{task.pk}" and second.carried_from_id == copy.pk


def test_a_carried_item_whose_source_is_already_on_the_day_is_linked_not_doubled(personas):
    complaint_ = complaint(personas, owner=personas.am_a, response_in=1, resolution_in=5)
    key = f"complaint:{complaint_.pk}"
    services.daily_board_build(user=personas.am_a, day=today())  # from the source
    old = DailyItem.objects.create(
        user=personas.am_a,
        day=today() - DAY,
        kind=DailyItemKind.COMPLAINT,
        title="x",
        source_key=key,
        status=DailyItemStatus.CARRIED,
        carry_reason="等客户回复",
    )
    services.daily_board_build(user=personas.am_a, day=today())
    (item,) = items(personas.am_a)
    assert item.source_key == key and item.carried_from_id == old.pk


# --- the user's steps -------------------------------------------------------------------------
def test_add_done_carry_reopen(personas):
    item = services.daily_item_add(user=personas.am_a, title="  打电话给张伟  ", detail="确认订单")
    assert (item.kind, item.title, item.day, item.status) == (
        DailyItemKind.TASK,
        "打电话给张伟",
        today(),
        DailyItemStatus.OPEN,
    )
    done = services.daily_item_done(user=personas.am_a, item=item)
    assert done.status == DailyItemStatus.DONE and done.closed_at is not None
    with pytest.raises(ConflictError, match="done already"):
        services.daily_item_done(user=personas.am_a, item=item)
    with pytest.raises(ConflictError):
        services.daily_item_carry(user=personas.am_a, item=item, reason="x")
    reopened = services.daily_item_reopen(user=personas.am_a, item=item)
    assert reopened.status == DailyItemStatus.OPEN and reopened.closed_at is None
    carried = services.daily_item_carry(user=personas.am_a, item=item, reason=" 客户出差 ")
    assert carried.status == DailyItemStatus.CARRIED and carried.carry_reason == "客户出差"
    with pytest.raises(ConflictError, match="reopen it first"):
        services.daily_item_done(user=personas.am_a, item=item)
    with pytest.raises(ConflictError, match="open already"):
        services.daily_item_reopen(
            user=personas.am_a, item=services.daily_item_reopen(user=personas.am_a, item=item)
        )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_carry_needs_a_reason(personas, reason):
    item = services.daily_item_add(user=personas.am_a, title="x")
    with pytest.raises(ValidationError) as error:
        services.daily_item_carry(user=personas.am_a, item=item, reason=reason)  # type: ignore[arg-type]
    assert "reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.status == DailyItemStatus.OPEN


def test_task_needs_a_title_within_bounds(personas):
    with pytest.raises(ValidationError) as error:
        services.daily_item_add(user=personas.am_a, title=" ")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.daily_item_add(user=personas.am_a, title="x" * 301)
    assert "title" in error.value.message_dict


def test_only_the_items_user_changes_it(personas):
    item = services.daily_item_add(user=personas.am_a, title="x")
    for other in (personas.bm_a, personas.hq, personas.am_a2):
        with pytest.raises(PermissionDenied):
            services.daily_item_done(user=other, item=item)
        with pytest.raises(PermissionDenied):
            services.daily_item_carry(user=other, item=item, reason="x")
    item.refresh_from_db()
    assert item.status == DailyItemStatus.OPEN


def test_items_of_past_days_are_closed_for_changes(personas):
    old = DailyItem.objects.create(
        user=personas.am_a, day=today() - DAY, kind=DailyItemKind.TASK, title="昨天的"
    )
    for step in (services.daily_item_done, services.daily_item_reopen):
        with pytest.raises(ConflictError, match="This day is over"):
            step(user=personas.am_a, item=old)
    with pytest.raises(ConflictError):
        services.daily_item_carry(user=personas.am_a, item=old, reason="x")
    old.refresh_from_db()
    assert old.status == DailyItemStatus.OPEN


def test_a_carried_item_already_copied_cannot_be_reopened(personas):
    item = services.daily_item_add(user=personas.am_a, title="x")
    services.daily_item_carry(user=personas.am_a, item=item, reason="明天")
    services.daily_board_build(user=personas.am_a, day=today() + DAY)
    with pytest.raises(ConflictError, match="already carried"):
        services.daily_item_reopen(user=personas.am_a, item=item)


# --- the day's end ---------------------------------------------------------------------------
def test_close_daily_boards_carries_every_open_item_in_its_users_language(personas):
    personas.am_a2.language = "en"
    personas.am_a2.save(update_fields=["language"])
    a = services.daily_item_add(user=personas.am_a, title="a")
    b = services.daily_item_add(user=personas.am_a2, title="b")
    c = services.daily_item_add(user=personas.am_b, title="c")
    done = services.daily_item_done(user=personas.am_b, item=c)
    tomorrow = DailyItem.objects.create(
        user=personas.am_a, day=today() + DAY, kind=DailyItemKind.TASK, title="d"
    )
    assert services.daily_boards_close(day=today()) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    done.refresh_from_db()
    tomorrow.refresh_from_db()
    assert a.status == b.status == DailyItemStatus.CARRIED
    with translation.override(settings.LANGUAGE_CODE):  # am_a has no language: the site's
        assert a.carry_reason == str(services.NOT_CLEARED_REASON)
    assert b.carry_reason == "Not cleared by the end of the day"
    assert done.status == DailyItemStatus.DONE
    assert tomorrow.status == DailyItemStatus.OPEN


def test_commands_close_and_build(personas, capsys):
    item = services.daily_item_add(user=personas.am_a, title="写报告")
    call_command("close_daily_boards", day=today().isoformat())
    assert "1 open items carried over" in capsys.readouterr().out
    item.refresh_from_db()
    assert item.status == DailyItemStatus.CARRIED

    call_command("build_daily_boards", day=(today() + DAY).isoformat())
    out = capsys.readouterr().out
    assert "1 items carried in" in out
    copy = DailyItem.objects.get(carried_from=item)
    assert copy.day == today() + DAY and copy.title == "写报告"


def test_tasks_run_the_same_services(personas):
    from roots.sales.daily.tasks import build_daily_boards_task, close_daily_boards_task

    services.daily_item_add(user=personas.am_a, title="x")
    result = close_daily_boards_task.enqueue(today().isoformat())
    assert result.return_value == 1
    result = build_daily_boards_task.enqueue((today() + DAY).isoformat())
    assert result.return_value["carried_in"] == 1


# --- clearing rates ---------------------------------------------------------------------------
def test_clearing_rate_is_done_over_all_items_of_the_day(personas):
    yesterday = today() - DAY
    for n, status in enumerate(["done", "done", "done", "carried", "open"]):
        DailyItem.objects.create(
            user=personas.am_a,
            day=yesterday,
            kind=DailyItemKind.TASK,
            title=f"t{n}",
            status=status,
            carry_reason="x" if status == "carried" else "",
        )
    DailyItem.objects.create(
        user=personas.am_a2, day=yesterday, kind=DailyItemKind.TASK, title="t", status="done"
    )
    (rates,) = selectors.clearing_rates(
        user=personas.am_a, owners=[personas.am_a], date_from=yesterday - DAY, date_to=yesterday
    )
    assert [(d.day, d.items, d.done, d.rate) for d in rates.days] == [
        (yesterday - DAY, 0, 0, None),
        (yesterday, 5, 3, 0.6),
    ]
    team = selectors.team_view(user=personas.bm_a, today=today())
    assert team is not None
    rows = {row.username: row for row in team.rows}
    assert set(rows) == {"bm_a", "am_a", "am_a2", "engineer"}
    assert rows["am_a"].days[-2].percent == 60
    assert rows["am_a2"].days[-2].rate == 1.0
    assert team.team[-2].items == 6 and team.team[-2].done == 4
    assert team.team[-1].rate is None


def test_team_view_scoping(personas):
    DailyItem.objects.create(
        user=personas.am_b, day=today(), kind=DailyItemKind.TASK, title="t", status="done"
    )
    assert selectors.team_view(user=personas.am_a, today=today()) is None
    assert selectors.team_view(user=personas.bm_a, today=today(), branch_code="BB") is None
    bm_b = selectors.team_view(user=personas.bm_b, today=today())
    assert bm_b is not None and {r.username for r in bm_b.rows} == {"bm_b", "am_b"}
    overview = selectors.team_view(user=personas.hq, today=today())
    assert overview is not None and overview.by_branch
    assert [row.link for row in overview.rows] == ["BA", "BB", selectors.NO_BRANCH]
    assert overview.rows[1].days[-1].items == 1
    branch_b = selectors.team_view(user=personas.hq, today=today(), branch_code="BB")
    assert branch_b is not None and {r.username for r in branch_b.rows} == {"bm_b", "am_b"}
    nobody = selectors.team_view(user=personas.hq, today=today(), branch_code="-")
    assert nobody is not None and {r.username for r in nobody.rows} == {"hq", "pm", "agent"}
    assert selectors.team_view(user=personas.hq, today=today(), branch_code="XX") is None


def test_board_owner_scoping(personas):
    assert selectors.board_owner(user=personas.am_a, username=None) == personas.am_a
    assert selectors.board_owner(user=personas.am_a, username="am_a2") is None
    assert selectors.board_owner(user=personas.bm_a, username="am_a2") == personas.am_a2
    assert selectors.board_owner(user=personas.bm_a, username="am_b") is None
    assert selectors.board_owner(user=personas.bm_a, username="cu_a1") is None
    assert selectors.board_owner(user=personas.hq, username="am_b") == personas.am_b
