"""Browser UI of the customer master: scope (404), permissions (403), forms, list, export."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import shared_personas
from roots.customers import services
from roots.customers.models import Contact, Customer, Outlet
from roots.customers.tests.factories import CustomerFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def customer_post_data(customer: Customer, **changes) -> dict:
    """What the edit form posts for `customer` as an account manager sees it."""
    data = {
        "name": customer.name,
        "name_en": customer.name_en,
        "channel_type": customer.channel_type,
        "is_key_account": "on" if customer.is_key_account else "",
        "tier": customer.tier,
        "priority": customer.priority,
        "status": customer.status,
        "credit_limit": str(customer.credit_limit),
        "version": str(customer.version),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# --- list ------------------------------------------------------------------------------------
def test_customer_list_shows_only_scoped_customers(personas):
    response = client_for(personas.am_a).get(reverse("customer-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "C100001" in content
    assert "C100002" not in content
    assert "C100003" not in content


def test_customer_list_finds_customer_by_pinyin_initials(personas):
    response = client_for(personas.hq).get(reverse("customer-list"), {"q": "gmdq"})
    content = response.content.decode()
    assert "国美电器青岛有限公司" in content
    assert "大中电器" not in content


def test_customer_list_htmx_request_returns_table_fragment(personas):
    response = client_for(personas.hq).get(
        reverse("customer-list"), {"q": "C10000"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'data-testid="customer-table"' in content
    assert "HX-Request" in response["Vary"]


def test_customer_list_filters_by_channel_type(personas):
    response = client_for(personas.hq).get(
        reverse("customer-list"), {"channel_type": "department_store"}
    )
    content = response.content.decode()
    assert "利群商厦" in content
    assert "国美电器青岛有限公司" not in content


def test_customer_list_sorts_by_name_descending(personas):
    response = client_for(personas.hq).get(reverse("customer-list"), {"sort": "-code"})
    codes = [c.code for c in response.context["page"].object_list]
    assert codes == ["C100003", "C100002", "C100001"]


def test_customer_list_ignores_unknown_sort_and_bad_filter(personas):
    response = client_for(personas.hq).get(
        reverse("customer-list"), {"sort": "password", "tier": "gold", "page": "x"}
    )
    assert response.status_code == 200


def test_customer_list_paginates_25_per_page(personas):
    CustomerFactory.create_batch(30, branch=personas.branch_a)
    response = client_for(personas.hq).get(reverse("customer-list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 8


def test_customer_list_query_count_does_not_grow(personas, django_assert_num_queries):
    client = client_for(personas.hq)
    url = reverse("customer-list")
    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as three_rows:
        client.get(url)
    CustomerFactory.create_batch(20, branch=personas.branch_a, account_manager=personas.am_a)
    with django_assert_num_queries(len(three_rows.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 23


def test_call_agent_is_turned_away_from_the_customer_list(personas):
    # D36 (UX review 2026-12): like /orders/, a clear 403 rather than an empty list.
    response = client_for(personas.agent).get(reverse("customer-list"))
    assert response.status_code == 403


# --- export ----------------------------------------------------------------------------------
def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return book.read("xl/sharedStrings.xml").decode()


def test_export_only_contains_scoped_customers(personas):
    response = client_for(personas.bm_a).get(reverse("customer-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    text = _xlsx_text(response.content)
    assert "C100001" in text
    assert "C100002" in text
    assert "C100003" not in text


def test_export_applies_the_list_search(personas):
    response = client_for(personas.hq).get(reverse("customer-export"), {"q": "gmdq"})
    text = _xlsx_text(response.content)
    assert "C100001" in text
    assert "C100002" not in text


# --- detail ----------------------------------------------------------------------------------
def _tab(user, code: str, tab: str):
    """A tab of the 360 page as htmx fetches it when first shown."""
    return client_for(user).get(
        reverse("customer-detail", args=[code]), {"tab": tab}, HTTP_HX_REQUEST="true"
    )


def test_account_manager_opens_own_customer_360_page(personas):
    response = client_for(personas.am_a).get(reverse("customer-detail", args=["C100001"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "国美电器青岛有限公司" in content
    assert reverse("customer-edit", args=["C100001"]) in content
    assert "S1000001" in _tab(personas.am_a, "C100001", "outlets").content.decode()
    assert "张伟" in _tab(personas.am_a, "C100001", "contacts").content.decode()


def test_360_page_fetches_only_the_shown_tab(personas, django_assert_max_num_queries):
    client = client_for(personas.am_a)
    client.get(reverse("customer-detail", args=["C100001"]))  # session, caches
    with django_assert_max_num_queries(5):
        page = client.get(reverse("customer-detail", args=["C100001"]))
    content = page.content.decode()
    assert 'hx-get="/customers/C100001/?tab=history"' in content
    assert "S1000001" not in content  # the outlets tab is not rendered until shown


def test_360_page_opens_on_the_tab_named_in_the_url_without_javascript(personas):
    response = client_for(personas.am_a).get(
        reverse("customer-detail", args=["C100001"]), {"tab": "outlets"}
    )
    assert "<html" in response.content.decode()
    assert "S1000001" in response.content.decode()


def test_tab_of_out_of_scope_customer_answers_404(personas):
    assert _tab(personas.am_b, "C100001", "history").status_code == 404


def test_account_manager_cannot_open_other_branch_customer(personas):
    response = client_for(personas.am_a).get(reverse("customer-detail", args=["C100003"]))
    assert response.status_code == 404


def test_account_manager_cannot_open_colleagues_customer(personas):
    response = client_for(personas.am_a).get(reverse("customer-detail", args=["C100002"]))
    assert response.status_code == 404


def test_product_manager_sees_no_edit_button_and_gets_403_on_edit(personas):
    client = client_for(personas.pm)
    detail = client.get(reverse("customer-detail", args=["C100001"]))
    assert detail.status_code == 200
    assert 'data-testid="edit-customer"' not in detail.content.decode()
    assert client.get(reverse("customer-edit", args=["C100001"])).status_code == 403
    assert client.get(reverse("outlet-create", args=["C100001"])).status_code == 403
    assert client.get(reverse("contact-create", args=["C100001"])).status_code == 403


def test_history_tab_lists_field_changes(personas):
    services.customer_update(
        user=personas.am_a, customer=personas.cust_a1, data={"phone": "0532-12345678"}
    )
    response = _tab(personas.am_a, "C100001", "history")
    content = response.content.decode()
    assert "0532-12345678" in content
    assert "<html" not in content  # the fragment alone
    history = response.context["history"]
    assert history[0]["changes"][0]["field"] == "phone"


def test_anonymous_user_is_sent_to_login(personas):
    response = Client().get(reverse("customer-detail", args=["C100001"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- create and edit -------------------------------------------------------------------------
def test_account_manager_creates_customer_in_own_branch(personas):
    response = client_for(personas.am_a).post(
        reverse("customer-create"),
        {
            "name": "青岛海信广场",
            "channel_type": "department_store",
            "tier": "major",
            "priority": "A",
            "status": "active",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(name="青岛海信广场")
    assert response["Location"] == reverse("customer-detail", args=[customer.code])
    assert customer.account_manager == personas.am_a
    assert customer.branch == personas.branch_a


def test_create_form_hides_fields_the_role_may_not_set(personas):
    response = client_for(personas.am_a).get(reverse("customer-create"))
    form = response.context["form"]
    assert "branch" not in form.fields
    assert "credit_limit" not in form.fields
    assert "name" in form.fields


def test_product_manager_cannot_create_customers(personas):
    assert client_for(personas.pm).get(reverse("customer-create")).status_code == 403


def test_edit_form_shows_inline_errors_for_bad_credit_limit(personas):
    customer = personas.cust_a1
    response = client_for(personas.bm_a).post(
        reverse("customer-edit", args=[customer.code]),
        customer_post_data(customer, credit_limit="-5"),
    )
    assert response.status_code == 200
    assert "credit_limit" in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("1000000")


def test_edit_form_shows_service_errors_inline(personas):
    """A value the form accepts but the model rejects (founded in 1700) comes back from the
    service's ValidationError onto the field."""
    customer = personas.cust_a1
    response = client_for(personas.am_a).post(
        reverse("customer-edit", args=[customer.code]),
        customer_post_data(customer, founded_year="1700"),
    )
    assert response.status_code == 200
    assert "founded_year" in response.context["form"].errors


