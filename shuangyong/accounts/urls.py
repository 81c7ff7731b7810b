from django.urls import path

from shuangyong.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/recovery-codes/", views.otp_recovery_codes, name="otp_recovery_codes"),
    path("2fa/disable/", views.otp_disable, name="otp_disable"),
    path("manage/", views.account_list, name="account_list"),
    path("manage/new/", views.account_create, name="account_create"),
    path("manage/<int:pk>/", views.account_detail, name="account_detail"),
    path("manage/<int:pk>/password/", views.account_set_password, name="account_set_password"),
    path("manage/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("manage/<int:pk>/reset-2fa/", views.account_reset_2fa, name="account_reset_2fa"),
]
