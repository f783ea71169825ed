"""Fixtures of the sell-through tests."""

from __future__ import annotations

import pytest

from roots.catalog.tests.factories import SkuFactory


@pytest.fixture
def sku2(personas):
    """A second SKU beside the personas' fridge: a washing machine."""
    return SkuFactory.create(code="XQG100-HB", name="海尔 10公斤洗衣机")
