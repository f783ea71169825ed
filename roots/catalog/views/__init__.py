"""Catalog pages, one module per aggregate: products (SKUs, product models, regional
variants), promotions, and prices (channel price lists and customer-specific prices)."""

from roots.catalog.views.products import buyer_of, filtered_skus

__all__ = ["buyer_of", "filtered_skus"]
