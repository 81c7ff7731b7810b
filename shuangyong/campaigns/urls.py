from django.urls import path

from shuangyong.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_edit, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/readiness/", views.readiness, name="readiness"),
    path(
        "assessments/<int:pk>/score/<int:criterion_pk>/",
        views.score_criterion,
        name="score_criterion",
    ),
]
