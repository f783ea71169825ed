"""The demo logins that `manage.py demo_users` lists (and `make run` prints)."""

from __future__ import annotations

from dataclasses import dataclass

from roots.org.demo.common import DEMO_EMAIL_DOMAIN
from roots.org.models import Role, User


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo user to sign in as (the password is settings.DEMO_PASSWORD)."""

    username: str
    role: str
    branch: str | None
    customer: str | None
    supplier: str | None
    name: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "username": self.username,
            "role": self.role,
            "branch": self.branch,
            "customer": self.customer,
            "supplier": self.supplier,
        }


def demo_logins(per_role: int = 2) -> list[DemoLogin]:
    """The first `per_role` demo users of every role, in the order seed_demo created them
    (by id): admin and hq2, the branch managers of the first branches (bm_beijing ...),
    their first account managers, pm1/pm2, agent1/agent2, eng1/eng2, the users of the
    first customers and suppliers that have one. Demo users are told apart by their
    e-mail domain."""
    result = []
    for role in Role.values:
        users = (
            User.objects.filter(role=role, is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
            .select_related("branch", "customer", "supplier")
            .order_by("pk")[:per_role]
        )
        result += [
            DemoLogin(
                username=u.username,
                role=u.role,
                branch=u.branch.code if u.branch else None,
                customer=u.customer.code if u.customer else None,
                supplier=u.supplier.code if u.supplier else None,
                name=u.full_name,
            )
            for u in users
        ]
    return result


def showcase_customers(per_role: int = 2) -> dict[int, int]:
    """The customers of the customer logins that `demo_logins` lists (and the README names),
    each with its login's user id. The demo gives each of them something waiting in every
    portal flow: an issued statement to reconcile, a quote to answer, an open complaint and
    a sell-through upload with rejected rows."""
    users = (
        User.objects.filter(
            role=Role.CUSTOMER_USER,
            is_active=True,
            email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
        )
        .order_by("pk")
        .values_list("customer_id", "pk")[:per_role]
    )
    return {customer_id: user_id for customer_id, user_id in users if customer_id is not None}
