"""Outlets and contacts have their own addresses (`/outlets/<code>/`, `/contacts/<id>/`);
they are created from their customer's page (see `urls.py`)."""

from django.urls import path

from roots.customers import views

urlpatterns = [
    path("outlets/<str:code>/", views.outlet_detail, name="outlet-detail"),
    path("outlets/<str:code>/edit/", views.outlet_edit, name="outlet-edit"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
]
