"""The customer 360 page's tab of sales (`views.customer_sales_tab`), for the roles that work
the pipeline."""

from django.utils.translation import gettext_lazy as _

from roots.customers.tabs import CustomerTab, register
from roots.sales.policies import works_pipeline
from roots.sales.views import customer_sales_tab

register(
    CustomerTab(
        key="sales",
        label=_("Sales"),
        order=110,
        load=customer_sales_tab,
        staff_only=True,
        shown=works_pipeline,
    )
)
