"""Writes the demo data set: reference data, staff, suppliers, customers and portal users.

Everything random comes from `DemoRandom(seed, section)`, so that the same seed gives the
same data on any machine and any day; rows are written with `bulk_create` (with their
"created" history rows) inside one transaction.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from roots.catalog.demo import seed_catalog
from roots.core.demo import save_rows
from roots.core.models import Sequence
from roots.customers.models import ChannelType, Contact, Customer, CustomerStatus, Outlet
from roots.demo.companies import (
    CHANNEL_ORDER,
    CHANNELS,
    CustomerFactory,
    CustomerPlan,
    Territory,
    assign_value,
)
from roots.finance.demo import seed_finance
from roots.orders.custom.demo import seed_custom_orders
from roots.orders.demo import seed_orders
from roots.org.data import BRANCHES, CITIES, PROVINCES, BranchRef, call_centers, words
from roots.org.demo.common import DEMO_EMAIL_DOMAIN, DemoRandom, apportion
from roots.org.models import Branch, CallCenter, Province, Role, User
from roots.portal.demo import seed_news
from roots.procurement.models import Supplier
from roots.sales.demo import seed_sales
from roots.sellthrough.demo import seed_sellthrough
from roots.service.demo import seed_complaints

AS_OF_END = date.max
BATCH = 1000


@dataclass(frozen=True, slots=True)
class Scale:
    """How much demo data to make."""

    name: str
    branch_codes: tuple[str, ...] | None  # None: all 42
    customers: int
    account_managers: int
    hq_admins: int
    product_managers: int
    agents_per_call_center: int
    engineers_per_branch: int
    suppliers: int
    supplier_users: int
    extra_customer_user_share: float


SCALES: dict[str, Scale] = {
    # Four branches in three provinces: quick enough for `make run` and the tests.
    "small": Scale("small", ("B01", "B22", "B23", "B30"), 40, 8, 2, 2, 1, 1, 12, 3, 0.05),
    "medium": Scale("medium", None, 1_000, 126, 3, 6, 1, 2, 200, 20, 0.02),
    # DESIGN.md section 2: 42 branches, 600+ account managers with ~10 customers each,
    # 6,000-7,000 outlets, 2,000+ suppliers, 34 call centres.
    "haier": Scale("haier", None, 6_300, 630, 6, 60, 5, 10, 2_100, 210, 0.02),
}


@dataclass
class SeedReport:
    """What `seed_demo` made and how long it took."""

    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def branch_territories() -> dict[str, Territory]:
    """The cities each branch serves: every city of a province goes to the nearest branch
    of that province (Shandong's cities split between Jinan, Qingdao, Yantai and Linyi);
    provinces without a branch of their own (Tibet) go to the branch covering them, at
    half weight. The branch's own city counts double."""
    result: dict[str, Territory] = {b.code: [] for b in BRANCHES}
    home_city = {
        b.code: next(c for c in CITIES[b.province_code] if c.name == b.city) for b in BRANCHES
    }
    for province in PROVINCES:
        covering = [b for b in BRANCHES if province.code in b.covers]
        if not covering:
            continue
        own = [b for b in covering if b.province_code == province.code] or covering
        for city in CITIES[province.code]:
            nearest = min(
                own,
                key=lambda b: (
                    math.hypot(
                        home_city[b.code].longitude - city.longitude,
                        home_city[b.code].latitude - city.latitude,
                    ),
                    b.code,
                ),
            )
            weight = float(city.weight)
            if nearest.province_code != province.code:
                weight *= 0.5
            if city.name == nearest.city:
                weight *= 2
            result[nearest.code].append((province, city, weight))
    return result


def _history_model(model: type[models.Model]) -> Any:
    history = getattr(model, "history", None)
    return getattr(history, "model", None)


def _save(model: type[models.Model], objs: list[Any]) -> list[Any]:
    return save_rows(model, objs, batch_size=BATCH)


def _create_missing(model: type[models.Model], objs: list[Any], key: str = "code") -> dict:
    """Create the objects whose `key` is not in the table yet; answer all by key."""
    existing = {getattr(o, key): o for o in model._default_manager.all()}
    _save(model, [o for o in objs if getattr(o, key) not in existing])
    wanted = {getattr(o, key) for o in objs}
    return {
        getattr(o, key): o
        for o in model._default_manager.filter(**{f"{key}__in": wanted}).order_by(key)
    }


class Seeder:
    """One run of the generator (use `seed_demo`)."""

    def __init__(self, *, scale: Scale, seed: int, log: Callable[[str], None]) -> None:
        self.scale = scale
        self.seed = seed
        self.log = log
        self.report = SeedReport(scale=scale.name, seed=seed)
        self.password = make_password(settings.DEMO_PASSWORD)  # hashed once: Argon2 is slow
        self.usernames = set(User.objects.values_list("username", flat=True))

    def rand(self, section: str) -> DemoRandom:
        return DemoRandom(self.seed, section)

    def run(self) -> SeedReport:
        started = time.perf_counter()

        def step(label: str) -> None:
            self.log(f"  {time.perf_counter() - started:6.1f}s  {label}")

        provinces = self._provinces()
        centers = self._call_centers(provinces)
        branch_refs = [
            b
            for b in BRANCHES
            if self.scale.branch_codes is None or b.code in self.scale.branch_codes
        ]
        branches = self._branches(branch_refs, provinces)
        step("provinces, call centres and branches")
        managers = self._staff(branch_refs, branches, centers)
        step("staff users")
        suppliers = self._suppliers(provinces)
        step("suppliers")
        plans = self._customers(branch_refs, branches, managers, provinces)
        step("customers, outlets and contacts")
        self._portal_users(plans, suppliers)
        self._sequences()
        step("portal users")
        self.report.counts.update(seed_catalog(scale=self.scale.name, rng=self.rand("catalog")))
        step("catalog, stock and prices")
        # Each app's demo reads what the steps before it wrote (orders need prices and
        # stock, invoices need shipped orders), so the order matters.
        for label, seed in (
            ("orders and promotions", seed_orders),
            ("custom orders", seed_custom_orders),
            ("invoices, payments, expenses and statements", seed_finance),
            ("complaints", seed_complaints),
            ("news", seed_news),
            ("sell-through feed", seed_sellthrough),
            ("sales pipeline, worksheets and daily boards", seed_sales),
        ):
            self.report.counts.update(seed(scale=self.scale.name, rng=self.rand(label)))
            step(label)
        self.report.seconds = time.perf_counter() - started
        return self.report

    # -- reference data -----------------------------------------------------------------
    def _provinces(self) -> dict[str, Province]:
        objs = [
            Province(
                code=p.code,
                name=p.name,
                short_name=p.short_name,
                name_en=p.name_en,
                region=p.region,
                latitude=p.latitude,
                longitude=p.longitude,
            )
            for p in PROVINCES
        ]
        result = _create_missing(Province, objs)
        self.report.counts["provinces"] = len(result)
        return result

    def _call_centers(self, provinces: dict[str, Province]) -> dict[str, CallCenter]:
        objs = [
            CallCenter(
                code=c.code,
                name=c.name,
                province=provinces[c.province_code],
                phone=c.phone,
                seats=c.seats,
            )
            for c in call_centers()
        ]
        result = _create_missing(CallCenter, objs)
        self.report.counts["call_centers"] = len(result)
        return result

    def _branches(self, refs: list[BranchRef], provinces: dict[str, Province]) -> dict[str, Branch]:
        r = self.rand("branches")
        objs = []
        for ref in refs:
            province = next(p for p in PROVINCES if p.code == ref.province_code)
            city = next(c for c in CITIES[ref.province_code] if c.name == ref.city)
            address = r.street_address(province, city).text
            objs.append(
                Branch(
                    code=ref.code,
                    name=ref.name,
                    name_en=ref.name_en,
                    province=provinces[ref.province_code],
                    city=ref.city,
                    address=address,
                    phone=r.landline(city),
                )
            )
        result = _create_missing(Branch, objs)
        self.report.counts["branches"] = len(result)
        return result

    # -- users --------------------------------------------------------------------------
    def _user(self, r: DemoRandom, username: str, role: str, **extra: Any) -> User:
        person = r.person()
        return User(
            username=username,
            role=role,
            password=self.password,
            full_name=person.name,
            last_name=person.surname,
            first_name=person.given,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            phone=r.mobile(),
            language=extra.pop("language", "zh-hans"),
            **extra,
        )

    def _save_users(self, users: list[User]) -> list[User]:
        """Create the users whose username is free. A username that exists already (say an
        `admin` made with createsuperuser) keeps its user: used in place of the demo user
        when it has the same role, left out of the demo otherwise."""
        fresh = [u for u in users if u.username not in self.usernames]
        User.objects.bulk_create(fresh, batch_size=BATCH)
        self.usernames.update(u.username for u in fresh)
        if len(fresh) < len(users):
            fresh_names = {u.username for u in fresh}
            taken = [u.username for u in users if u.username not in fresh_names]
            existing = {u.username: u for u in User.objects.filter(username__in=taken)}
            kept = []
            for user in users:
                if user.username in fresh_names:
                    kept.append(user)
                elif existing[user.username].role == user.role:
                    kept.append(existing[user.username])
                else:
                    self.log(f"  user {user.username!r} exists with another role: left as it is")
            users = kept
        for user in users:
            key = f"users_{user.role}"
            self.report.counts[key] = self.report.counts.get(key, 0) + 1
        return users

    def _staff(
        self,
        refs: list[BranchRef],
        branches: dict[str, Branch],
        centers: dict[str, CallCenter],
    ) -> dict[str, list[User]]:
        """HQ, branch managers, account managers, product managers, agents, engineers.
        Answers the account managers by branch code."""
        s = self.scale
        r = self.rand("staff")
        users = [
            self._user(r, "admin", Role.HQ_ADMIN, is_staff=True, is_superuser=True),
            *(
                self._user(r, f"hq{n}", Role.HQ_ADMIN, language="en" if n == 2 else "zh-hans")
                for n in range(2, s.hq_admins + 1)
            ),
        ]
        users += [
            self._user(r, f"bm_{ref.slug}", Role.BRANCH_MANAGER, branch=branches[ref.code])
            for ref in refs
        ]
        am_counts = apportion(s.account_managers, [ref.weight for ref in refs], minimum=2)
        managers: dict[str, list[User]] = {}
        for ref, count in zip(refs, am_counts, strict=True):
            branch = branches[ref.code]
            managers[ref.code] = [
                self._user(r, f"am_{ref.slug}_{n:02d}", Role.ACCOUNT_MANAGER, branch=branch)
                for n in range(1, count + 1)
            ]
            users += managers[ref.code]
        users += [
            self._user(r, f"pm{n}", Role.PRODUCT_MANAGER, language="en" if n == 2 else "zh-hans")
            for n in range(1, s.product_managers + 1)
        ]
        province_codes = {ref.province_code for ref in refs}
        staffed = [
            c
            for code, c in sorted(centers.items())
            if s.branch_codes is None or c.province.code in province_codes
        ]
        agent = 0
        for center in staffed:
            for _ in range(s.agents_per_call_center):
                agent += 1
                users.append(self._user(r, f"agent{agent}", Role.CALL_AGENT, call_center=center))
        engineer = 0
        for ref in refs:
            for _ in range(s.engineers_per_branch):
                engineer += 1
                users.append(
                    self._user(r, f"eng{engineer}", Role.ENGINEER, branch=branches[ref.code])
                )
        saved = {u.username: u for u in self._save_users(users)}
        return {
            code: [saved[u.username] for u in ams if u.username in saved]
            for code, ams in managers.items()
        }

    def _portal_users(self, plans: list[CustomerPlan], suppliers: list[Supplier]) -> None:
        """A user at every key account, at a few other customers (at least two in all),
        and at the first suppliers. The customer's user is its primary contact."""
        r = self.rand("portal-users")
        chosen = [p for p in plans if p.customer.is_key_account]
        others = [
            p
            for p in plans
            if not p.customer.is_key_account and p.customer.status == CustomerStatus.ACTIVE
        ]
        extra = max(round(len(others) * self.scale.extra_customer_user_share), 2 - len(chosen))
        chosen += r.sample(others, extra)
        chosen.sort(key=lambda p: p.customer.code)
        users = []
        for plan in chosen:
            contact = plan.contacts[0]
            user = self._user(
                r, f"cu_{plan.customer.code.lower()}", Role.CUSTOMER_USER, customer=plan.customer
            )
            user.full_name = contact.name
            user.phone = contact.mobile
            users.append(user)
        for n, supplier in enumerate(suppliers[: self.scale.supplier_users], start=1):
            users.append(
                self._user(
                    r,
                    f"su_{supplier.code.lower()}",
                    Role.SUPPLIER_USER,
                    supplier=supplier,
                    language="en" if n == 2 else "zh-hans",
                )
            )
        self._save_users(users)

    # -- suppliers ----------------------------------------------------------------------
    def _suppliers(self, provinces: dict[str, Province]) -> list[Supplier]:
        """Parts and materials suppliers, concentrated in the manufacturing provinces."""
        r = self.rand("suppliers")
        weights = {"370000": 30, "320000": 20, "330000": 18, "440000": 18, "340000": 6}
        pool = [
            (p, c, weights.get(p.code, 1) * c.weight)
            for p in PROVINCES
            if p.code not in {"710000", "810000", "820000", "540000"}
            for c in CITIES[p.code]
        ]
        names: set[str] = set()
        objs = []
        for n in range(1, self.scale.suppliers + 1):
            province, city, _w = r.weighted(pool, [w for _p, _c, w in pool])
            category, word = r.choice(words.SUPPLIER_CATEGORIES)
            for _attempt in range(20):
                trade = r.choice(words.TRADE_WORDS)
                kind = r.choice(("有限公司", "股份有限公司", "科技有限公司", "制造有限公司"))
                name = f"{city.name}{trade}{word}{kind}"
                if name not in names:
                    break
            else:
                name = f"{city.name}{trade}{word}{kind}（{n}）"
            names.add(name)
            objs.append(
                Supplier(
                    code=f"P{n:05d}",
                    name=name,
                    province=provinces[province.code],
                    category=category,
                    is_active=not r.chance(0.03),
                )
            )
        result = list(_create_missing(Supplier, objs).values())
        self.report.counts["suppliers"] = len(result)
        return result

    # -- customers, outlets, contacts -----------------------------------------------------
    def _customers(
        self,
        refs: list[BranchRef],
        branches: dict[str, Branch],
        managers: dict[str, list[User]],
        provinces: dict[str, Province],
    ) -> list[CustomerPlan]:
        r = self.rand("customers")
        factory = CustomerFactory(rand=r, provinces=provinces, used_names=set())
        territories = branch_territories()
        per_branch = apportion(self.scale.customers, [ref.weight for ref in refs], minimum=5)
        plans: list[CustomerPlan] = []
        for ref, count in zip(refs, per_branch, strict=True):
            quotas = apportion(
                count,
                [CHANNELS[c].share for c in CHANNEL_ORDER],
                minimum=1 if count >= 8 else 0,
            )
            channels = [c for c, q in zip(CHANNEL_ORDER, quotas, strict=True) for _ in range(q)]
            r.rng.shuffle(channels)
            ams: list[User | None] = list(managers[ref.code]) or [None]
            slots = [ams[i % len(ams)] for i in range(count)]
            r.rng.shuffle(slots)
            for channel, manager in zip(channels, slots, strict=True):
                status = r.weighted(
                    [
                        CustomerStatus.ACTIVE,
                        CustomerStatus.PROSPECT,
                        CustomerStatus.SUSPENDED,
                        CustomerStatus.CLOSED,
                    ],
                    [95.5, 3, 1, 0.5],
                )
                if channel == ChannelType.MULTINATIONAL_CHAIN:
                    status = CustomerStatus.ACTIVE
                unassigned = status == CustomerStatus.PROSPECT and r.chance(0.25)
                plans.append(
                    factory.plan(
                        branch=branches[ref.code],
                        channel=channel,
                        territory=territories[ref.code],
                        manager=None if unassigned else manager,
                        status=status,
                    )
                )
        assign_value(plans, r)
        # Codes follow the date a customer joined (prospects last), as if handed out over
        # the years, rather than running branch by branch.
        order = sorted(
            range(len(plans)), key=lambda i: (plans[i].customer.joined_on or AS_OF_END, i)
        )
        plans = [plans[i] for i in order]
        for number, plan in enumerate(plans, start=1):
            plan.customer.code = f"C{number:06d}"
            plan.customer.refresh_search_text()
        _save(Customer, [p.customer for p in plans])
        self.report.counts["customers"] = len(plans)
        self.report.counts["key_accounts"] = sum(p.customer.is_key_account for p in plans)

        outlets: list[Outlet] = []
        contacts: list[Contact] = []
        geo_rand = self.rand("outlets")
        contact_rand = self.rand("contacts")
        outlet_factory = CustomerFactory(rand=geo_rand, provinces=provinces, used_names=set())
        contact_factory = CustomerFactory(rand=contact_rand, provinces=provinces, used_names=set())
        for plan in plans:
            outlets += outlet_factory.outlets(plan)
            contacts += contact_factory.contacts(plan)
        for number, outlet in enumerate(outlets, start=1):
            outlet.code = f"S{number:07d}"
            outlet.refresh_search_text()
        for contact in contacts:
            contact.refresh_search_text()
        _save(Outlet, outlets)
        _save(Contact, contacts)
        self.report.counts["outlets"] = len(outlets)
        self.report.counts["contacts"] = len(contacts)
        return plans

    def _sequences(self) -> None:
        """Start the code counters past the loaded codes (the services also floor them)."""
        for name, model in (("customer", Customer), ("outlet", Outlet), ("supplier", Supplier)):
            count = model._default_manager.count()
            seq, _created = Sequence.objects.get_or_create(name=name)
            if seq.last_value < count:
                seq.last_value = count
                seq.save(update_fields=["last_value"])


def seed_demo(*, scale: str, seed: int = 2026, log: Callable[[str], None] = print) -> SeedReport:
    """Load the demo data set of the given scale (small, medium, haier) in one transaction.

    The caller checks that there are no customers yet; reference data, users and
    suppliers that already exist (same code or username) are kept.
    """
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose from {', '.join(SCALES)}.")
    with transaction.atomic():
        report = Seeder(scale=SCALES[scale], seed=seed, log=log).run()
    # Fresh planner statistics, so that the first queries after loading get sensible plans.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return report


def reset_demo_data() -> None:
    """Empty every table of the project (business data, users, history, sessions, tokens,
    tasks) except content types, permissions, groups and the migration records."""
    keep = {"contenttypes", "auth"}
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label not in keep and model._meta.managed and not model._meta.proxy
        }
    )
    existing = set(connection.introspection.table_names())
    tables = [t for t in tables if t in existing]
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows written earlier in the same transaction leave deferred FK checks pending,
            # and PostgreSQL refuses to TRUNCATE such tables: run the checks now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(sql)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


__all__ = [
    "SCALES",
    "Scale",
    "SeedReport",
    "branch_territories",
    "reset_demo_data",
    "seed_demo",
]
