"""What the sales API's resources share: money fields, the owner field, a contact field
scoped to the caller's customers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from roots.core.api import CodeRelatedField
from roots.customers.models import Contact
from roots.org.models import User
from roots.sales import policies

MONEY_FIELD: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def owners() -> Any:
    """Who may own a lead, an opportunity or an activity (active users of the owner roles)."""
    return User.objects.filter(is_active=True, role__in=policies.OWNER_ROLES)


def owner_field() -> CodeRelatedField:
    return CodeRelatedField(
        slug_field="username",
        queryset=owners(),
        required=False,
        help_text="Username of an account manager or the branch manager of the branch; "
        "account managers own what they create.",
    )


class ScopedContactField(serializers.PrimaryKeyRelatedField):
    """A contact by id, found only among the contacts of the caller's customers."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Contact.objects.none()
        return Contact.objects.visible_to(request.user)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data < 2**31:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
