"""API of the organisation: token login, `me`, branches and provinces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from roots.core.api import (
    ErrorSerializer,
    RetrieveWithETagMixin,
    RootsAutoSchema,
    ScopedModelViewSet,
    request_user,
)
from roots.org import otp, services
from roots.org.filters import BranchFilter
from roots.org.models import Branch, Province, User, api_tokens
from roots.org.otp import CODE_PATTERN

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.procurement.models import Supplier


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed logins; try again later."
    default_code = "locked_out"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.RegexField(
        CODE_PATTERN,
        max_length=20,
        required=False,
        help_text=(
            "Once TOTP is enrolled: the 6-digit code from the app, or one of the recovery "
            "codes (`abcd-efgh`, each works once)."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="When the token stops working."
    )


class TokenThrottle(AnonRateThrottle):
    rate = "60/minute"


def _locked_out(request: HttpRequest) -> LockedOut:
    # We answer the lockout ourselves, in the API's error format; without this flag reset,
    # django-axes' middleware would swap our JSON answer for the HTML lockout page.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return LockedOut(_("Too many failed logins; try again later."))


class TokenView(APIView):
    """Exchange a username and password (and a TOTP or recovery code once enrolled) for a
    new API token, valid for `API_TOKEN_TTL_HOURS` (each login gets its own token; list and
    revoke them at `auth/tokens/`).

    Failed passwords and failed codes count towards the django-axes lockout (429), per
    username and address and per address across usernames; a successful login resets the
    username's count, as on the web login.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        django_request = request._request
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        credentials = {"username": data["username"], "password": data["password"]}
        try:
            user = authenticate(request=django_request, **credentials)
        except AxesBackendPermissionDenied as exc:
            raise _locked_out(django_request) from exc
        if getattr(django_request, "axes_locked_out", False):
            raise _locked_out(django_request)
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given credentials.")]}
            )
        if otp.has_device(user):
            code = data.get("otp")
            if not code:
                raise exceptions.ValidationError(
                    {"otp": [_("Enter the code from your authenticator app.")]}
                )
            if not otp.verify(user, code):
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.username},
                    request=django_request,
                )
                if getattr(django_request, "axes_locked_out", False):
                    raise _locked_out(django_request)
                raise exceptions.ValidationError({"otp": [_("The code is not valid.")]})
        elif otp.is_required(user):
            raise exceptions.PermissionDenied(
                _("Your role requires two-factor authentication: enrol in the web interface first.")
            )
        token, secret = services.api_token_create(user=user)
        # Resets the failure count (AXES_RESET_ON_SUCCESS) and records last_login.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response({"token": secret, "expiry": token.expiry})


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="token_key", help_text="The first characters of the token; never the token."
    )
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(allow_null=True, read_only=True)
    current = serializers.SerializerMethodField(help_text="The token of this request.")

    def get_current(self, token: Any) -> bool:
        request = self.context.get("request")
        return getattr(getattr(request, "auth", None), "digest", None) == token.digest


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, ScopedModelViewSet):
    """The caller's own API tokens: when each was issued and until when it works (never the
    secret). `DELETE` revokes one; `revoke-all/` revokes every one, the calling token too."""

    serializer_class = ApiTokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "id"
    filter_backends: list[Any] = []
    pagination_class = None
    history = None  # type: ignore[assignment]  # tokens keep no change history

    def get_base_queryset(self) -> Any:
        return api_tokens().order_by("-created")

    def perform_destroy(self, instance: Any) -> None:
        services.api_token_revoke(user=request_user(self.request), token=instance)

    @extend_schema(
        request=None,
        responses=inline_serializer("ApiTokensRevoked", {"revoked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request: Request) -> Response:
        return Response({"revoked": services.api_tokens_revoke_all(user=request_user(request))})


class MeSerializer(serializers.ModelSerializer):
    branch: serializers.SlugRelatedField[Branch] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    customer: serializers.SlugRelatedField[Customer] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    supplier: serializers.SlugRelatedField[Supplier] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    two_factor = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "email",
            "role",
            "branch",
            "customer",
            "supplier",
            "language",
            "two_factor",
        ]

    def get_two_factor(self, user: User) -> bool:
        return otp.has_device(user)


class MeView(APIView):
    """The caller: username, role, and the branch, customer or supplier they belong to."""

    schema: Any = RootsAutoSchema()

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "short_name", "name_en", "region", "latitude", "longitude"]


class BranchSerializer(serializers.ModelSerializer):
    province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Branch
        fields = [
            "code",
            "name",
            "name_en",
            "province",
            "province_name",
            "city",
            "address",
            "phone",
            "is_active",
        ]


class BranchViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """The 42 regional trade companies (read-only reference data)."""

    model = Branch
    serializer_class = BranchSerializer
    lookup_field = "code"
    filterset_class = BranchFilter
    ordering_fields = ["code", "name"]

    def get_base_queryset(self) -> Any:
        return Branch.objects.select_related("province")
