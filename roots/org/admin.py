"""The organisation in the Django admin, where it is kept: provinces, branches, call centres
and users have no services, so these admins stay editable (roots.core.admin). A user saves
through `User.save` from every path (this admin, its password form, `changepassword`), which
revokes the user's API tokens on a new password or a deactivation."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from roots.org.models import Branch, CallCenter, Province, User


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "region"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["region"]


@admin.register(Branch)
class BranchAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "province", "city", "is_active"]
    search_fields = ["code", "name", "city"]
    list_filter = ["is_active", "province"]
    list_select_related = ["province"]


@admin.register(CallCenter)
class CallCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "phone", "seats"]
    list_select_related = ["province"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "branch", "customer", "supplier", "is_active"]
    list_filter = ["role", "is_active", "branch"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["branch", "customer", "supplier"]
    autocomplete_fields = ["customer", "supplier", "branch"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Roots"),
            {
                "fields": (
                    "role",
                    "full_name",
                    "phone",
                    "branch",
                    "customer",
                    "supplier",
                    "call_center",
                    "language",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Roots"), {"fields": ("role", "full_name", "branch", "customer", "supplier")}),
    )
