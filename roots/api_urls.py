"""The HTTP API under /api/v1/: one router for every app's viewsets."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from roots.catalog.api import (
    CategoryViewSet,
    CustomerPriceViewSet,
    PriceListItemViewSet,
    PriceListViewSet,
    ProductModelViewSet,
    ProductViewSet,
    PromotionViewSet,
    RegionalVariantViewSet,
    StockLevelViewSet,
    WarehouseViewSet,
)
from roots.core.api import not_found
from roots.core.search_api import GlobalSearchView
from roots.customers.api import ContactViewSet, CustomerViewSet, OutletViewSet
from roots.finance.api import ROUTES as FINANCE_ROUTES
from roots.kpis import api as kpis_api
from roots.notifications import api as notifications_api
from roots.orders.api import ROUTES as ORDER_ROUTES
from roots.org.api import ApiTokenViewSet, BranchViewSet, MeView, TokenView
from roots.portal.api import ROUTES as PORTAL_ROUTES
from roots.sales import api as sales_api
from roots.sales.daily import api as daily_api
from roots.sellthrough import api as sellthrough_api
from roots.sellthrough.inventory import api as inventory_api
from roots.service.api import ROUTES as SERVICE_ROUTES

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-record")
router.register("branches", BranchViewSet, basename="branch")
router.register("customers", CustomerViewSet, basename="customer")
router.register("outlets", OutletViewSet, basename="outlet")
router.register("contacts", ContactViewSet, basename="contact")
router.register("categories", CategoryViewSet, basename="category")
router.register("product-models", ProductModelViewSet, basename="product-model")
router.register("regional-variants", RegionalVariantViewSet, basename="regional-variant")
router.register("products", ProductViewSet, basename="product")
router.register("warehouses", WarehouseViewSet, basename="warehouse")
router.register("stock", StockLevelViewSet, basename="stock-level")
router.register("price-lists", PriceListViewSet, basename="price-list")
router.register("price-list-items", PriceListItemViewSet, basename="price-list-item")
router.register("customer-prices", CustomerPriceViewSet, basename="customer-price")
router.register("promotions", PromotionViewSet, basename="promotion")
MODULE_APIS = (
    sellthrough_api,
    inventory_api,
    kpis_api,
    sales_api,
    daily_api,
    notifications_api,
)
for prefix, viewset, basename in (
    *ORDER_ROUTES,
    *FINANCE_ROUTES,
    *SERVICE_ROUTES,
    *PORTAL_ROUTES,
    *(route for module in MODULE_APIS for route in module.ROUTES),
):
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("search/", GlobalSearchView.as_view(), name="api-search"),
    *(p for module in MODULE_APIS for p in module.PATHS),
    path("", include(router.urls)),
    # Last: whatever else is asked under /api/v1/ answers a JSON 404, not Django's HTML page.
    re_path(r"", not_found, name="api-not-found"),
]
