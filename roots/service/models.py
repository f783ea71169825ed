"""Service: the cases of channel customers (complaints) with response deadlines."""
