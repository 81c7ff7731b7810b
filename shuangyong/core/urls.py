from django.urls import path

from shuangyong.core import views

app_name = "core"

urlpatterns = [
    path("import/<slug:kind>/", views.import_view, name="import"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("import-errors/<str:token>/", views.import_errors, name="import_errors"),
    path("export/<slug:kind>/", views.export_view, name="export"),
    path("workdays/", views.workdays_view, name="workdays"),
]
