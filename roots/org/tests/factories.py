from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from roots.org.models import Branch, Province, Role, User
from roots.procurement.models import Supplier


class ProvinceFactory(DjangoModelFactory[Province]):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 9}{n:04d}"[:6])
    name = factory.Sequence(lambda n: f"测试省{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:3])
    name_en = factory.Sequence(lambda n: f"Province {n}")
    latitude = Decimal("36.0")
    longitude = Decimal("120.0")


class BranchFactory(DjangoModelFactory[Branch]):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:02d}")
    name = factory.Sequence(lambda n: f"测试工贸{n}")
    name_en = factory.Sequence(lambda n: f"Test Trade Co. {n}")
    province = factory.SubFactory(ProvinceFactory)
    city = "青岛"


class SupplierFactory(DjangoModelFactory[Supplier]):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"测试供应商{n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.ACCOUNT_MANAGER
    password = factory.django.Password("pass-word-123")
