"""Sign-in, landing pages, language switch, two-factor and the dashboard."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, shared_personas
from roots.customers.tests.factories import OutletFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- landing ---------------------------------------------------------------------------------
def test_anonymous_root_redirects_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_staff_root_redirects_to_dashboard(personas):
    response = client_for(personas.am_a).get("/")
    assert response["Location"] == reverse("dashboard")


def test_login_page_renders_form_and_language_switch(db):
    response = Client().get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert reverse("set-language") in content


def test_login_with_wrong_password_shows_error(personas):
    response = Client().post(reverse("login"), {"username": "am_a", "password": "wrong"})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()


def test_account_manager_signs_in_and_lands_on_dashboard(personas):
    client = Client()
    response = client.post(reverse("login"), {"username": "am_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_portal_user_signs_in_and_lands_on_portal_home(personas):
    response = Client().post(reverse("login"), {"username": "cu_a1", "password": PASSWORD})
    assert response["Location"] == reverse("portal-home")


@override_settings(AXES_FAILURE_LIMIT=2)
def test_repeated_failed_sign_ins_lock_the_account_out(personas):
    client = Client()
    for _ in range(2):
        client.post(reverse("login"), {"username": "am_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "am_a", "password": PASSWORD})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(personas):
    client = client_for(personas.am_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


# --- language --------------------------------------------------------------------------------
def test_language_switch_renders_english_and_remembers_choice(personas):
    client = client_for(personas.am_a)
    response = client.post(
        reverse("set-language"), {"language": "en", "next": reverse("customer-list")}
    )
    assert response["Location"] == reverse("customer-list")
    page = client.get(reverse("customer-list")).content.decode()
    assert '<html lang="en">' in page
    assert "Customers" in page
    personas.am_a.refresh_from_db()
    assert personas.am_a.language == "en"


def test_chinese_is_the_default_interface_language(personas):
    page = client_for(personas.am_a).get(reverse("customer-list")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "客户" in page


def test_staff_language_switch_offers_chinese_and_english_only(personas):
    page = client_for(personas.am_a).get(reverse("dashboard")).content.decode()
    assert 'value="en"' in page
    assert 'value="es"' not in page


def test_language_switch_refuses_foreign_next_url(personas):
    response = client_for(personas.am_a).post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# --- dashboard -------------------------------------------------------------------------------
def test_dashboard_counts_customers_in_scope(personas):
    # Branch managers land on "my day"; the customer summary is one link away.
    response = client_for(personas.bm_a).get(reverse("dashboard") + "?view=overview")
    stats = response.context["stats"]
    assert stats.total == 2
    channel = {item.key: item.count for item in stats.by_channel}
    assert channel["multinational_chain"] == 1
    assert channel["department_store"] == 1
    assert 'id="chart-channel"' in response.content.decode()


def test_dashboard_aggregates_outlets_per_province_for_the_map(personas):
    OutletFactory(customer=personas.cust_a1, province=personas.outlet_a1.province)
    response = client_for(personas.am_a).get(reverse("dashboard") + "?view=overview")
    provinces = response.context["charts"]["provinces"]["items"]
    assert provinces == [{"name": "山东", "value": 2, "label": "山东省"}]


def test_dashboard_query_count_is_constant(personas, django_assert_max_num_queries):
    client = client_for(personas.hq)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))


def test_call_agent_sees_friendly_dashboard_without_customer_links(personas):
    response = client_for(personas.agent).get(reverse("dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="no-customer-scope"' in content
    assert reverse("customer-list") not in content
    assert reverse("customer-create") not in content


def test_engineer_sees_friendly_dashboard(personas):
    response = client_for(personas.engineer).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["stats"] is None


def test_portal_user_on_dashboard_is_sent_to_portal_home(personas):
    response = client_for(personas.cu_a1).get(reverse("dashboard"))
    assert response["Location"] == reverse("portal-home")


def test_navigation_shows_customers_only_to_roles_that_have_them(personas):
    assert reverse("customer-list") in client_for(personas.pm).get("/dashboard/").content.decode()
    engineer_page = client_for(personas.engineer).get("/dashboard/").content.decode()
    assert reverse("customer-list") not in engineer_page


# --- account and two-factor ------------------------------------------------------------------
def test_account_page_shows_role_and_branch(personas):
    response = client_for(personas.am_a).get(reverse("account"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "青岛工贸" in content
    assert 'data-testid="two-factor-status"' in content


@override_settings(OTP_REQUIRED_ROLES=["account_manager"])
def test_two_factor_required_role_is_sent_to_setup(personas):
    response = client_for(personas.am_a).get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("otp-setup")


def test_two_factor_setup_shows_qr_and_secret(personas):
    response = client_for(personas.am_a).get(reverse("otp-setup"))
    content = response.content.decode()
    assert 'data-testid="otp-qr"' in content
    assert 'src="data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns' in content
    assert response.context["secret"]


def test_two_factor_setup_confirms_with_a_valid_code(personas):
    client = client_for(personas.am_a)
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=personas.am_a, confirmed=False)
    response = client.post(reverse("otp-setup"), {"code": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=personas.am_a, confirmed=True).exists()


def test_two_factor_setup_rejects_a_wrong_code_inline(personas):
    client = client_for(personas.am_a)
    client.get(reverse("otp-setup"))
    response = client.post(reverse("otp-setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_enrolled_user_must_verify_a_code_after_sign_in(personas):
    TOTPDevice.objects.create(user=personas.am_a, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": "am_a", "password": PASSWORD})
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("otp-verify")
    verify = client.get(reverse("otp-verify"))
    assert verify.status_code == 200
    assert 'name="code"' in verify.content.decode()


def test_user_turns_two_factor_off_from_account_page(personas):
    TOTPDevice.objects.create(user=personas.am_a, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": "am_a", "password": PASSWORD})
    device = TOTPDevice.objects.get(user=personas.am_a)
    client.post(reverse("otp-verify"), {"code": current_code(device)})
    response = client.post(reverse("otp-remove"))
    assert response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=personas.am_a).exists()
