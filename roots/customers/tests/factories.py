from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from roots.customers.models import ChannelType, Contact, Customer, Outlet, OutletFormat
from roots.org.tests.factories import BranchFactory, ProvinceFactory


class CustomerFactory(DjangoModelFactory[Customer]):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试客户{n}")
    channel_type = ChannelType.LOCAL_CHAIN
    branch = factory.SubFactory(BranchFactory)
    account_manager = None
    credit_limit = Decimal("1000000")

    @factory.post_generation
    def search(obj: Customer, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_text()
        if create:
            Customer.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


class OutletFactory(DjangoModelFactory[Outlet]):
    class Meta:
        model = Outlet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"S{9000000 + n:07d}")
    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"测试门店{n}")
    format = OutletFormat.STORE_IN_STORE
    province = factory.SubFactory(ProvinceFactory)
    city = "青岛"

    @factory.post_generation
    def search(obj: Outlet, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_text()
        if create:
            Outlet.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"

    @factory.post_generation
    def search(obj: Contact, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_text()
        if create:
            Contact.objects.filter(pk=obj.pk).update(search_text=obj.search_text)
