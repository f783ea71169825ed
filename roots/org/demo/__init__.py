"""What the apps' demo modules (`<app>/demo.py`) share: `common` (the seeded random source,
the demo's date, names) and `logins` (the demo users, the showcase customers). The seeder
that runs them all is the top app `roots.demo` (`manage.py seed_demo`)."""

from roots.org.demo.logins import DemoLogin, demo_logins, showcase_customers

__all__ = ["DemoLogin", "demo_logins", "showcase_customers"]
