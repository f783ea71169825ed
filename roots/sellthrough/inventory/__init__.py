"""Inventory (进销存): the sell-through feed read as stock position, days of cover,
sell-through rate and stock alerts (docs/inventory.md). Read-only, so no services: who may in
`policies`, the reads in `selectors` (the SQL they compose around the ORM in `sql`), the API
in `api`, the pages in `views` and `urls` (templates in `sellthrough/templates/sellthrough/`).
"""
