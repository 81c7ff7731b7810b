"""Demo: the district's campaign with a self-assessment partly scored."""

import datetime as dt

from django.utils import timezone

from shuangyong.campaigns import services
from shuangyong.campaigns.models import Assessment, AssessmentKind, Campaign
from shuangyong.core.demo import register_demo_step
from shuangyong.org.models import Unit
from shuangyong.standards.demo import example_standard

CAMPAIGN = "明川区创建全国双拥模范城（县）"
# A plausible self-assessment: strong on organisation, gaps elsewhere.
FACTS = {
    "1.1": {"elements": [0, 1]}, "1.2": {"achieved": True}, "1.3": {"achieved": True},
    "1.4": {"elements": [0, 1]}, "1.5": {"achieved": True}, "1.6": {"actual": "85"},
    "1.7": {"achieved": True, "evidence_approved": True},
    "2.1": {"actual": "98"}, "2.2": {"actual": "96"}, "2.3": {"achieved": True},
    "2.4": {"failures": 1}, "2.5": {"elements": [0, 1]}, "2.6": {"actual": "92"},
    "2.7": {"score": "1.5"},
    "3.2": {"achieved": True}, "3.3": {"elements": [0, 2]}, "3.5": {"failures": 0},
    "4.1": {"actual": "14"}, "4.2": {"actual": "4"},
    "5.4": {"actual": "65"}, "8.2": {"actual": "93"},
    "9.1": {"achieved": True},
}  # fmt: skip


@register_demo_step(30, "创建周期与自评")
def load_campaign(log) -> None:
    standard = example_standard()
    campaign, _ = Campaign.objects.get_or_create(
        name=CAMPAIGN,
        defaults={
            "standard": standard,
            "district": Unit.objects.get(code="MC"),
            "start_year": 2025,
            "end_year": 2028,
            "target_score": 90,
            "self_assessment_due": dt.date(2027, 12, 31),
            "mock_inspection_on": dt.date(2028, 4, 15),
            "official_inspection_on": dt.date(2028, 9, 1),
        },
    )
    assessment, created = Assessment.objects.get_or_create(
        campaign=campaign,
        kind=AssessmentKind.SELF,
        title="2026 年度自评",
        defaults={"held_on": dt.date(2026, 11, 20), "assessors": "林晓燕、方德华、韩振宇"},
    )
    if created:
        criteria = {c.code: c for c in standard.criteria.all()}
        for code, facts in FACTS.items():
            services.record_score(
                assessment=assessment, criterion=criteria[code], facts=facts, comment="", actor=None
            )
    total = assessment.evaluate()
    log(f"  {campaign}：目标 {campaign.target_score:g} 分，自评 {total.score} 分")


# The decomposition table the office hands out: (code, task, lead, co-units, owner,
# deadline in days from today or a recurrence word, indicator, target, measure, evidence).
DECOMPOSITION = [
    ("1.1", "区委常委会专题研究双拥工作", "区委办", "区府办", "", "每年", "专题研究次数", 1, "次", "会议纪要"),
    ("1.3", "召开双拥工作领导小组全体会议", "区双拥办", "区委办、区府办", "", "每年", "全体会议次数", 1, "次", "通知、签到表、会议纪要"),
    ("1.4", "落实双拥办机构、人员和经费", "区退役军人局", "区委组织部、区财政局", "", 90, "专职人员", 3, "人", "编制文件、人员名单"),
    ("1.6", "组织成员单位年度述职", "区双拥办", "", "", "每年", "述职单位比例", 100, "%", "述职报告"),
    ("1.7", "保障双拥工作经费", "区财政局", "区双拥办", "", 60, "经费到位率", 100, "%", "预算批复、拨付凭证"),
    ("2.1", "按月发放优抚对象抚恤补助", "区退役军人局", "区财政局", "蔡欣怡", "每月", "按时足额发放率", 100, "%", "发放花名册、代发凭证"),
    ("2.2", "春节、八一走访慰问优抚对象", "区退役军人局", "清溪街道、望江街道、桂园街道、松林街道、柳岸街道、青石街道", "", 45, "走访覆盖率", 100, "%", "走访登记表、照片"),
    ("2.5", "落实军人子女入学入托优待", "区教育局", "", "周思远", 120, "优待落实人数", 20, "人", "入学入托名单"),
    ("2.6", "军人军属诉求按期办结", "区退役军人局", "区司法局", "", "每季度", "按期办结率", 98, "%", "诉求受理和办结登记"),
    ("3.4", "军人军属法律援助", "区司法局", "", "", "每季度", "申请受理率", 100, "%", "法律援助台账"),
    ("3.7", "落实伤残军人医疗保障", "区医保局", "区卫健委", "吴佳怡", 90, "待遇落实率", 100, "%", "医疗保障名单"),
    ("4.1", "建设军民共建点", "区双拥办", "武警中队、维修营、雷达站、码头站", "", 180, "共建点", 20, "个", "共建协议"),
    ("4.2", "实施科技拥军项目", "区科委", "维修营", "", 150, "项目数", 5, "个", "项目协议、验收材料"),
    ("4.3", "开展官兵学历教育和技能培训", "区教育局", "区人社局", "周思远", 200, "培训官兵", 200, "人", "培训计划、结业名单"),
    ("5.1", "中小学开设国防教育课程", "区教育局", "区人武部", "周思远", 30, "开课学校比例", 100, "%", "课程安排"),
    ("5.2", "组织全民国防教育日活动", "区委宣传部", "区人武部、区教育局", "", 10, "活动场次", 6, "场", "活动方案、照片、报道"),
    ("5.4", "大学生征兵宣传动员", "区人武部", "区教育局、团区委", "", 75, "新兵中大学生比例", 80, "%", "定兵名单"),
    ("6.2", "建立军地抢险救灾协同机制", "区应急局", "武警中队", "邱博文", 100, "联合演练", 2, "次", "演练记录"),
    ("6.4", "部队送医送教进社区", "武警中队", "区卫健委", "邱博文", 80, "义诊场次", 4, "场", "义诊记录"),
    ("7.1", "春节、八一双拥活动", "区双拥办", "清溪街道、望江街道", "", 45, "活动场次", 2, "场", "活动方案、照片"),
    ("7.2", "召开军政座谈会", "区委办", "区人武部", "", "每季度", "座谈次数", 4, "次", "会议纪要"),
    ("7.4", "组建拥军志愿服务队伍", "团区委", "区妇联、清溪街道", "彭雨桐", 120, "志愿者", 500, "人", "志愿者名册"),
    ("7.5", "收集成员单位年度计划和总结", "区双拥办", "", "", "每年", "报送比例", 100, "%", "各单位计划、总结"),
    ("8.2", "开展双拥工作满意度测评", "区双拥办", "区委宣传部", "", 200, "群众满意度", 95, "%", "第三方测评报告"),
    ("", "编制创建工作总体方案", "区双拥办", "", "林晓燕", 20, "", "", "", "总体方案"),
]  # fmt: skip
DONE = {"区委常委会专题研究双拥工作": 1, "组织全民国防教育日活动": 6}
PDF = b"%PDF-1.4\n% Shuangyong demo evidence\n"


