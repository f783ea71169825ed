from django.contrib.auth import views as auth_views
from django.urls import path

from roots.org import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/language/", views.set_language, name="set-language"),
    path("account/two-factor/", views.otp_setup, name="otp-setup"),
    path("account/two-factor/verify/", views.otp_verify, name="otp-verify"),
    path("account/two-factor/remove/", views.otp_remove, name="otp-remove"),
    path(
        "account/two-factor/recovery-codes/",
        views.recovery_codes,
        name="otp-recovery-codes",
    ),
    path(
        "account/api-tokens/revoke-all/", views.api_tokens_revoke_all, name="api-tokens-revoke-all"
    ),
    path(
        "account/api-tokens/<str:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"
    ),
]
