"""Pages of the sales pipeline; included at the site root, so each path names its prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from roots.sales import views

urlpatterns: list[URLPattern] = [
    path("sales/", views.pipeline_board, name="pipeline-board"),
    path("sales/matrix/", views.priority_matrix, name="priority-matrix"),
    # opportunities
    path("sales/opportunities/", views.opportunity_list, name="opportunity-list"),
    path("sales/opportunities/export/", views.opportunity_export, name="opportunity-export"),
    path("sales/opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path("sales/opportunities/<str:code>/", views.opportunity_detail, name="opportunity-detail"),
    path("sales/opportunities/<str:code>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path("sales/opportunities/<str:code>/move/", views.opportunity_move, name="opportunity-move"),
    path(
        "sales/opportunities/<str:code>/reopen/",
        views.opportunity_reopen,
        name="opportunity-reopen",
    ),
    # leads
    path("sales/leads/", views.lead_list, name="lead-list"),
    path("sales/leads/export/", views.lead_export, name="lead-export"),
    path("sales/leads/new/", views.lead_create, name="lead-create"),
    path("sales/leads/<str:code>/", views.lead_detail, name="lead-detail"),
    path("sales/leads/<str:code>/edit/", views.lead_edit, name="lead-edit"),
    path("sales/leads/<str:code>/convert/", views.lead_convert, name="lead-convert"),
    path("sales/leads/<str:code>/qualify/", views.lead_qualify, name="lead-qualify"),
    path("sales/leads/<str:code>/disqualify/", views.lead_disqualify, name="lead-disqualify"),
    # activities
    path("sales/activities/", views.activity_list, name="activity-list"),
    path("sales/activities/export/", views.activity_export, name="activity-export"),
    path("sales/activities/new/", views.activity_create, name="activity-create"),
    path("sales/activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("sales/activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("sales/activities/<int:pk>/complete/", views.activity_complete, name="activity-complete"),
    path("sales/activities/<int:pk>/cancel/", views.activity_cancel, name="activity-cancel"),
    # the potential-customer worksheet
    path("sales/assessments/new/", views.assessment_create, name="assessment-create"),
    path("sales/assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
]
