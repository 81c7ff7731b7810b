from django.urls import path

from shuangyong.reports import views, views_city_report, views_pack, views_self_assessment

app_name = "reports"

urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path(
        "campaigns/<int:pk>/self-assessment/",
        views_self_assessment.self_assessment,
        name="self_assessment",
    ),
    path(
        "campaigns/<int:pk>/self-assessment.pdf",
        views_self_assessment.self_assessment_pdf,
        name="self_assessment_pdf",
    ),
    path(
        "campaigns/<int:pk>/city-report/",
        views_city_report.city_report_page,
        name="city_report",
    ),
    path("campaigns/<int:pk>/pack/", views_pack.pack_page, name="pack"),
    path("campaigns/<int:pk>/pack/start/", views_pack.pack_start, name="pack_start"),
    path("packs/<int:pk>/progress/", views_pack.pack_progress, name="pack_progress"),
    path("packs/<int:pk>/download/", views_pack.pack_download, name="pack_download"),
]
