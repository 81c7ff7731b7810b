from django.urls import path

from shuangyong.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("<int:pk>/", views.notification_open, name="notification_open"),
    path("channels/", views.preferences, name="preferences"),
    path("deliveries/", views.delivery_log, name="delivery_log"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("robots/", views.robot_add, name="robot_add"),
    path("robots/<int:pk>/remove/", views.robot_remove, name="robot_remove"),
]
