from django.urls import path

from shuangyong.campaigns import views, views_work

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
    # The responsibility mechanism
    path("my-tasks/", views_work.my_tasks, name="my_tasks"),
    path("<int:pk>/tasks/", views_work.task_list, name="task_list"),
    path("<int:campaign_pk>/tasks/new/", views_work.task_edit, name="task_create"),
    path("<int:campaign_pk>/tasks/<int:pk>/edit/", views_work.task_edit, name="task_edit"),
    path("<int:pk>/tasks/copy/", views_work.copy_decomposition, name="copy_decomposition"),
    path("tasks/<int:pk>/", views_work.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views_work.report_submit, name="report_submit"),
    path("tasks/<int:pk>/evidence/", views_work.evidence_upload, name="evidence_upload"),
    path("reports/<int:pk>/review/", views_work.report_review, name="report_review"),
    path("evidence/<int:pk>/", views_work.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/review/", views_work.evidence_review, name="evidence_review"),
    path("<int:pk>/unit-reports/", views_work.unit_reports, name="unit_reports"),
    path("unit-reports/<int:pk>/review/", views_work.unit_report_review, name="unit_report_review"),
    path(
        "unit-reports/<int:pk>/file/", views_work.unit_report_download, name="unit_report_download"
    ),
    path("<int:pk>/ledger/", views_work.ledger, name="ledger"),
    path("<int:pk>/coverage/", views_work.coverage, name="coverage"),
    path("<int:pk>/live/", views_work.live, name="live"),
]
