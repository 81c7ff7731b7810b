from django.urls import path

from shuangyong.defence import views_conscription as conscription
from shuangyong.defence import views_other as other

app_name = "defence"

urlpatterns = [
    path("", conscription.campaign_list, name="campaign_list"),
    path("conscription/<int:pk>/", conscription.campaign_detail, name="campaign_detail"),
    path("conscription/<int:pk>/quotas/", conscription.campaign_quotas, name="campaign_quotas"),
    path("conscription/<int:pk>/notice/", conscription.campaign_notice, name="campaign_notice"),
    path("conscription/<int:pk>/candidates/", conscription.candidate_list, name="candidate_list"),
    path("conscription/<int:pk>/candidates/new/", conscription.candidate_new, name="candidate_new"),
    path("candidates/<int:pk>/", conscription.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/step/", conscription.candidate_step, name="candidate_step"),
    path("placement/", other.placement_list, name="placement_list"),
    path("placement/new/", other.placement_edit, name="placement_new"),
    path("placement/<int:pk>/", other.placement_edit, name="placement_edit"),
    path("activities/", other.activity_list, name="activity_list"),
    path("activities/new/", other.activity_new, name="activity_new"),
    path("bases/", other.base_list, name="base_list"),
]