@register_demo_step(40, "任务分解与落实进度")
def load_decomposition(log) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangyong.campaigns import responsibility
    from shuangyong.campaigns.imports import HEADERS, DecompositionImporter
    from shuangyong.campaigns.models import Task, UnitReport
    from shuangyong.core import excel
    from shuangyong.org.models import User

    campaign = Campaign.objects.get(name=CAMPAIGN)
    criteria = {c.code: c for c in campaign.standard.criteria.all()}
    if campaign.duty_report_criterion_id is None:
        campaign.duty_report_criterion = criteria["1.6"]
        campaign.plan_criterion = criteria["7.5"]
        campaign.save(update_fields=["duty_report_criterion", "plan_criterion"])
    today = timezone.localdate()
    rows = [
        [
            *row[:5],
            (today + dt.timedelta(days=row[5])).isoformat() if isinstance(row[5], int) else row[5],
            *row[6:],
        ]
        for row in DECOMPOSITION
    ]
    import io

    buffer = io.BytesIO()
    excel.write_workbook(buffer, [("任务分解表", HEADERS, rows)])
    buffer.seek(0)
    upload = SimpleUploadedFile("明川区任务分解表.xlsx", buffer.read())
    result = DecompositionImporter(campaign=campaign.pk).run(upload, name=upload.name)
    if result.rejected:
        raise RuntimeError(f"the demo decomposition does not import: {result.as_dict()['errors']}")
    office = User.objects.get(username="office")
    fresh = not campaign.tasks.filter(reports__isnull=False).exists()
    if fresh:
        for title, actual in DONE.items():
            task = Task.objects.get(campaign=campaign, title=title)
            indicator = task.indicators.first()
            report = responsibility.submit_report(
                task=task,
                user=office,
                text="已按要求完成，台账已归档。",
                percent=100,
                values={indicator.pk: actual},
                year=today.year,
                files=[SimpleUploadedFile(f"{task.criterion.code}-台账.pdf", PDF)],
            )
            responsibility.review_report(report=report, accept=True, note="", reviewer=office)
        visits = Task.objects.get(campaign=campaign, title="春节、八一走访慰问优抚对象")
        responsibility.submit_report(
            task=visits,
            user=office,
            text="已走访 6 个街道中的 4 个。",
            percent=60,
            values={visits.indicators.first().pk: 70},
        )
        members = campaign.district.children.filter(is_member=True).order_by("sort_order")[:12]
        for unit in members:
            report = UnitReport.objects.create(
                campaign=campaign,
                unit=unit,
                year=today.year,
                kind="duty_report",
                text=f"{unit.name}年度履职情况。",
                author=office,
            )
            responsibility.review_unit_report(report=report, accept=True, note="", reviewer=office)
    from shuangyong.campaigns.selectors import live_total

    total, _sources = live_total(campaign)
    log(f"  {campaign.tasks.count()} 项任务，实时得分 {total.score} 分")
