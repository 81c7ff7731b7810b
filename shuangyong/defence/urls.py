from django.urls import path

from shuangyong.defence import views_activities, views_placement
from shuangyong.defence import views_conscription as conscription

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
    path("placement/", views_placement.placement_list, name="placement_list"),
    path("placement/new/", views_placement.placement_edit, name="placement_new"),
    path("placement/<int:pk>/", views_placement.placement_edit, name="placement_edit"),
    path("activities/", views_activities.activity_list, name="activity_list"),
    path("activities/new/", views_activities.activity_new, name="activity_new"),
    path("bases/", views_activities.base_list, name="base_list"),
]
