"""The organisation: provinces, regional trade companies (branches), call centres and users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateTimeField
from roots.core.models import ScopedQuerySet, TimeStampedModel

if TYPE_CHECKING:
    pass


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("Headquarters administrator")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    CALL_AGENT = "call_agent", _("Call-centre agent")
    ENGINEER = "engineer", _("Field engineer")
    CUSTOMER_USER = "customer_user", _("Customer user")
    SUPPLIER_USER = "supplier_user", _("Supplier user")


STAFF_ROLES = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CALL_AGENT,
        Role.ENGINEER,
    }
)
PORTAL_ROLES = frozenset({Role.CUSTOMER_USER, Role.SUPPLIER_USER})


class Province(models.Model):
    """A province-level division (GB/T 2260 code); `short_name` is the name on the China map."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=50)
    region = models.CharField(_("region"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class BranchQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Branches are reference data every signed-in staff or portal user may read."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class Branch(TimeStampedModel):
    """A regional trade company (工贸公司) that owns the customers of its region."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="branches"
    )
    city = models.CharField(_("city"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BranchQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name


class CallCenter(TimeStampedModel):
    """A provincial call centre answering consumers (34 provinces)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.OneToOneField(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="call_center"
    )
    phone = models.CharField(_("phone"), max_length=30)
    seats = models.PositiveIntegerField(_("seats"), default=20)

    class Meta:
        ordering = ["code"]
        verbose_name = _("call centre")
        verbose_name_plural = _("call centres")

    def __str__(self) -> str:
        return self.name


class RootsUserManager(UserManager["User"]):
    def get_queryset(self) -> models.QuerySet[User]:
        return super().get_queryset().select_related("branch", "customer", "supplier")

    def create_superuser(  # type: ignore[override]
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """`createsuperuser` makes a headquarters administrator (a user without a role sees
        nothing)."""
        extra.setdefault("role", Role.HQ_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in: one role, and the branch, customer or supplier they belong to."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    supplier = models.ForeignKey(
        "procurement.Supplier",
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    call_center = models.ForeignKey(
        CallCenter,
        verbose_name=_("call centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "简体中文"), ("en", "English"), ("es", "Español")],
    )
    # Django's own dates, with the business-date rule (the admin's user form edits them).
    last_login = BusinessDateTimeField(_("last login"), blank=True, null=True)
    date_joined = BusinessDateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[RootsUserManager] = RootsUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="org_user_customer_user_has_customer",
                condition=~models.Q(role="customer_user") | models.Q(customer__isnull=False),
            ),
            models.CheckConstraint(
                name="org_user_supplier_user_has_supplier",
                condition=~models.Q(role="supplier_user") | models.Q(supplier__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_portal_user(self) -> bool:
        return self.role in PORTAL_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new password (`set_password` from any path: the admin's reset, the password
        form, `changepassword`) or a deactivation revokes every API token: a leaked token
        must not outlive the credentials it was issued for."""
        # set_password() keeps the raw password until the save that stores its hash.
        new_password = getattr(self, "_password", None) is not None
        revoke = not self._state.adding and (new_password or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:
            AuthToken.objects.filter(user=self).delete()


class ApiTokenQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """A user sees (and may revoke) only their own API tokens."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)


def api_tokens() -> ApiTokenQuerySet:
    """django-rest-knox's API tokens (hashed, expiring; `token_key`, the secret's first
    characters, names one), scoped like every other model's rows."""
    return ApiTokenQuerySet(model=AuthToken)
