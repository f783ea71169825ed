"""The demo data set: reference data, determinism, geography, logins and proportions."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from roots.customers.models import ChannelType, Contact, Customer, Outlet, Tier
from roots.demo.seeder import reset_demo_data, seed_demo
from roots.finance.models import Dispute, DisputeStatus, Statement, StatementStatus
from roots.orders.models import CustomOrder, CustomOrderStatus, Order, OrderStatus
from roots.org import geo
from roots.org.data import BRANCHES, CITIES, PROVINCES, call_centers
from roots.org.demo import demo_logins
from roots.org.models import Branch, CallCenter, Province, Role, User
from roots.procurement.models import Supplier
from roots.sellthrough.models import Upload
from roots.service.models import ACTIVE_STATUSES, Complaint


def _digest() -> str:
    """A fingerprint of everything seed_demo writes that must not depend on the run."""
    parts: list[object] = [
        list(
            Customer.objects.all_unscoped()
            .order_by("code")
            .values_list(
                "code",
                "name",
                "name_en",
                "channel_type",
                "branch__code",
                "account_manager__username",
                "tier",
                "priority",
                "is_key_account",
                "annual_revenue",
                "credit_limit",
                "address",
                "tax_id",
                "search_text",
            )
        ),
        list(
            Outlet.objects.all_unscoped()
            .order_by("code")
            .values_list(
                "code", "customer__code", "name", "province__code", "latitude", "longitude"
            )
        ),
        list(
            Contact.objects.all_unscoped()
            .order_by("customer__code", "name", "mobile")
            .values_list("customer__code", "name", "mobile", "birthday", "hobbies")
        ),
        list(User.objects.order_by("username").values_list("username", "role", "full_name")),
        list(Supplier.objects.order_by("code").values_list("code", "name", "province__code")),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


# --- reference data and the map ----------------------------------------------------------
def test_reference_data_matches_the_model_and_the_map() -> None:
    shapes = geo.province_shapes()
    assert len(PROVINCES) == 34
    assert len({p.code for p in PROVINCES}) == 34
    for province in PROVINCES:
        assert len(province.code) <= (Province._meta.get_field("code").max_length or 0)
        assert province.short_name in shapes, province.short_name
        assert shapes[province.short_name].code == province.code
    assert len(BRANCHES) == 42
    assert len({b.name for b in BRANCHES}) == 42
    for branch in BRANCHES:
        assert any(c.name == branch.city for c in CITIES[branch.province_code]), branch.city
    per_province = Counter(b.province_code for b in BRANCHES)
    assert sum(1 for n in per_province.values() if n >= 2) >= 5
    assert len(call_centers()) == 34


def test_map_decoding_puts_capitals_and_cities_in_their_province() -> None:
    shapes = geo.province_shapes()
    inside = [name for name, shape in shapes.items() if shape.contains(*shape.center)]
    assert len(inside) >= 32  # `cp` is each province's capital
    assert geo.province_of_point(120.3826, 36.0671) == "山东"  # Qingdao
    assert geo.province_of_point(116.4074, 39.9042) == "北京"
    assert geo.province_of_point(91.1721, 29.6520) == "西藏"  # Lhasa
    for province in PROVINCES:
        for city in CITIES[province.code]:
            assert geo.point_in_province(province.short_name, city.longitude, city.latitude), (
                city.name
            )


def test_a_missing_map_says_to_run_make_assets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    geo.province_shapes.cache_clear()
    monkeypatch.setattr(geo, "china_map_path", lambda: tmp_path / "china.js")
    try:
        with pytest.raises(ImproperlyConfigured, match="make assets"):
            geo.province_shapes()
    finally:
        geo.province_shapes.cache_clear()


# --- seeding -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_small_scale_seeds_every_kind_of_record() -> None:
    report = seed_demo(scale="small", seed=2026, log=lambda _m: None)
    assert Province.objects.count() == 34
    assert CallCenter.objects.count() == 34
    assert Branch.objects.count() == 4
    assert Customer.objects.all_unscoped().count() == 40
    assert Outlet.objects.all_unscoped().count() >= 40
    assert Contact.objects.all_unscoped().count() >= 40
    assert report.counts["customers"] == 40
    customer = Customer.objects.all_unscoped().order_by("code").first()
    assert customer is not None
    assert customer.code == "C000001"
    assert customer.history.filter(history_type="+").count() == 1
    assert customer.search_text  # refresh_search_text ran before bulk_create
    assert Outlet.objects.all_unscoped().order_by("code").first().code == "S0000001"  # type: ignore[union-attr]
    assert Supplier.objects.order_by("code").first().code == "P00001"  # type: ignore[union-attr]
    # every record got its "created" history row
    assert Customer.history.count() == Customer.objects.all_unscoped().count()
    assert Outlet.history.count() == Outlet.objects.all_unscoped().count()


@pytest.mark.django_db
def test_same_seed_gives_identical_data() -> None:
    seed_demo(scale="small", seed=7, log=lambda _m: None)
    first = _digest()
    reset_demo_data()
    assert not Customer.objects.all_unscoped().exists()
    seed_demo(scale="small", seed=7, log=lambda _m: None)
    assert _digest() == first
    reset_demo_data()
    seed_demo(scale="small", seed=8, log=lambda _m: None)
    assert _digest() != first


@pytest.mark.django_db
def test_every_outlet_lies_in_its_province() -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    outlets = Outlet.objects.all_unscoped().select_related("province")
    for outlet in outlets:
        assert outlet.latitude is not None and outlet.longitude is not None
        assert geo.point_in_province(
            outlet.province.short_name, float(outlet.longitude), float(outlet.latitude)
        ), outlet.code
        assert geo.province_of_point(float(outlet.longitude), float(outlet.latitude)) == (
            outlet.province.short_name
        )


@pytest.mark.django_db
def test_every_role_has_two_demo_users_that_fit_their_role() -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    counts = Counter(User.objects.values_list("role", flat=True))
    for role in Role.values:
        assert counts[role] >= 2, role
    assert not User.objects.filter(role=Role.ACCOUNT_MANAGER, branch__isnull=True).exists()
    assert not User.objects.filter(role=Role.BRANCH_MANAGER, branch__isnull=True).exists()
    assert not User.objects.filter(role=Role.CALL_AGENT, call_center__isnull=True).exists()
    key_accounts = Customer.objects.all_unscoped().filter(is_key_account=True)
    assert set(key_accounts.values_list("pk", flat=True)) <= set(
        User.objects.filter(role=Role.CUSTOMER_USER).values_list("customer_id", flat=True)
    )
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1  # hashed once, shared
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.HQ_ADMIN
    assert admin.check_password("roots-demo-2026")
    assert User.objects.filter(language="en").count() >= 2
    # customers are managed by account managers of their own branch
    for customer in Customer.objects.all_unscoped().select_related("account_manager"):
        if customer.account_manager is not None:
            assert customer.account_manager.branch_id == customer.branch_id


@pytest.mark.django_db
def test_demo_users_json_lists_two_logins_per_role() -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    out = StringIO()
    call_command("demo_users", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    assert isinstance(logins, list)
    assert Counter(x["role"] for x in logins) == dict.fromkeys(Role.values, 2)
    for login in logins:
        assert set(login) == {"username", "role", "branch", "customer", "supplier"}
        user = User.objects.get(username=login["username"])
        assert user.role == login["role"]
        assert login["branch"] == (user.branch.code if user.branch else None)
        assert login["customer"] == (user.customer.code if user.customer else None)
        assert login["supplier"] == (user.supplier.code if user.supplier else None)
    first = {x["role"]: x["username"] for x in reversed(logins)}
    assert first["hq_admin"] == "admin"
    assert first["product_manager"] == "pm1"
    table = StringIO()
    call_command("demo_users", "--table", stdout=table)
    assert "roots-demo-2026" in table.getvalue()


@pytest.mark.django_db
def test_channel_mix_and_value_tiers_are_plausible() -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    customers = list(Customer.objects.all_unscoped())
    by_channel = Counter(c.channel_type for c in customers)
    assert set(by_channel) == set(ChannelType.values)
    two_biggest = {channel for channel, _n in by_channel.most_common(2)}
    assert two_biggest == {ChannelType.FRANCHISE_STORE, ChannelType.SPECIALTY_STORE}
    key = [c for c in customers if c.is_key_account]
    assert 0 < len(key) <= len(customers) * 0.25
    chains = (ChannelType.MULTINATIONAL_CHAIN, ChannelType.LOCAL_CHAIN)
    assert sum(c.channel_type in chains for c in key) > len(key) / 2
    revenue = {t: [c.annual_revenue or 0 for c in customers if c.tier == t] for t in Tier.values}
    assert min(revenue[Tier.VIP]) >= max(revenue[Tier.MAJOR])
    assert min(revenue[Tier.ORDINARY]) >= max(revenue[Tier.SMALL])
    assert all(c.priority in {"A+", "A"} for c in customers if c.tier == Tier.VIP)
    assert all(c.credit_limit > 0 for c in customers if c.status == "active")


@pytest.mark.django_db
def test_commands_are_idempotent_and_report_emptiness() -> None:
    out = StringIO()
    call_command("demo_empty", stdout=out)
    assert out.getvalue().strip() == "empty"
    call_command("seed_demo", "--scale", "small", verbosity=0)
    out = StringIO()
    call_command("demo_empty", stdout=out)
    assert out.getvalue().strip() == "loaded"
    count = Customer.objects.all_unscoped().count()
    out = StringIO()
    call_command("seed_demo", "--scale", "small", stdout=out)
    assert "already" in out.getvalue()
    assert Customer.objects.all_unscoped().count() == count
    call_command("seed_demo", "--scale", "small", "--reset", verbosity=0)
    assert Customer.objects.all_unscoped().count() == count


@pytest.mark.django_db
def test_existing_users_are_kept_not_overwritten() -> None:
    User.objects.create_user(username="admin", password="own-password-1", role="")
    User.objects.create_user(username="hq2", password="own-password-2", role=Role.HQ_ADMIN)
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    admin = User.objects.get(username="admin")
    assert admin.role == "" and admin.check_password("own-password-1")
    assert User.objects.get(username="hq2").check_password("own-password-2")
    assert Customer.objects.all_unscoped().count() == 40


# --- what the README's logins find (D25) and the seeding moment (D10) -----------------------
@pytest.fixture
def early_morning(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """Seed at 07:50 on the demo's "today": events laid out later that day (a statement
    confirmed at 16:25, an order at 14:38) would be in the future."""
    from roots.org.demo.common import AS_OF, seeding_moment

    moment = datetime.combine(AS_OF, time(7, 50), tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    seeding_moment.cache_clear()
    yield moment
    seeding_moment.cache_clear()


# Forward-looking moments: deadlines and plans, which are in the future by design. (And
# `date_joined`: its default holds the real clock, which the fixture cannot move back.)
FORWARD_FIELDS = {"production_due", "response_due", "resolution_due", "planned_at", "date_joined"}


@pytest.mark.django_db
def test_no_demo_event_is_dated_after_the_moment_of_seeding(early_morning: datetime) -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    late = []
    for model in apps.get_models():
        if not model.__module__.startswith("roots."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateTimeField) or field.name in FORWARD_FIELDS:
                continue
            count = model._base_manager.filter(**{f"{field.name}__gt": early_morning}).count()
            if count:
                late.append(f"{model._meta.label}.{field.name}: {count}")
    assert late == []
    confirmed = Statement.objects.all_unscoped().exclude(confirmed_at=None)
    assert confirmed.exists()


@pytest.mark.django_db
def test_the_readme_logins_find_work_waiting(early_morning: datetime) -> None:
    seed_demo(scale="small", seed=2026, log=lambda _m: None)
    logins = demo_logins()
    customer_logins = [x.username for x in logins if x.role == Role.CUSTOMER_USER]
    assert customer_logins == ["cu_c000005", "cu_c000009"]  # as the README lists them
    for username in customer_logins:
        user = User.objects.get(username=username)
        statements = Statement.objects.visible_to(user)
        assert statements.filter(status=StatementStatus.ISSUED).exists(), username
        quoted = CustomOrder.objects.visible_to(user).filter(status=CustomOrderStatus.QUOTED)
        assert quoted.exists(), username
        assert Complaint.objects.visible_to(user).filter(status__in=ACTIVE_STATUSES).exists()
        upload = Upload.objects.visible_to(user).filter(rows_rejected__gt=0).first()
        assert upload is not None, username
        assert upload.rows_accepted > 0
        assert upload.errors.count() == upload.rows_rejected
    staff = [
        x.username
        for x in logins
        if x.role in (Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.HQ_ADMIN)
    ]
    assert {"bm_beijing", "bm_jinan", "am_beijing_01", "am_beijing_02"} <= set(staff)
    for username in staff:
        user = User.objects.get(username=username)
        to_confirm = Order.objects.visible_to(user).filter(status=OrderStatus.SUBMITTED)
        assert to_confirm.exists(), username
    # the account manager of a README customer has a dispute of it to answer
    am = User.objects.get(username="am_beijing_01")
    assert Dispute.objects.visible_to(am).filter(status=DisputeStatus.OPEN).exists()
    for username in ("pm1", "pm2"):
        pm = User.objects.get(username=username)
        assert CustomOrder.objects.visible_to(pm).filter(status=CustomOrderStatus.REQUESTED)
