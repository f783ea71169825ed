"""API of the customer master: customers, outlets, contacts (each with `history/`)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    CodeRelatedField,
    RenderedTextField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    request_user,
    scope_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.core.i18n_text import as_stored
from roots.customers import policies, selectors, services
from roots.customers.filters import ContactFilter, CustomerFilter, OutletFilter
from roots.customers.models import Contact, Customer, Outlet
from roots.customers.texts import payment_terms_parse
from roots.org.models import Branch, Province, Role, User

_RECORD_FIELDS = ["version", "created_at", "updated_at"]
# Related records answered with their name beside their code (`branch_name` ...).
_LABELLED = ("customer", "branch", "account_manager", "province")


def _with_labels(names: list[str]) -> list[str]:
    """`names`, each related record followed by its name field (`branch`, `branch_name`)."""
    fields = []
    for name in names:
        fields.append(name)
        if name in _LABELLED:
            fields.append(f"{name}_name")
    return fields


class PaymentTermsField(RenderedTextField):
    """Payment terms, answered in the reader's language; the same standard terms written
    back in another language (what a GET answered) are the customer's terms unchanged."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        if (
            isinstance(instance, Customer)
            and instance.payment_terms_text
            and as_stored(payment_terms_parse(value)) == instance.payment_terms_text
        ):
            return instance.payment_terms
        return value


class CustomerSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    """A customer. What the caller may write follows `policies.CUSTOMER_FIELDS`; a customer
    user does not see our internal classification and notes."""

    field_allow_list = policies.CUSTOMER_FIELDS
    fixed_fields = policies.CUSTOMER_FIXED_FIELDS
    hidden_fields = policies.CUSTOMER_HIDDEN_FIELDS

    payment_terms = PaymentTermsField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Standard terms are answered in the reader's language and recognised in "
        "any UI language when written (票到60天付款, Net 60 days, Neto 60 días); other terms "
        "are free text.",
    )

    code = serializers.RegexField(
        r"^[A-Z0-9][A-Z0-9-]{1,11}$",
        required=False,
        help_text="Business code; generated (C000123) when left out.",
    )
    branch = CodeRelatedField(slug_field="code", queryset=Branch.objects.all(), required=False)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    account_manager = CodeRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True),
        required=False,
        allow_null=True,
    )
    account_manager_name = serializers.CharField(
        source="account_manager.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Customer
        fields = _with_labels(
            ["code", *policies.editable_fields(Customer, policies.CUSTOMER_FIELDS), *_RECORD_FIELDS]
        )
        read_only_fields = _RECORD_FIELDS
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


# The list columns, each related record with its name.
CUSTOMER_SUMMARY_FIELDS = _with_labels([c for c in selectors.CUSTOMER_LIST_COLUMNS if c != "id"])


class CustomerSummarySerializer(CustomerSerializer):
    """A customer as lists and search show it; `GET /customers/<code>/` has every field."""

    class Meta(CustomerSerializer.Meta):
        fields = CUSTOMER_SUMMARY_FIELDS
        read_only_fields = CUSTOMER_SUMMARY_FIELDS


class OutletSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.OUTLET_FIELDS
    fixed_fields = policies.OUTLET_FIXED_FIELDS

    code = serializers.RegexField(
        r"^[A-Z0-9][A-Z0-9-]{1,11}$",
        required=False,
        help_text="Business code; generated (S0000123) when left out.",
    )
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    province = CodeRelatedField(slug_field="code", queryset=Province.objects.all())
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Outlet
        fields = (
            _with_labels(
                ["code", "customer", *policies.editable_fields(Outlet, policies.OUTLET_FIELDS)]
            )
            + _RECORD_FIELDS
        )
        read_only_fields = _RECORD_FIELDS


class ContactSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.CONTACT_FIELDS
    fixed_fields = policies.CONTACT_FIXED_FIELDS
    hidden_fields = policies.CONTACT_HIDDEN_FIELDS

    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Contact
        fields = (
            _with_labels(
                ["id", "customer", *policies.editable_fields(Contact, policies.CONTACT_FIELDS)]
            )
            + _RECORD_FIELDS
        )
        read_only_fields = ["id", *_RECORD_FIELDS]


class CustomerMasterViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Every customer-master collection: read by its scope, written through its services."""


class CustomerViewSet(CustomerMasterViewSet):
    """Channel customers. `?search=` matches name, code, full pinyin and initials."""

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "credit_limit", "updated_at"]
    create_service = staticmethod(services.customer_create)
    create_permission = staticmethod(policies.can_create_customer)
    update_service = staticmethod(services.customer_update)
    instance_kwarg = "customer"

    def get_serializer_class(self) -> Any:
        # Search and lists are the hot path: a summary of each customer serialises in less
        # than half the time of the whole record (docs/BENCHMARKS.md).
        if self.action == "list":
            return CustomerSummarySerializer
        return CustomerSerializer

    def get_queryset(self) -> Any:
        queryset = selectors.customer_list(user=scope_user(self.request))
        if self.action == "list":
            queryset = queryset.only(
                *selectors.CUSTOMER_LIST_COLUMNS,
                "branch__code",
                "branch__name",
                "account_manager__username",
                "account_manager__full_name",
                "account_manager__first_name",
                "account_manager__last_name",
            )
        return queryset


class OutletViewSet(CustomerMasterViewSet):
    """Outlets (shops, counters) of the customers in the caller's scope."""

    model = Outlet
    serializer_class = OutletSerializer
    filterset_class = OutletFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "city"]
    create_service = staticmethod(services.outlet_create)
    update_service = staticmethod(services.outlet_update)
    instance_kwarg = "outlet"

    def get_queryset(self) -> Any:
        return selectors.outlet_list(user=scope_user(self.request))


class ContactViewSet(CustomerMasterViewSet):
    """People at the customers in the caller's scope."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "updated_at"]
    lookup_value_regex = r"\d+"
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    instance_kwarg = "contact"

    def get_queryset(self) -> Any:
        return selectors.contact_list(user=scope_user(self.request))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contact = self.get_object()
        services.contact_delete(
            user=request_user(request), contact=contact, expected_version=self.expected_version()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
