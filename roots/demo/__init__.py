"""Deterministic demo data: `manage.py seed_demo` (`seeder.seed_demo(scale=..., seed=...)`),
`demo_empty` and `demo_users`.

The seeder loads provinces, branches, call centres, users of every role, suppliers,
customers, outlets and contacts, then each app's demo (`<app>/demo.py`); the same seed gives
the same data. It is a top app because it runs every app's demo; what those demos share
(`DemoRandom`, the demo's date, the demo logins) is `roots.org.demo`, below them all.
"""
