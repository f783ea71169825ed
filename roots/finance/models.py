"""Finance: invoices, payments, rebates and expenses, monthly statements and reconciliation."""
