from django.urls import path

from shuangyong.care import views_payments, views_recoveries, views_registry, views_services

app_name = "care"

urlpatterns = [
    path("", views_registry.home, name="home"),
    path("persons/new/", views_registry.person_edit, name="person_new"),
    path("persons/<int:pk>/", views_registry.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views_registry.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal/", views_registry.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/entitlements/", views_registry.entitlement_add, name="entitlement_add"),
    path("persons/<int:pk>/hukou/", views_registry.person_hukou, name="person_hukou"),
    path("persons/<int:pk>/links/", views_registry.link_add, name="link_add"),
    path("persons/<int:pk>/confirm/", views_registry.person_confirm, name="person_confirm"),
    path(
        "persons/<int:pk>/certificates/", views_registry.certificate_issue, name="certificate_issue"
    ),
    path(
        "certificates/<int:pk>/<slug:action>/",
        views_registry.certificate_step,
        name="certificate_step",
    ),
    path(
        "entitlements/<int:pk>/status/",
        views_registry.entitlement_status,
        name="entitlement_status",
    ),
    path(
        "entitlements/<int:pk>/terms/", views_registry.entitlement_terms, name="entitlement_terms"
    ),
    path("confirmations/", views_registry.confirmations, name="confirmations"),
    path("standards/", views_payments.standard_list, name="standards"),
    path("batches/", views_payments.batch_list, name="batch_list"),
    path("batches/compute/", views_payments.batch_compute, name="batch_compute"),
    path("batches/<int:pk>/", views_payments.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/overpaid/", views_payments.batch_overpaid, name="batch_overpaid"),
    path("batches/<int:pk>/approve/", views_payments.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/discard/", views_payments.batch_discard, name="batch_discard"),
    path("recoveries/", views_recoveries.recovery_list, name="recovery_list"),
    path("recoveries/<int:pk>/", views_recoveries.recovery_detail, name="recovery_detail"),
    path("recoveries/<int:pk>/repay/", views_recoveries.recovery_repay, name="recovery_repay"),
    path(
        "recoveries/<int:pk>/write-off/",
        views_recoveries.recovery_write_off,
        name="recovery_write_off",
    ),
    path("payment-rules/", views_recoveries.rule_list, name="rules"),
    path("payment-rules/<slug:programme>/", views_recoveries.rule_edit, name="rule_edit"),
    path("visits/", views_services.occasion_list, name="occasion_list"),
    path("visits/<int:pk>/", views_services.occasion_detail, name="occasion_detail"),
    path("visits/<int:pk>/record/", views_services.visit_add, name="visit_add"),
    path("needs/", views_services.need_list, name="need_list"),
    path("needs/new/", views_services.need_new, name="need_new"),
    path("needs/<int:pk>/", views_services.need_detail, name="need_detail"),
    path("needs/<int:pk>/reply/", views_services.need_reply, name="need_reply"),
    path("needs/<int:pk>/close/", views_services.need_close, name="need_close"),
]
