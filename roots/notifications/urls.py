"""Pages of notifications; included at the site root, so each path names its prefix."""

from django.urls import path

from roots.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/menu/", views.notification_menu, name="notification-menu"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
]
