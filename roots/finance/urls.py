"""The app's pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

from django.urls import path

from roots.finance import views
from roots.finance.views import exports

urlpatterns: list[Any] = [
    path("finance/", views.finance_home, name="finance-home"),
    path("finance/accounts/export/", exports.account_export, name="account-export"),
    path("finance/payments/new/", views.payment_create, name="payment-create"),
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/export/", exports.invoice_export, name="invoice-export"),
    path("invoices/<str:number>/", views.invoice_detail, name="invoice-detail"),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/export/", exports.statement_list_export, name="statement-export"),
    path("statements/<str:number>/", views.statement_detail, name="statement-detail"),
    path("statements/<str:number>/pdf/", views.statement_pdf, name="statement-pdf"),
    path("statements/<str:number>/xlsx/", views.statement_xlsx, name="statement-xlsx"),
    path(
        "statements/<str:number>/<slug:action>/",
        views.statement_action,
        name="statement-action",
    ),
    path("disputes/", views.dispute_list, name="dispute-list"),
    path("disputes/export/", exports.dispute_export, name="dispute-export"),
    path("disputes/<str:number>/", views.dispute_detail, name="dispute-detail"),
    path("disputes/<str:number>/<slug:action>/", views.dispute_action, name="dispute-action"),
    path("expenses/", views.expense_list, name="expense-list"),
    path("expenses/export/", exports.expense_export, name="expense-export"),
    path("expenses/new/", views.expense_create, name="expense-create"),
    path("expenses/rebate/", views.rebate_create, name="rebate-create"),
    path("expenses/<str:number>/", views.expense_detail, name="expense-detail"),
    path("expenses/<str:number>/<slug:action>/", views.expense_action, name="expense-action"),
]
