from django.urls import path

from roots.portal import views

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("news/", views.news_list, name="news-list"),
    path("news/export/", views.news_export, name="news-export"),
    path("news/<int:pk>/", views.news_detail, name="news-detail"),
]
