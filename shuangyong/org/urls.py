from django.urls import path

from shuangyong.org import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal-id/", views.person_reveal_id, name="person_reveal_id"),
    path("group/", views.group_detail, name="group_current"),
    path("group/new/", views.group_edit, name="group_create"),
    path("group/<int:pk>/", views.group_detail, name="group_detail"),
    path("group/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("group/<int:pk>/positions/add/", views.position_add, name="position_add"),
    path(
        "group/<int:pk>/positions/<int:position_pk>/remove/",
        views.position_remove,
        name="position_remove",
    ),
]
