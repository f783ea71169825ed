from django.urls import path

from roots.portal import views

urlpatterns = [path("", views.portal_home, name="portal-home")]
