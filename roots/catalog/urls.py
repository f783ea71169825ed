"""Catalog, price and promotion pages; included at the site root, so each path names its
prefix."""

from django.urls import path

from roots.catalog.views import exports, prices, products, promotions

urlpatterns = [
    path("catalog/", products.catalog_list, name="catalog-list"),
    path("catalog/export/", exports.catalog_export, name="catalog-export"),
    path("catalog/new/", products.sku_create, name="sku-create"),
    path("catalog/models/new/", products.product_model_create, name="product-model-create"),
    path(
        "catalog/models/<str:code>/edit/",
        products.product_model_edit,
        name="product-model-edit",
    ),
    path(
        "catalog/models/<str:code>/variants/new/",
        products.regional_variant_create,
        name="regional-variant-create",
    ),
    path(
        "catalog/variants/<int:pk>/edit/",
        products.regional_variant_edit,
        name="regional-variant-edit",
    ),
    path("catalog/<str:code>/", products.catalog_detail, name="catalog-detail"),
    path("catalog/<str:code>/edit/", products.sku_edit, name="sku-edit"),
    path("price-lists/", prices.price_list_list, name="price-list-list"),
    path("price-lists/export/", exports.price_list_export, name="price-list-export"),
    path("price-lists/new/", prices.price_list_create, name="price-list-create"),
    path("price-lists/<str:code>/", prices.price_list_detail, name="price-list-detail"),
    path("price-lists/<str:code>/edit/", prices.price_list_edit, name="price-list-edit"),
    path(
        "price-lists/<str:code>/items/new/",
        prices.price_list_item_create,
        name="price-list-item-create",
    ),
    path(
        "price-list-items/<int:pk>/edit/",
        prices.price_list_item_edit,
        name="price-list-item-edit",
    ),
    path(
        "price-list-items/<int:pk>/delete/",
        prices.price_list_item_delete,
        name="price-list-item-delete",
    ),
    path("customer-prices/", prices.customer_price_list, name="customer-price-list"),
    path(
        "customer-prices/export/",
        exports.customer_price_export,
        name="customer-price-export",
    ),
    path("customer-prices/new/", prices.customer_price_create, name="customer-price-create"),
    path("customer-prices/<int:pk>/", prices.customer_price_detail, name="customer-price-detail"),
    path("customer-prices/<int:pk>/edit/", prices.customer_price_edit, name="customer-price-edit"),
    path("customer-prices/<int:pk>/end/", prices.customer_price_end, name="customer-price-end"),
    path("promotions/", promotions.promotion_list, name="promotion-list"),
    path("promotions/export/", exports.promotion_export, name="promotion-export"),
    path("promotions/new/", promotions.promotion_create, name="promotion-create"),
    path("promotions/<str:code>/", promotions.promotion_detail, name="promotion-detail"),
    path("promotions/<str:code>/edit/", promotions.promotion_edit, name="promotion-edit"),
]
