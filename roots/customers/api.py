"""API of the customer master: customers, outlets, contacts (each with `history/`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    ErrorSerializer,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
)
from roots.customers import selectors, services
from roots.customers.filters import ContactFilter, CustomerFilter, OutletFilter
from roots.customers.models import Contact, Customer, Outlet
from roots.org.models import Branch, Province, Role, User

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
WRITE_ERRORS = {**ERRORS, 409: ErrorSerializer, 412: ErrorSerializer}


class CustomerSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(
        r"^[A-Z0-9][A-Z0-9-]{1,11}$",
        required=False,
        help_text="Business code; generated (C000123) when left out.",
    )
    branch = serializers.SlugRelatedField(
        slug_field="code", queryset=Branch.objects.all(), required=False
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    account_manager = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role=Role.ACCOUNT_MANAGER),
        required=False,
        allow_null=True,
    )
    account_manager_name = serializers.CharField(
        source="account_manager.display_name", read_only=True, default=None
    )

    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "name_en",
            "channel_type",
            "branch",
            "branch_name",
            "account_manager",
            "account_manager_name",
            "is_key_account",
            "tier",
            "priority",
            "credit_limit",
            "status",
            "legal_representative",
            "tax_id",
            "registered_capital",
            "founded_year",
            "joined_on",
            "employees",
            "store_count",
            "annual_revenue",
            "credit_rating",
            "payment_terms",
            "sales_area",
            "organisation",
            "marketing_model",
            "price_system",
            "product_structure",
            "brands_carried",
            "main_competitors",
            "address",
            "phone",
            "email",
            "website",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {"code": {"validators": []}}


class OutletSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(
        r"^[A-Z0-9][A-Z0-9-]{1,11}$",
        required=False,
        help_text="Business code; generated (S0000123) when left out.",
    )
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Outlet
        fields = [
            "code",
            "customer",
            "customer_name",
            "name",
            "format",
            "province",
            "province_name",
            "city",
            "address",
            "latitude",
            "longitude",
            "floor_area",
            "opened_on",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class ContactSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "customer_name",
            "name",
            "name_en",
            "nickname",
            "gender",
            "title",
            "department",
            "is_decision_maker",
            "is_primary",
            "phone",
            "mobile",
            "email",
            "birthday",
            "birthplace",
            "education",
            "personality",
            "hobbies",
            "preferences",
            "taboos",
            "anniversaries",
            "family",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]


class ServiceWriteMixin:
    """create / update through the app's services (the viewset names them)."""

    create_service: Any = None
    update_service: Any = None
    instance_kwarg: str = "instance"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(user=request.user, data=serializer.validated_data)
        response = Response(
            self.get_serializer(instance).data,  # type: ignore[attr-defined]
            status=status.HTTP_201_CREATED,
        )
        return self.with_etag(response, instance)  # type: ignore[attr-defined]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(  # type: ignore[attr-defined]
            instance, data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        instance = type(self).update_service(
            user=request.user,
            data=serializer.validated_data,
            expected_version=self.expected_version(),  # type: ignore[attr-defined]
            **{self.instance_kwarg: instance},
        )
        response = Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        return self.with_etag(response, instance)  # type: ignore[attr-defined]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


def _docs(serializer: type[serializers.Serializer]) -> dict[str, Any]:
    return {
        "create": extend_schema(
            parameters=[IDEMPOTENCY_PARAMETER], responses={201: serializer, **ERRORS}
        ),
        "update": extend_schema(
            parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
            responses={200: serializer, **WRITE_ERRORS},
        ),
        "partial_update": extend_schema(
            parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
            responses={200: serializer, **WRITE_ERRORS},
        ),
        "retrieve": extend_schema(responses={200: serializer, 404: ErrorSerializer}),
        "list": extend_schema(responses={200: serializer(many=True), 400: ErrorSerializer}),
    }


@extend_schema_view(**_docs(CustomerSerializer))
class CustomerViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Channel customers. `?search=` matches name, code, full pinyin and initials."""

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "credit_limit", "updated_at"]
    create_service = staticmethod(services.customer_create)
    update_service = staticmethod(services.customer_update)
    instance_kwarg = "customer"

    def get_queryset(self) -> Any:
        return selectors.customer_list(user=self.request.user)


@extend_schema_view(**_docs(OutletSerializer))
class OutletViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
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
        return selectors.outlet_list(user=self.request.user)


@extend_schema_view(
    **_docs(ContactSerializer),
    destroy=extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class ContactViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
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
        return selectors.contact_list(user=self.request.user)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.contact_delete(
            user=request.user, contact=self.get_object(), expected_version=self.expected_version()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
