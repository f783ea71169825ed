"""The customer 360 page's tab of the customer-success KPIs (`views.customer_kpi_tab`)."""

from django.utils.translation import gettext_lazy as _

from roots.customers.tabs import CustomerTab, register
from roots.kpis.views import customer_kpi_tab

register(CustomerTab(key="kpis", label=_("KPIs"), order=90, load=customer_kpi_tab, staff_only=True))
