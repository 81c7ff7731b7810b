from django.urls import path

from shuangyong.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="standard_list"),
    path("example.xlsx", views.example_workbook, name="example_workbook"),
    path("<int:pk>/", views.standard_detail, name="standard_detail"),
    path("<int:pk>/publish/", views.standard_publish, name="standard_publish"),
    path("<int:pk>/archive/", views.standard_archive, name="standard_archive"),
    path("<int:pk>/new-version/", views.standard_new_version, name="standard_new_version"),
    path("<int:pk>/delete/", views.standard_delete, name="standard_delete"),
    path("<int:pk>/criteria/new/", views.criterion_edit, name="criterion_create"),
    path("<int:pk>/criteria/<int:criterion_pk>/", views.criterion_edit, name="criterion_edit"),
    path(
        "<int:pk>/criteria/<int:criterion_pk>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
]
