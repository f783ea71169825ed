"""A test-only app: one model with a life-cycle declared in `lifecycles.py` and nothing else
per step, to prove that the declaration alone gives API actions, page actions, schema rows and
access-matrix rows (tests/test_lifecycle_declared.py). Installed by roots.settings.test only;
it has no migrations, so the test database creates its table directly."""
