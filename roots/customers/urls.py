from django.urls import path

from roots.customers import views

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("export/", views.customer_export, name="customer-export"),
    path("reassign/", views.customer_reassign, name="customer-reassign"),
    path("new/", views.customer_create, name="customer-create"),
    path("similar/", views.customer_similar, name="customer-similar"),
    path("<str:code>/", views.customer_detail, name="customer-detail"),
    path("<str:code>/edit/", views.customer_edit, name="customer-edit"),
    path("<str:code>/outlets/new/", views.outlet_create, name="outlet-create"),
    path("<str:code>/contacts/new/", views.contact_create, name="contact-create"),
]
