"""Who may do what with orders. The steps of an order's life-cycle say who takes each
(roots/orders/lifecycles.py); this module holds the rest."""

from __future__ import annotations

from roots.org.models import Role

# Roles that read orders (others have none in scope and are turned away from the lists).
ORDER_READERS = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CUSTOMER_USER,
    }
)
