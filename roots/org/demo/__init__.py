"""Deterministic demo data (`manage.py seed_demo`) and the demo logins (`demo_users`).

`seed_demo(scale=..., seed=...)` loads provinces, branches, call centres, users of every
role, suppliers, customers, outlets and contacts; the same seed gives the same data.
"""

from roots.org.demo.logins import DemoLogin, demo_logins, showcase_customers
from roots.org.demo.seeder import (
    SCALES,
    Scale,
    SeedReport,
    branch_territories,
    reset_demo_data,
    seed_demo,
)

__all__ = [
    "SCALES",
    "DemoLogin",
    "Scale",
    "SeedReport",
    "branch_territories",
    "demo_logins",
    "reset_demo_data",
    "seed_demo",
    "showcase_customers",
]
