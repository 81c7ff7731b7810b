"""Demo: notices half answered, a plenary whose decisions became tasks, joint items, comments."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import Campaign, Task
from shuangyong.coordination import services
from shuangyong.coordination.models import JointItem, Meeting, Notice
from shuangyong.core.demo import register_demo_step
from shuangyong.org.models import Person, Unit, User
from shuangyong.supervision.models import SupervisionOrder

MINUTES = "%PDF-1.4\n% 明川区双拥工作领导小组全体会议纪要（演示文件）\n".encode()


@register_demo_step(60, "综合协调：通知、会议、军地联动")
def load_coordination(log) -> None:
    campaign = Campaign.objects.get(name="明川区创建全国双拥模范城（县）")
    office = User.objects.get(username="office")
    units = {u.code: u for u in Unit.objects.filter(code__startswith="MC-")}
    today = timezone.localdate()
    if not Notice.objects.exists():
        _notices(campaign, office, units, today)
    if not Meeting.objects.filter(campaign=campaign).exists():
        _meetings(campaign, office, units, today)
    if not JointItem.objects.exists():
        _joint_items(campaign, office, units)
    log(
        f"  通知 {Notice.objects.count()} 件，会议 {Meeting.objects.count()} 次，"
        f"军地联动事项 {JointItem.objects.count()} 件"
    )


def _notices(campaign, office, units, today) -> None:
    summary = services.send_notice(
        author=office, campaign=campaign, reference="明双拥办〔2026〕12号",
        title="关于报送2026年度双拥工作总结的通知",
        body="各成员单位：\n请对照任务分解表，总结本单位2026年度双拥工作，于期限内回复并上传总结。",
        units=[units[c] for c in ("MC-JYJ", "MC-WJW", "MC-QX", "MC-WJZD")],
        requires_reply=True, reply_deadline=today + dt.timedelta(days=5),
        reply_fields=["开展拥军活动次数", "走访慰问人次"],
    )  # fmt: skip
    edu = User.objects.get(username="edu")
    services.reply(
        receipt=services.receipt_for(edu, summary), user=edu, text="总结见附件。",
        values={"开展拥军活动次数": "6", "走访慰问人次": "120"},
        files=[SimpleUploadedFile("教育局2026年度双拥工作总结.pdf", MINUTES)],
    )  # fmt: skip
    health = User.objects.get(username="health")
    services.mark_read(receipt=services.receipt_for(health, summary), user=health)
    services.send_notice(
        author=office, campaign=campaign, title="元旦春节期间走访慰问安排",
        body="请各街道做好节日走访慰问准备，名单以优抚对象名册为准。",
        units=[u for c, u in units.items() if c in ("MC-QX", "MC-WJ", "MC-GY", "MC-SL")],
        requires_reply=False,
    )  # fmt: skip


def _meetings(campaign, office, units, today) -> None:
    plenary_task = Task.objects.filter(
        campaign=campaign, title="召开双拥工作领导小组全体会议"
    ).first()
    plenary = Meeting.objects.create(
        campaign=campaign, kind="plenary", title="明川区双拥工作领导小组2026年全体会议",
        held_on=today - dt.timedelta(days=20), place="区委第一会议室",
        agenda="一、通报创建工作进展\n二、部署迎检准备\n三、成员单位述职",
        minutes="会议听取了区双拥办关于创建工作进展的汇报，研究部署了迎检准备工作。",
        evidence_task=plenary_task, created_by=office,
    )  # fmt: skip
    members = Person.objects.filter(group_positions__isnull=False).distinct()
    services.set_attendees(meeting=plenary, people=members)
    for index, attendee in enumerate(plenary.attendees.all()):
        if index % 4 != 3:
            services.sign_in(attendee=attendee, actor=office)
    services.add_meeting_file(
        meeting=plenary, kind="minutes", unit=None, actor=office,
        upload=SimpleUploadedFile("领导小组全体会议纪要.pdf", MINUTES),
    )  # fmt: skip
    done = services.add_decision(
        meeting=plenary, text="区教育局牵头，年底前完成国防教育进校园全覆盖",
        lead_unit=units["MC-JYJ"], deadline=today + dt.timedelta(days=10), actor=office,
    )  # fmt: skip
    Task.objects.filter(pk=done.task_id).update(progress=100, done_at=timezone.now())
    services.add_decision(
        meeting=plenary, text="区卫健委落实送医送药进军营，每季度不少于一次",
        lead_unit=units["MC-WJW"], deadline=today + dt.timedelta(days=30), actor=office,
    )  # fmt: skip
    Meeting.objects.create(
        campaign=campaign, kind="joint", title="2026年第四季度军地联席会议",
        held_on=today + dt.timedelta(days=6), place="区人武部会议室",
        agenda="研究驻区部队训练场地和随军家属就业事宜", created_by=office,
    )  # fmt: skip


def _joint_items(campaign, office, units) -> None:
    garrison = User.objects.get(username="garrison")
    ground = services.raise_joint_item(
        campaign=campaign, title="协调冬季训练临时场地", actor=garrison,
        description="武警中队冬训需借用学校操场两周，请区教育局协调。",
        local_unit=units["MC-JYJ"], garrison_unit=units["MC-WJZD"],
    )  # fmt: skip
    services.sign_off(item=ground, side="local", actor=User.objects.get(username="edu"))
    clinic = services.raise_joint_item(
        campaign=campaign, title="随军家属就医绿色通道", actor=office,
        description="为武警中队随军家属开通区人民医院就医绿色通道。",
        local_unit=units["MC-WJW"], garrison_unit=units["MC-WJZD"],
    )  # fmt: skip
    services.sign_off(item=clinic, side="local", actor=User.objects.get(username="health"))
    services.sign_off(item=clinic, side="military", actor=garrison)
    order = SupervisionOrder.objects.filter(campaign=campaign).first()
    if order is not None:
        services.add_comment(
            target=order, author=office, text="@周思远 请协助提供学校走访名单。",
            link=reverse("supervision:order_detail", args=[order.pk]),
        )  # fmt: skip
