from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from roots.catalog.models import PriceList
from roots.catalog.selectors import price_for, prices_for
from roots.catalog.tests.factories import (
    CustomerPriceFactory,
    PriceListFactory,
    PriceListItemFactory,
    SkuFactory,
)
from roots.customers.models import ChannelType
from roots.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 30)


@pytest.fixture
def customer():
    return CustomerFactory.create(channel_type=ChannelType.LOCAL_CHAIN)


@pytest.fixture
def sku():
    return SkuFactory.create(list_price=Decimal("3000.00"))


def test_price_for_falls_back_to_list_price(customer, sku):
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("3000.00")


def test_price_for_uses_price_list_of_customers_channel(customer, sku):
    own = PriceListFactory.create(channel_type=ChannelType.LOCAL_CHAIN)
    other = PriceListFactory.create(channel_type=ChannelType.DEPARTMENT_STORE)
    PriceListItemFactory.create(price_list=own, sku=sku, price=Decimal("2800.00"))
    PriceListItemFactory.create(price_list=other, sku=sku, price=Decimal("2100.00"))
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("2800.00")


def test_price_for_prefers_customer_price_over_price_list(customer, sku):
    PriceListItemFactory.create(
        price_list=PriceListFactory.create(channel_type=ChannelType.LOCAL_CHAIN),
        sku=sku,
        price=Decimal("2800.00"),
    )
    CustomerPriceFactory.create(customer=customer, sku=sku, price=Decimal("2500.00"))
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("2500.00")


def test_price_for_ignores_other_customers_prices(customer, sku):
    CustomerPriceFactory.create(sku=sku, price=Decimal("1.00"))
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("3000.00")


def test_price_for_ignores_expired_and_future_customer_prices(customer, sku):
    CustomerPriceFactory.create(
        customer=customer,
        sku=sku,
        price=Decimal("100.00"),
        valid_from=date(2025, 1, 1),
        valid_to=date(2026, 6, 29),
    )
    CustomerPriceFactory.create(
        customer=customer, sku=sku, price=Decimal("200.00"), valid_from=date(2026, 7, 1)
    )
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("3000.00")


def test_price_for_includes_both_ends_of_validity(customer, sku):
    CustomerPriceFactory.create(
        customer=customer,
        sku=sku,
        price=Decimal("2400.00"),
        valid_from=date(2026, 6, 1),
        valid_to=date(2026, 6, 30),
    )
    assert price_for(customer=customer, sku=sku, on=date(2026, 6, 1)) == Decimal("2400.00")
    assert price_for(customer=customer, sku=sku, on=date(2026, 6, 30)) == Decimal("2400.00")
    assert price_for(customer=customer, sku=sku, on=date(2026, 7, 1)) == Decimal("3000.00")


def test_price_for_ignores_price_lists_out_of_validity(customer, sku):
    expired = PriceListFactory.create(
        channel_type=ChannelType.LOCAL_CHAIN,
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    PriceListItemFactory.create(price_list=expired, sku=sku, price=Decimal("1.00"))
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("3000.00")


def test_latest_started_price_list_wins(customer, sku):
    for start, price in ((date(2026, 1, 1), "2800.00"), (date(2026, 4, 1), "2700.00")):
        PriceListItemFactory.create(
            price_list=PriceListFactory.create(
                channel_type=ChannelType.LOCAL_CHAIN, valid_from=start
            ),
            sku=sku,
            price=Decimal(price),
        )
    assert price_for(customer=customer, sku=sku, on=ON) == Decimal("2700.00")
    assert PriceList.objects.count() == 2


def test_prices_for_a_page_takes_two_queries(customer, django_assert_num_queries):
    skus = SkuFactory.create_batch(5)
    CustomerPriceFactory.create(customer=customer, sku=skus[0], price=Decimal("9.00"))
    with django_assert_num_queries(2):
        prices = prices_for(customer=customer, skus=skus, on=ON)
    assert prices[skus[0].pk] == Decimal("9.00")
    assert prices[skus[1].pk] == skus[1].list_price
