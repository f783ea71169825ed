"""Reads of the customer master: scoped lists, Chinese/pinyin search, the duplicate warning
and the change history."""

from __future__ import annotations

import pytest

from conftest import shared_personas
from roots.core.selectors import history_entries
from roots.customers import selectors, services
from roots.customers.models import Customer
from roots.customers.tests.factories import CustomerFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _codes(queryset) -> list[str]:
    return sorted(queryset.values_list("code", flat=True))


# --- scoped lists and search ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("hq", ["C100001", "C100002", "C100003"]),
        ("pm", ["C100001", "C100002", "C100003"]),
        ("bm_a", ["C100001", "C100002"]),
        ("bm_b", ["C100003"]),
        ("am_a", ["C100001"]),
        ("am_a2", ["C100002"]),
        ("cu_b1", ["C100003"]),
        ("agent", []),
        ("engineer", []),
        ("su", []),
    ],
)
def test_customer_list_is_scoped_by_role(personas, role, codes):
    assert _codes(selectors.customer_list(user=getattr(personas, role))) == codes


def test_inactive_user_sees_nothing(personas):
    personas.hq.is_active = False
    assert _codes(selectors.customer_list(user=personas.hq)) == []


@pytest.mark.parametrize(
    "term", ["国美", "电器青岛", "guomei", "qingdao", "gmdq", "gmdqqd", "C100001", "c100001"]
)
def test_search_by_characters_pinyin_initials_and_code(personas, term):
    assert _codes(selectors.customer_list(user=personas.hq, search=term)) == ["C100001"]


def test_search_matches_inside_the_scope_only(personas):
    assert _codes(selectors.customer_list(user=personas.am_b, search="国美")) == []
    assert _codes(selectors.customer_list(user=personas.pm, search="电器")) == [
        "C100001",
        "C100003",
    ]


def test_empty_search_is_no_filter(personas):
    assert len(selectors.customer_list(user=personas.hq, search="   ")) == 3


def test_outlet_and_contact_lists_follow_the_customer_scope(personas):
    assert _codes(selectors.outlet_list(user=personas.am_a2)) == ["S1000002"]
    assert [c.name for c in selectors.contact_list(user=personas.cu_b1)] == ["王芳"]
    assert [c.name for c in selectors.contact_list(user=personas.bm_a, search="ln")] == ["李娜"]


# --- duplicate warning ----------------------------------------------------------------------
def test_similar_name_in_scope_is_named(personas):
    similar = selectors.customer_similar(user=personas.am_a, name="国美电器青岛公司")
    assert [c.code for c, _score in similar.visible] == ["C100001"]
    assert similar.hidden_count == 0


def test_similar_name_outside_scope_is_counted_but_not_named(personas):
    similar = selectors.customer_similar(user=personas.am_b, name="国美电器青岛公司")
    assert similar.visible == []
    assert similar.hidden_count == 1


def test_close_name_in_another_branch_is_counted_for_branch_manager(personas):
    CustomerFactory(code="C200001", name="国美电器（北京）有限公司", branch=personas.branch_b)
    for_a = selectors.customer_similar(user=personas.bm_a, name="国美电器有限公司")
    for_hq = selectors.customer_similar(user=personas.hq, name="国美电器有限公司")
    assert [c.code for c, _ in for_a.visible] == ["C100001"]
    assert for_a.hidden_count == 1
    assert sorted(c.code for c, _ in for_hq.visible) == ["C100001", "C200001"]
    assert for_hq.hidden_count == 0


def test_similar_excludes_the_customer_being_edited(personas):
    similar = selectors.customer_similar(
        user=personas.am_a, name=personas.cust_a1.name, exclude_pk=personas.cust_a1.pk
    )
    assert (similar.visible, similar.hidden_count) == ([], 0)


@pytest.mark.parametrize("name", ["", " ", "国", "有限公司", "海尔洗衣机专卖"])
def test_short_generic_or_unrelated_names_warn_of_nothing(personas, name):
    similar = selectors.customer_similar(user=personas.hq, name=name)
    assert (similar.visible, similar.hidden_count) == ([], 0)


def test_roles_without_customers_see_only_a_count(personas):
    similar = selectors.customer_similar(user=personas.agent, name="国美电器青岛公司")
    assert (similar.visible, similar.hidden_count) == ([], 1)


# --- history --------------------------------------------------------------------------------
def test_history_entries_show_who_when_and_what_with_names(personas):
    customer = personas.cust_a1
    services.customer_update(
        user=personas.bm_a,
        customer=customer,
        data={"account_manager": personas.am_a2, "phone": "0532-1"},
    )
    services.customer_update(
        user=personas.hq,
        customer=customer,
        data={"branch": personas.branch_b, "account_manager": personas.am_b},
    )
    entries = history_entries(instance=Customer.objects.get(pk=customer.pk))
    assert [(e["type"], e["user"]) for e in entries] == [
        ("changed", "hq"),
        ("changed", "bm_a"),
        ("created", None),  # the factory wrote it, outside any service
    ]
    newest, older = entries[0], entries[1]
    assert newest["date"] >= older["date"]
    assert {c["field"]: (c["old"], c["new"]) for c in newest["changes"]} == {
        "branch": ("青岛工贸", "北京工贸"),
        "account_manager": ("am_a2", "am_b"),
    }
    assert {c["field"]: (c["old"], c["new"]) for c in older["changes"]} == {
        "account_manager": ("am_a", "am_a2"),
        "phone": (None, "0532-1"),
    }


def test_history_creation_entry_lists_the_values_set(personas):
    customer = services.customer_create(
        user=personas.am_a, data={"name": "海信", "channel_type": "local_chain"}
    )
    (entry,) = history_entries(instance=customer)
    fields = {c["field"]: c["new"] for c in entry["changes"]}
    assert entry["user"] == "am_a"
    assert fields["name"] == "海信"
    assert fields["branch"] == "青岛工贸"
    assert fields["account_manager"] == "am_a"
    assert "version" not in fields and "search_text" not in fields


def test_history_query_count_does_not_grow_with_entries(personas, django_assert_max_num_queries):
    for i in range(20):
        services.customer_update(
            user=personas.hq,
            customer=personas.cust_a1,
            data={"phone": str(i), "account_manager": (personas.am_a2, personas.am_a)[i % 2]},
        )
    with django_assert_max_num_queries(3):
        entries = history_entries(instance=personas.cust_a1)
    assert len(entries) == 21
