"""What the order pages share: the reader check and the page size."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from roots.core.pages import page_user
from roots.orders.policies import ORDER_READERS
from roots.org.models import User

PAGE_SIZE = 25


def reader(request: HttpRequest) -> User:
    """The signed-in user, if their role reads orders (403 otherwise)."""
    user = page_user(request)
    if user.role not in ORDER_READERS:
        raise PermissionDenied(_("Orders are for our sales staff and our customers."))
    return user