def test_edit_saves_change_and_redirects_to_detail(personas):
    customer = personas.cust_a1
    response = client_for(personas.am_a).post(
        reverse("customer-edit", args=[customer.code]),
        customer_post_data(customer, notes="每周二拜访"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.notes == "每周二拜访"
    assert customer.version == 2


def test_edit_with_stale_version_shows_changed_by_someone_else(personas):
    customer = personas.cust_a1
    stale = customer_post_data(customer, notes="mine")
    services.customer_update(user=personas.bm_a, customer=customer, data={"notes": "theirs"})
    response = client_for(personas.am_a).post(reverse("customer-edit", args=[customer.code]), stale)
    assert response.status_code == 409
    assert "该记录已被他人修改" in str(response.context["form"].non_field_errors())
    customer.refresh_from_db()
    assert customer.notes == "theirs"


def test_edit_form_posts_record_version(personas):
    response = client_for(personas.am_a).get(reverse("customer-edit", args=["C100001"]))
    assert 'name="version" value="1"' in response.content.decode()


def test_customer_user_edits_own_company_within_allowed_fields(personas):
    client = client_for(personas.cu_a1)
    response = client.get(reverse("customer-edit", args=["C100001"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert "credit_limit" not in form.fields
    assert "tier" not in form.fields
    response = client.post(
        reverse("customer-edit", args=["C100001"]),
        {"name": "国美电器青岛有限公司", "phone": "0532-88888888", "version": "1"},
    )
    assert response.status_code == 302
    personas.cust_a1.refresh_from_db()
    assert personas.cust_a1.phone == "0532-88888888"


def test_customer_user_cannot_open_other_company(personas):
    response = client_for(personas.cu_a1).get(reverse("customer-detail", args=["C100003"]))
    assert response.status_code == 404


# --- duplicate warning -----------------------------------------------------------------------
def test_similar_customers_lists_visible_matches_and_counts_hidden(personas):
    CustomerFactory(code="C100009", name="国美电器青岛有限公司", branch=personas.branch_b)
    response = client_for(personas.am_a).get(
        reverse("customer-similar"), {"name": "国美电器青岛公司"}
    )
    content = response.content.decode()
    assert "C100001" in content
    assert "C100009" not in content
    assert 'data-testid="similar-hidden"' in content


def test_similar_customers_is_empty_for_a_new_name(personas):
    response = client_for(personas.am_a).get(reverse("customer-similar"), {"name": "完全不同"})
    assert response.status_code == 200
    assert b"similar-customers" not in response.content


# --- outlets and contacts --------------------------------------------------------------------
def test_outlet_detail_shows_history(personas):
    response = client_for(personas.am_a).get(reverse("outlet-detail", args=["S1000001"]))
    assert response.status_code == 200
    assert 'data-testid="history"' in response.content.decode()


def test_outlet_of_other_branch_answers_404(personas):
    response = client_for(personas.am_a).get(reverse("outlet-detail", args=["S1000003"]))
    assert response.status_code == 404


def test_account_manager_adds_outlet(personas):
    province = personas.outlet_a1.province
    response = client_for(personas.am_a).post(
        reverse("outlet-create", args=["C100001"]),
        {
            "name": "国美电器香港中路店",
            "format": "flagship",
            "province": province.pk,
            "city": "青岛",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get(name="国美电器香港中路店")
    assert outlet.customer == personas.cust_a1


def test_outlet_edit_shows_inline_error_for_bad_latitude(personas):
    outlet = personas.outlet_a1
    response = client_for(personas.am_a).post(
        reverse("outlet-edit", args=[outlet.code]),
        {
            "name": outlet.name,
            "format": outlet.format,
            "province": outlet.province_id,
            "city": outlet.city,
            "latitude": "95",
            "longitude": "120",
            "is_active": "on",
            "version": str(outlet.version),
        },
    )
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors


def test_account_manager_adds_and_edits_contact(personas):
    client = client_for(personas.am_a)
    response = client.post(
        reverse("contact-create", args=["C100001"]),
        {"name": "刘洋", "title": "采购总监", "is_decision_maker": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="刘洋")
    response = client.post(
        reverse("contact-edit", args=[contact.pk]),
        {"name": "刘洋", "title": "副总经理", "is_decision_maker": "on", "version": "1"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.title == "副总经理"
    detail = client.get(reverse("contact-detail", args=[contact.pk]))
    assert "副总经理" in detail.content.decode()


def test_contact_of_other_branch_answers_404(personas):
    response = client_for(personas.am_a).get(
        reverse("contact-detail", args=[personas.contact_b1.pk])
    )
    assert response.status_code == 404


def test_contact_delete_requires_post(personas):
    url = reverse("contact-delete", args=[personas.contact_a1.pk])
    assert client_for(personas.am_a).get(url).status_code == 405


def test_account_manager_deletes_contact(personas):
    contact = personas.contact_a1
    response = client_for(personas.am_a).post(
        reverse("contact-delete", args=[contact.pk]), {"version": str(contact.version)}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#contacts")
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_product_manager_cannot_delete_contact(personas):
    response = client_for(personas.pm).post(
        reverse("contact-delete", args=[personas.contact_a1.pk])
    )
    assert response.status_code == 403
    assert Contact.objects.filter(pk=personas.contact_a1.pk).exists()


# --- shell -----------------------------------------------------------------------------------
def test_out_of_scope_customer_shows_friendly_404_page(personas):
    response = client_for(personas.am_a).get(reverse("customer-detail", args=["C100003"]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_edit_shows_friendly_403_page(personas):
    response = client_for(personas.pm).get(reverse("customer-edit", args=["C100001"]))
    assert response.status_code == 403
    assert "您无权修改该客户" in response.content.decode()


def test_pages_render_in_english_from_accept_language(personas):
    response = client_for(personas.am_a).get(
        reverse("customer-detail", args=["C100001"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Add outlet" in content
    assert "Multinational chain" in content


def test_pages_render_in_chinese_by_default(personas):
    content = (
        client_for(personas.am_a).get(reverse("customer-detail", args=["C100001"])).content.decode()
    )
    assert "添加网点" in content
    assert "跨国连锁" in content


def test_customer_user_edit_form_has_no_duplicate_check(personas):
    response = client_for(personas.cu_a1).get(reverse("customer-edit", args=["C100001"]))
    assert reverse("customer-similar") not in response.content.decode()
    assert client_for(personas.cu_a1).get(reverse("customer-similar")).status_code == 403


def test_staff_create_form_wires_duplicate_check(personas):
    response = client_for(personas.am_a).get(reverse("customer-create"))
    assert f'hx-get="{reverse("customer-similar")}"' in response.content.decode()
