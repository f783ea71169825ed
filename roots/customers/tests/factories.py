from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from roots.customers.models import ChannelType, Contact, Customer, Outlet, OutletFormat
from roots.org.tests.factories import BranchFactory, ProvinceFactory


class CustomerFactory(DjangoModelFactory):
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
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            Customer.objects.filter(pk=self.pk).update(search_text=self.search_text)


class OutletFactory(DjangoModelFactory):
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
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            Outlet.objects.filter(pk=self.pk).update(search_text=self.search_text)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"

    @factory.post_generation
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            Contact.objects.filter(pk=self.pk).update(search_text=self.search_text)
