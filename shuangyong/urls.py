from django.urls import include, path

from shuangyong.api.v1 import api

urlpatterns = [
    path("", include("shuangyong.portal.urls")),
    path("accounts/", include("shuangyong.accounts.urls")),
    path("org/", include("shuangyong.org.urls")),
    path("audit/", include("shuangyong.core.urls_audit")),
    path("standards/", include("shuangyong.standards.urls")),
    path("campaigns/", include("shuangyong.campaigns.urls")),
    path("notifications/", include("shuangyong.messaging.urls")),
    path("supervision/", include("shuangyong.supervision.urls")),
    path("coordination/", include("shuangyong.coordination.urls")),
    path("care/", include("shuangyong.care.urls")),
    path("defence/", include("shuangyong.defence.urls")),
    path("reports/", include("shuangyong.reports.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", include("shuangyong.api.urls")),
    path("data/", include("shuangyong.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
