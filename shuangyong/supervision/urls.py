from django.urls import path

from shuangyong.supervision import views

app_name = "supervision"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("order-files/<int:pk>/", views.order_file, name="order_file"),
    path("orders/<int:pk>/<slug:action>/", views.order_step, name="order_step"),
    path("campaigns/<int:pk>/orders/new/", views.order_issue, name="order_issue"),
    path("campaigns/<int:pk>/proposals/", views.proposals, name="proposals"),
    path("campaigns/<int:pk>/inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("campaigns/<int:pk>/lights/", views.lights_page, name="lights"),
    path("campaigns/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("campaigns/<int:pk>/snapshot/", views.snapshot_now, name="snapshot_now"),
    path("dashboard/", views.dashboard_latest, name="dashboard_latest"),
    path("campaigns/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
]
