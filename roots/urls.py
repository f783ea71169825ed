"""URL map: staff UI, portal, admin, API and its documentation."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from roots.core import views as core_views
from roots.core.apidocs import ApiDocsView
from roots.home import views as home_views

urlpatterns = [
    path("", include("roots.org.urls")),
    path("dashboard/", home_views.dashboard, name="dashboard"),
    path("search/", core_views.global_search, name="global-search"),
    path("customers/", include("roots.customers.urls")),
    path("", include("roots.customers.record_urls")),
    path("portal/", include("roots.portal.urls")),
    path("", include("roots.catalog.urls")),
    path("", include("roots.orders.urls")),
    path("", include("roots.finance.urls")),
    path("", include("roots.service.urls")),
    path("", include("roots.sellthrough.urls")),
    path("", include("roots.sellthrough.inventory.urls")),
    path("", include("roots.kpis.urls")),
    path("", include("roots.sales.urls")),
    path("", include("roots.sales.daily.urls")),
    path("", include("roots.notifications.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Namespaced: the router's names (customer-list, customer-detail ...) would otherwise
    # shadow the browser UI's names of the same records.
    path("api/v1/", include(("roots.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Signed-in only unless API_SCHEMA_PUBLIC; Swagger UI from our static files (core.apidocs).
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
