from django.urls import path
from django.views.generic import RedirectView

from shuangyong.coordination import (
    views_calendar,
    views_comments,
    views_joint,
    views_meetings,
    views_notices,
)

app_name = "coordination"

urlpatterns = [
    path("notices/", views_notices.notice_list, name="notice_list"),
    path("notices/new/", views_notices.notice_send, name="notice_send"),
    path("notices/<int:pk>/", views_notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/reply/", views_notices.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/chase/", views_notices.notice_chase, name="notice_chase"),
    path("notice-files/<int:pk>/", views_notices.notice_file, name="notice_file"),
    path("reply-files/<int:pk>/", views_notices.reply_file, name="reply_file"),
    path("meetings/", views_meetings.meeting_list, name="meeting_list"),
    path(
        "campaigns/<int:campaign_pk>/meetings/new/", views_meetings.meeting_edit, name="meeting_new"
    ),
    path(
        "campaigns/<int:campaign_pk>/meetings/<int:pk>/edit/",
        views_meetings.meeting_edit,
        name="meeting_edit",
    ),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/decisions/", views_meetings.decision_add, name="decision_add"),
    path("meetings/<int:pk>/files/", views_meetings.meeting_file_add, name="meeting_file_add"),
    path("meeting-files/<int:pk>/", views_meetings.meeting_file, name="meeting_file"),
    path("attendees/<int:pk>/sign-in/", views_meetings.attendee_sign_in, name="sign_in"),
    path("joint/", views_joint.joint_list, name="joint_list"),
    path("joint/new/", views_joint.joint_raise, name="joint_raise"),
    path("joint/<int:pk>/", views_joint.joint_detail, name="joint_detail"),
    path("joint/<int:pk>/sign/<slug:side>/", views_joint.joint_sign, name="joint_sign"),
    path("comments/<slug:kind>/<int:pk>/", views_comments.comment_add, name="comment_add"),
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/token/", views_calendar.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
    # The city pack moved to reports (it reads campaigns, supervision and coordination);
    # its old address stays for bookmarks and sends everyone on, where access is checked.
    path(
        "campaigns/<int:pk>/city-pack/",
        RedirectView.as_view(pattern_name="reports:city_report", permanent=True),
        name="city_pack_moved",
    ),
]
