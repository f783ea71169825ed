from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from roots.org.otp import CODE_PATTERN


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OTPCodeForm(forms.Form):
    code = forms.RegexField(
        label=pgettext_lazy("two-factor", "Code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits shown in your app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OTPVerifyForm(forms.Form):
    """The second step of sign-in: a code from the app, or one of the recovery codes."""

    code = forms.RegexField(
        label=pgettext_lazy("two-factor", "Code"),
        regex=CODE_PATTERN,
        max_length=20,
        error_messages={"invalid": _("Enter the 6 digits shown in your app, or a recovery code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
