"""Browser UI of the customer master: the list (htmx live search, filters, sorting, XLSX
export), the customer 360 page, and the forms of customers, outlets and contacts.

Reads go through the selectors, so a record outside the user's scope answers 404; writes go
through the services, whose validation errors are shown inline on the same form. A user who
sees a record but may not change it gets 403 on its forms.
"""

from roots.customers.views.contacts import (
    contact_create,
    contact_delete,
    contact_detail,
    contact_edit,
)
from roots.customers.views.customers import (
    customer_create,
    customer_detail,
    customer_edit,
    customer_export,
    customer_list,
    customer_reassign,
    customer_similar,
)
from roots.customers.views.outlets import outlet_create, outlet_detail, outlet_edit

__all__ = [
    "contact_create",
    "contact_delete",
    "contact_detail",
    "contact_edit",
    "customer_create",
    "customer_detail",
    "customer_edit",
    "customer_export",
    "customer_list",
    "customer_reassign",
    "customer_similar",
    "outlet_create",
    "outlet_detail",
    "outlet_edit",
]
