"""Made-to-order (定制): the customer's request, the product manager's quote, the customer's
decision, production and its 7-day clock, and the demand product managers plan from.

A sub-app of `roots.orders` with the rooms of an app (docs/custom-orders.md): `policies`
(who may), `rules` (the need's vocabulary and bounds), `lifecycles` (the steps, declared
once; `linked_order` makes and cancels the order of an accepted quote), `services` (writes),
`selectors` (reads), `api`, `views` + `urls`, `forms`, `demo`. The model is `CustomOrder` in
`roots/orders/models.py`; its templates are `orders/custom_*.html`.
"""
