"""The customer master: channel customers, their outlets and their contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import ScopedQuerySet, SearchableMixin, VersionedModel
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


class ChannelType(models.TextChoices):
    MULTINATIONAL_CHAIN = "multinational_chain", _("Multinational chain")
    LOCAL_CHAIN = "local_chain", _("Local chain")
    DEPARTMENT_STORE = "department_store", _("Department store")
    FRANCHISE_STORE = "franchise_store", _("Franchise store")
    SPECIALTY_STORE = "specialty_store", _("Specialty store")


class Tier(models.TextChoices):
    VIP = "vip", _("VIP")
    MAJOR = "major", _("Major")
    ORDINARY = "ordinary", _("Ordinary")
    SMALL = "small", _("Small")


class Priority(models.TextChoices):
    A_PLUS = "A+", "A+"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


def customer_scope(user: User, prefix: str = "") -> models.Q | None:
    """The customers a user may see, as a filter on `<prefix>` (a path to a customer):
    hq_admin and product_manager see all (None: no filter); branch_manager their branch;
    account_manager their own customers; customer_user their own company; everyone else
    nothing. Models that belong to a customer scope themselves through this one rule."""
    if not user.is_authenticated or not user.is_active:
        return models.Q(pk__in=[])
    role = user.role
    if role in (Role.HQ_ADMIN, Role.PRODUCT_MANAGER):
        return None
    if role == Role.BRANCH_MANAGER and user.branch_id:
        return models.Q(**{f"{prefix}branch_id": user.branch_id})
    if role == Role.ACCOUNT_MANAGER:
        return models.Q(**{f"{prefix}account_manager_id": user.pk})
    if role == Role.CUSTOMER_USER and user.customer_id:
        return models.Q(**{f"{prefix}id" if prefix else "pk": user.customer_id})
    return models.Q(pk__in=[])


class CustomerScopedQuerySet(ScopedQuerySet):
    """A queryset of records that belong to a customer (`customer_path` leads to it)."""

    customer_path = "customer__"

    def visible_to(self, user: User) -> Self:
        condition = customer_scope(user, self.customer_path)
        return self.all() if condition is None else self.filter(condition)


class CustomerQuerySet(CustomerScopedQuerySet):
    customer_path = ""


class Customer(SearchableMixin, VersionedModel):
    """A channel customer (a retail chain, a department store, a franchise dealer ...)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    channel_type = models.CharField(
        _("channel type"), max_length=30, choices=ChannelType.choices, db_index=True
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="customers"
    )
    account_manager = models.ForeignKey(
        "org.User",
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="managed_customers",
        null=True,
        blank=True,
        limit_choices_to={"role": Role.ACCOUNT_MANAGER},
    )
    is_key_account = models.BooleanField(_("key account"), default=False, db_index=True)
    tier = models.CharField(
        _("value tier"), max_length=10, choices=Tier.choices, default=Tier.ORDINARY
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.B
    )
    credit_limit = models.DecimalField(
        _("credit limit (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10**11)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    # --- profile: what a salesperson keeps on a company (seed 002, 客户资料内容) ---------------
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    tax_id = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    joined_on = BusinessDateField(_("customer since"), null=True, blank=True)
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    store_count = models.PositiveIntegerField(
        _("stores"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    annual_revenue = models.DecimalField(
        _("annual revenue (10k CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True
    )
    # The terms as typed, and, when they are standard terms (`roots.customers.texts`), their
    # message id and days, rendered in the reader's language (`get_payment_terms_display`).
    payment_terms = models.CharField(_("payment terms"), max_length=100, blank=True)
    payment_terms_text = GeneratedTextField(_("standard payment terms"))
    sales_area = models.CharField(_("sales area"), max_length=200, blank=True)
    organisation = models.TextField(_("organisation structure"), max_length=2000, blank=True)
    marketing_model = models.TextField(_("marketing model"), max_length=2000, blank=True)
    price_system = models.TextField(_("price system"), max_length=2000, blank=True)
    product_structure = models.TextField(_("product structure"), max_length=2000, blank=True)
    brands_carried = models.CharField(_("brands carried"), max_length=300, blank=True)
    main_competitors = models.CharField(_("main competitors"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    shared_notes = models.TextField(
        _("shared notes"),
        max_length=5000,
        blank=True,
        help_text=_("Seen and edited by the customer's own staff as well as ours."),
    )
    # Our internal note (staff only); `shared_notes` is read and written by both sides.
    notes = models.TextField(_("notes (internal)"), max_length=5000, blank=True)
    search_text = models.CharField(max_length=1000, editable=False, db_index=True, default="")

    objects = CustomerQuerySet.as_manager()
    # The standard terms are derived from the typed ones, whose changes the history shows.
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at", "payment_terms_text"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["branch", "code"], name="cust_branch_code_idx"),
            models.Index(fields=["account_manager", "code"], name="cust_am_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    get_payment_terms_display = rendered("payment_terms")

    search_fields = ("code", "name", "name_en")


class OutletFormat(models.TextChoices):
    STORE_IN_STORE = "store_in_store", _("Store-in-store")
    FRANCHISE_SHOP = "franchise_shop", _("Franchise shop")
    SPECIALTY_SHOP = "specialty_shop", _("Specialty shop")
    COUNTER = "counter", _("Department-store counter")
    FLAGSHIP = "flagship", _("Flagship store")
    HYPERMARKET = "hypermarket", _("Hypermarket")


class OutletQuerySet(CustomerScopedQuerySet):
    """Outlets and contacts are visible with their customer."""


class Outlet(SearchableMixin, VersionedModel):
    """A shop or counter of a customer where our products are sold (网点)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="outlets"
    )
    name = models.CharField(_("name"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=OutletFormat.choices)
    province = models.ForeignKey(
        "org.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("city"), max_length=50)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    floor_area = models.PositiveIntegerField(
        _("floor area (m²)"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    opened_on = BusinessDateField(_("opened on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=1000, editable=False, db_index=True, default="")

    objects = OutletQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name", "city")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ContactQuerySet(CustomerScopedQuerySet):
    """Outlets and contacts are visible with their customer."""


class Contact(SearchableMixin, VersionedModel):
    """A person at a customer, with the personal profile a salesperson keeps (seed 002)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    nickname = models.CharField(_("nickname"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    title = models.CharField(_("position"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birthday = BusinessDateField(_("birthday"), null=True, blank=True, first_year=1900)
    birthplace = models.CharField(_("birthplace"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    personality = models.CharField(_("personality"), max_length=200, blank=True)
    hobbies = models.CharField(_("hobbies"), max_length=300, blank=True)
    preferences = models.CharField(_("tastes and preferences"), max_length=300, blank=True)
    taboos = models.CharField(_("taboos"), max_length=300, blank=True)
    anniversaries = models.CharField(_("anniversaries"), max_length=300, blank=True)
    family = models.CharField(_("family"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["customer_id", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    search_fields = ("name", "name_en", "mobile", "phone")
