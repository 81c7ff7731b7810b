from django.urls import path

from shuangyong.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
]
