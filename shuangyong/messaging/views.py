"""Messaging pages: the notification centre, a person's channels, the delivery log."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import require, scoped
from shuangyong.messaging import channels, services
from shuangyong.messaging.forms import PreferenceForm, RobotForm
from shuangyong.messaging.models import Delivery, DeliveryStatus, Notification, Robot
from shuangyong.org.models import Unit


@require("notifications.self")
def notifications(request):
    items = Paginator(request.user.notifications.all(), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/notifications.html", {"items": items})


@require_POST
@require("notifications.self")
def notifications_read(request):
    request.user.notifications.filter(read_at=None).update(read_at=timezone.now())
    return redirect("messaging:notifications")


@require("notifications.self")
def notification_open(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return redirect(item.link or "messaging:notifications")


@require("notifications.self")
def preferences(request):
    preference = services.preference_of(request.user)
    form = PreferenceForm(request.POST or None, preference=preference)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(
            user=request.user,
            channels_off=form.channels_off(),
            wecom_userid=form.cleaned_data.get("wecom_userid"),
        )
        messages.success(request, _("Saved. In-app notifications always arrive."))
        return redirect("messaging:preferences")
    return render(request, "messaging/preferences.html", {"form": form})


@require("deliveries.view")
def delivery_log(request):
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    rows = Delivery.objects.select_related("user").order_by("-created_at", "-pk")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = {c.name: c.label for c in channels.all_channels()}
    for row in page:
        row.channel_label = labels.get(row.channel, row.channel)
    robot_form = RobotForm()
    robot_form.fields["unit"].queryset = scoped(
        request.user, Unit.objects.filter(is_active=True), via=""
    )
    context = {
        "page": page,
        "status": status,
        "channel": channel,
        "statuses": DeliveryStatus.choices,
        "channels": [(c.name, c.label) for c in channels.all_channels()],
        "query": urlencode({"status": status, "channel": channel}),
        "robots": scoped(request.user, Robot.objects.filter(is_active=True).select_related("unit")),
        "robot_form": robot_form,
    }
    return render(request, "messaging/delivery_log.html", context)


@require_POST
@require("deliveries.view")
def delivery_retry(request, pk: int):
    services.retry_delivery(actor=request.user, delivery=get_object_or_404(Delivery, pk=pk))
    messages.success(request, _("It will be sent again at the next worker round."))
    return redirect("messaging:delivery_log")


@require_POST
@require("robots.manage")
def robot_add(request):
    form = RobotForm(request.POST)
    form.fields["unit"].queryset = scoped(request.user, Unit.objects.filter(is_active=True), via="")
    if form.is_valid():
        services.add_robot(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Robot added."))
    else:
        messages.error(request, _("The robot was not added: check its fields."))
    return redirect("messaging:delivery_log")


@require_POST
@require("robots.manage")
def robot_remove(request, pk: int):
    robot = get_object_or_404(scoped(request.user, Robot.objects.all()), pk=pk)
    services.remove_robot(actor=request.user, robot=robot)
    messages.success(request, _("Robot turned off."))
    return redirect("messaging:delivery_log")
