"""Writes to the customer master: role rules, generated codes, validation, versions and
history, one transaction per action."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.core.exceptions import PreconditionFailedError
from roots.customers import services
from roots.customers.models import Contact, Customer, Outlet
from roots.customers.tests.factories import CustomerFactory, OutletFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _new(**extra):
    return {"name": "海信广场", "channel_type": "department_store"} | extra


# --- customer_create ------------------------------------------------------------------------
def test_account_manager_creates_customer_in_own_branch_as_owner(personas):
    customer = services.customer_create(user=personas.am_b, data=_new())
    assert (customer.branch, customer.account_manager) == (personas.branch_b, personas.am_b)
    assert customer.version == 1


def test_account_manager_naming_own_branch_and_self_is_fine(personas):
    customer = services.customer_create(
        user=personas.am_a, data=_new(branch=personas.branch_a, account_manager=personas.am_a)
    )
    assert customer.account_manager == personas.am_a


def test_account_manager_cannot_create_in_another_branch(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_create(user=personas.am_a, data=_new(branch=personas.branch_b))
    assert "branch" in info.value.message_dict


def test_account_manager_cannot_create_for_a_colleague(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_create(user=personas.am_a, data=_new(account_manager=personas.am_a2))
    assert "account_manager" in info.value.message_dict


def test_account_manager_cannot_set_credit_limit(personas):
    with pytest.raises(PermissionDenied):
        services.customer_create(user=personas.am_a, data=_new(credit_limit=Decimal("10")))
    assert not Customer.objects.filter(name="海信广场").exists()


def test_branch_manager_cannot_create_in_another_branch(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_create(user=personas.bm_a, data=_new(branch=personas.branch_b))
    assert "branch" in info.value.message_dict


def test_branch_manager_creates_in_own_branch_without_naming_it(personas):
    customer = services.customer_create(user=personas.bm_b, data=_new())
    assert customer.branch == personas.branch_b
    assert customer.account_manager is None


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "cu_a1", "su"])
def test_other_roles_cannot_create_customers(personas, role):
    with pytest.raises(PermissionDenied):
        services.customer_create(user=getattr(personas, role), data=_new(branch=personas.branch_a))


def test_hq_must_name_a_branch(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_create(user=personas.hq, data=_new())
    assert "branch" in info.value.message_dict


def test_account_manager_must_have_the_role(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_create(
            user=personas.hq, data=_new(branch=personas.branch_a, account_manager=personas.bm_a)
        )
    assert "account_manager" in info.value.message_dict


def test_generated_codes_continue_after_the_highest_code(personas):
    first = services.customer_create(user=personas.am_a, data=_new())
    second = services.customer_create(user=personas.am_a, data=_new(name="银座"))
    assert (first.code, second.code) == ("C100004", "C100005")


def test_generated_code_skips_codes_loaded_meanwhile(personas):
    first = services.customer_create(user=personas.am_a, data=_new())
    CustomerFactory(code="C100005", branch=personas.branch_a)  # a bulk import took it
    second = services.customer_create(user=personas.am_a, data=_new(name="银座"))
    assert (first.code, second.code) == ("C100004", "C100006")


def test_generated_code_ignores_codes_of_another_shape(personas):
    CustomerFactory(code="C9999999", branch=personas.branch_a)  # seven digits
    CustomerFactory(code="CX00001", branch=personas.branch_a)
    assert services.customer_create(user=personas.am_a, data=_new()).code == "C100004"


def test_generated_code_does_not_collide_when_codes_have_gaps(personas):
    """Codes C000001..C000003 deleted and C100001.. present: the count of codes is not the
    highest number (the old counter started at the count and collided)."""
    CustomerFactory(code="C000010", branch=personas.branch_a)
    codes = {
        services.customer_create(
            user=personas.hq, data=_new(branch=personas.branch_a, name=f"n{i}")
        ).code
        for i in range(3)
    }
    assert codes == {"C100004", "C100005", "C100006"}


def test_generated_outlet_codes(personas):
    outlet = services.outlet_create(
        user=personas.am_a,
        data={
            "customer": personas.cust_a1,
            "name": "新店",
            "format": "flagship",
            "province": personas.outlet_a1.province,
            "city": "青岛",
        },
    )
    assert outlet.code == "S1000004"


def test_create_writes_one_history_entry_by_the_user(personas):
    customer = services.customer_create(user=personas.am_a, data=_new())
    entries = list(customer.history.all())
    assert [(e.history_type, e.history_user) for e in entries] == [("+", personas.am_a)]


def test_every_write_names_its_author_in_history_without_a_web_request(personas):
    services.customer_update(user=personas.bm_a, customer=personas.cust_a1, data={"phone": "1"})
    services.outlet_update(user=personas.cu_a1, outlet=personas.outlet_a1, data={"city": "即墨"})
    contact = services.contact_create(
        user=personas.am_a, data={"customer": personas.cust_a1, "name": "赵敏", "is_primary": True}
    )
    services.contact_update(user=personas.hq, contact=contact, data={"title": "总经理"})
    pk = contact.pk
    services.contact_delete(user=personas.bm_a, contact=contact)
    assert personas.cust_a1.history.first().history_user == personas.bm_a
    assert personas.outlet_a1.history.first().history_user == personas.cu_a1
    authors = [h.history_user for h in Contact.history.filter(id=pk).order_by("history_id")]  # type: ignore[attr-defined]
    assert authors == [personas.am_a, personas.hq, personas.bm_a]


# --- customer_update ------------------------------------------------------------------------
def test_update_increments_version_and_keeps_history(personas):
    customer = services.customer_update(
        user=personas.am_a, customer=personas.cust_a1, data={"phone": "1"}
    )
    assert customer.version == 2
    assert customer.history.count() == 2


def test_update_that_changes_nothing_saves_nothing(personas):
    customer = services.customer_update(
        user=personas.am_a,
        customer=personas.cust_a1,
        data={"name": personas.cust_a1.name, "credit_limit": Decimal("1000000")},
    )
    assert customer.version == 1
    assert customer.history.count() == 1


def test_stale_version_raises_precondition_failed(personas):
    services.customer_update(user=personas.bm_a, customer=personas.cust_a1, data={"phone": "1"})
    with pytest.raises(PreconditionFailedError):
        services.customer_update(
            user=personas.am_a, customer=personas.cust_a1, data={"phone": "2"}, expected_version=1
        )
    assert Customer.objects.get(pk=personas.cust_a1.pk).phone == "1"


def test_customer_user_may_resend_forbidden_fields_with_unchanged_values(personas):
    """Forms and PUT send every field; an unchanged credit limit written differently
    ("1000000" and "1000000.00") is not a change."""
    customer = services.customer_update(
        user=personas.cu_a1,
        customer=personas.cust_a1,
        data={
            "credit_limit": Decimal("1000000"),
            "branch": personas.branch_a,
            "tier": personas.cust_a1.tier,
            "phone": "0532-9",
        },
    )
    assert customer.phone == "0532-9"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_limit", Decimal("1")),
        ("tier", "vip"),
        ("status", "closed"),
        ("is_key_account", True),
        ("priority", "A+"),
        ("channel_type", "specialty_store"),
        ("account_manager", None),
    ],
)
def test_customer_user_cannot_change_forbidden_fields(personas, field, value):
    with pytest.raises(PermissionDenied):
        services.customer_update(
            user=personas.cu_a1, customer=personas.cust_a1, data={field: value}
        )
    assert Customer.objects.get(pk=personas.cust_a1.pk).version == 1


def test_customer_user_cannot_move_own_company_to_another_branch(personas):
    with pytest.raises(PermissionDenied):
        services.customer_update(
            user=personas.cu_a1, customer=personas.cust_a1, data={"branch": personas.branch_b}
        )


def test_customer_user_cannot_edit_another_customer(personas):
    with pytest.raises(PermissionDenied):
        services.customer_update(
            user=personas.cu_a1, customer=personas.cust_b1, data={"phone": "1"}
        )


def test_product_manager_cannot_edit(personas):
    with pytest.raises(PermissionDenied):
        services.customer_update(user=personas.pm, customer=personas.cust_a1, data={"phone": "1"})


def test_account_manager_cannot_change_credit_limit_but_branch_manager_can(personas):
    with pytest.raises(PermissionDenied):
        services.customer_update(
            user=personas.am_a, customer=personas.cust_a1, data={"credit_limit": Decimal("5")}
        )
    customer = services.customer_update(
        user=personas.bm_a, customer=personas.cust_a1, data={"credit_limit": Decimal("5")}
    )
    assert customer.credit_limit == Decimal("5")


def test_branch_manager_cannot_assign_account_manager_of_another_branch(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_update(
            user=personas.bm_a, customer=personas.cust_a1, data={"account_manager": personas.am_b}
        )
    assert "account_manager" in info.value.message_dict


def test_customer_code_cannot_change(personas):
    with pytest.raises(ValidationError) as info:
        services.customer_update(user=personas.hq, customer=personas.cust_a1, data={"code": "X1"})
    assert "code" in info.value.message_dict


def test_invalid_update_rolls_back_everything(personas):
    with pytest.raises(ValidationError):
        services.customer_update(
            user=personas.hq, customer=personas.cust_a1, data={"phone": "1", "founded_year": 1500}
        )
    customer = Customer.objects.get(pk=personas.cust_a1.pk)
    assert (customer.phone, customer.version, customer.history.count()) == ("", 1, 1)


def test_update_refreshes_search_text(personas):
    services.customer_update(user=personas.hq, customer=personas.cust_a1, data={"name": "苏宁"})
    assert list(Customer.objects.search("sn").values_list("code", flat=True)) == ["C100001"]


# --- outlets and contacts -------------------------------------------------------------------
def test_outlet_cannot_move_to_another_customer(personas):
    with pytest.raises(ValidationError):
        services.outlet_update(
            user=personas.hq, outlet=personas.outlet_a1, data={"customer": personas.cust_b1}
        )


def test_outlet_code_cannot_change(personas):
    with pytest.raises(ValidationError):
        services.outlet_update(user=personas.hq, outlet=personas.outlet_a1, data={"code": "S9"})


def test_outlet_of_customer_outside_edit_right_is_refused(personas):
    with pytest.raises(PermissionDenied):
        services.outlet_create(
            user=personas.am_a2,
            data={
                "customer": personas.cust_a1,
                "name": "x",
                "format": "flagship",
                "province": personas.outlet_a1.province,
                "city": "青岛",
            },
        )
    assert Outlet.objects.count() == 3


def test_outlet_without_customer_is_a_field_error(personas):
    with pytest.raises(ValidationError) as info:
        services.outlet_create(user=personas.hq, data={"name": "x"})
    assert "customer" in info.value.message_dict


def test_new_primary_contact_replaces_the_old_one(personas):
    personas.contact_a1.is_primary = True
    personas.contact_a1.save()
    new = services.contact_create(
        user=personas.am_a, data={"customer": personas.cust_a1, "name": "赵敏", "is_primary": True}
    )
    old = Contact.objects.get(pk=personas.contact_a1.pk)
    assert new.is_primary and not old.is_primary
    assert old.version == personas.contact_a1.version + 1
    assert old.history.first().history_type == "~"


def test_contact_cannot_move_to_another_customer(personas):
    with pytest.raises(ValidationError):
        services.contact_update(
            user=personas.hq, contact=personas.contact_a1, data={"customer": personas.cust_b1}
        )


def test_contact_delete_keeps_history(personas):
    pk = personas.contact_a1.pk
    services.contact_delete(user=personas.am_a, contact=personas.contact_a1)
    assert not Contact.objects.filter(pk=pk).exists()
    assert Contact.history.filter(id=pk).first().history_type == "-"  # type: ignore[attr-defined]


def test_contact_delete_with_stale_version_keeps_contact(personas):
    services.contact_update(user=personas.am_a, contact=personas.contact_a1, data={"title": "x"})
    with pytest.raises(PreconditionFailedError):
        services.contact_delete(user=personas.am_a, contact=personas.contact_a1, expected_version=1)
    assert Contact.objects.filter(pk=personas.contact_a1.pk).exists()


def test_contact_delete_by_product_manager_is_refused(personas):
    with pytest.raises(PermissionDenied):
        services.contact_delete(user=personas.pm, contact=personas.contact_a1)


def test_outlet_factory_outlets_count_in_generated_codes(personas):
    OutletFactory(code="S1000042", customer=personas.cust_a1)
    outlet = services.outlet_create(
        user=personas.hq,
        data={
            "customer": personas.cust_a1,
            "name": "新店",
            "format": "counter",
            "province": personas.outlet_a1.province,
            "city": "青岛",
        },
    )
    assert outlet.code == "S1000043"
