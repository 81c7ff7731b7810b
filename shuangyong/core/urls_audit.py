"""The audit trail's pages, under the ``audit`` namespace (the views are in ``core``)."""

from django.urls import path

from shuangyong.core import views_audit as views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export/", views.event_export, name="event_export"),
]
