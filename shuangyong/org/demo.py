"""Demo district 明川区 (Mingchuan): fictional units, people, leading group, accounts.

Every name here is made up. Names are drawn from fixed lists with a fixed seed,
so each run produces the same people, and nothing is duplicated on re-runs.
"""

import datetime as dt
import random

from shuangyong.access import Role
from shuangyong.core import idnumber
from shuangyong.core.demo import DEMO_PASSWORD, register_demo_step
from shuangyong.org.models import (
    POSITION_ORDER,
    GroupPosition,
    LeadingGroup,
    Person,
    Position,
    Unit,
    UnitKind,
    User,
)

K = UnitKind
DISTRICT = ("MC", "明川区", "明川区", K.DISTRICT, None, False)

# (code, name, short name, kind, parent code, member unit, duties)
DEPARTMENTS = [
    (
        "MC-SYB",
        "明川区双拥工作领导小组办公室",
        "区双拥办",
        "承担领导小组日常工作：制定创建规划，分解考评任务，组织协调、督促检查和考核评比。",
    ),
    (
        "MC-QWB",
        "中共明川区委办公室",
        "区委办",
        "协调区委常委会议研究双拥工作，督促落实区委关于双拥工作的部署。",
    ),
    (
        "MC-ZFB",
        "明川区人民政府办公室",
        "区府办",
        "协调政府常务会议研究双拥工作，推动拥军优属政策落实。",
    ),
    (
        "MC-ZZB",
        "中共明川区委组织部",
        "区委组织部",
        "把双拥工作纳入领导班子和领导干部考核；做好军转干部安置中的组织工作。",
    ),
    (
        "MC-XCB",
        "中共明川区委宣传部",
        "区委宣传部",
        "组织双拥宣传和国防教育宣传，营造爱国拥军社会氛围。",
    ),
    (
        "MC-ZFW",
        "中共明川区委政法委员会",
        "区委政法委",
        "协调涉军维权工作，依法维护军人军属合法权益。",
    ),
    ("MC-DCS", "中共明川区委督查室", "区委督查室", "对双拥工作任务落实情况开展督查督办。"),
    (
        "MC-FGW",
        "明川区发展和改革委员会",
        "区发改委",
        "把双拥和国防需求纳入经济社会发展规划，推动军民融合项目。",
    ),
    (
        "MC-JYJ",
        "明川区教育局",
        "区教育局",
        "落实军人子女教育优待；开展学校国防教育；组织大学生征兵宣传。",
    ),
    ("MC-KW", "明川区科学技术委员会", "区科委", "开展科技拥军，支持部队科技练兵和信息化建设。"),
    (
        "MC-GAJ",
        "明川区公安分局",
        "区公安分局",
        "做好征兵政治考核；为军人军属办理户籍等事项提供优先服务。",
    ),
    ("MC-MZJ", "明川区民政局", "区民政局", "将符合条件的优抚对象纳入社会救助，做好殡葬优待。"),
    ("MC-SFJ", "明川区司法局", "区司法局", "为军人军属提供法律援助和法律服务。"),
    ("MC-CZJ", "明川区财政局", "区财政局", "保障双拥工作经费和优抚资金足额及时到位。"),
    (
        "MC-RSJ",
        "明川区人力资源和社会保障局",
        "区人社局",
        "做好退役军人和随军家属就业、社会保险接续工作。",
    ),
    ("MC-GHJ", "明川区规划和自然资源局", "区规划资源局", "支持军事设施保护和部队建设用地保障。"),
    (
        "MC-ZBJ",
        "明川区住房保障和房屋管理局",
        "区住保局",
        "落实优抚对象住房优待和困难军人家庭住房保障。",
    ),
    (
        "MC-JTW",
        "明川区交通委员会",
        "区交通委",
        "落实军人依法优先乘坐公共交通，保障部队交通运输需求。",
    ),
    ("MC-SWW", "明川区商务委员会", "区商务委", "组织商户开展拥军优惠服务。"),
    ("MC-WLJ", "明川区文化和旅游局", "区文旅局", "开展文化拥军，落实景区对军人军属优待。"),
    (
        "MC-WJW",
        "明川区卫生健康委员会",
        "区卫健委",
        "组织卫生拥军，落实优抚对象医疗优待，配合征兵体检。",
    ),
    (
        "MC-TYJ",
        "明川区退役军人事务局",
        "区退役军人局",
        "负责优抚对象管理、抚恤补助发放、退役军人安置和服务保障。",
    ),
    ("MC-YJJ", "明川区应急管理局", "区应急局", "与驻区部队建立抢险救灾协同机制。"),
    (
        "MC-GZW",
        "明川区国有资产监督管理委员会",
        "区国资委",
        "督促区属国有企业接收退役士兵和随军家属就业。",
    ),
    ("MC-SJJ", "明川区市场监督管理局", "区市场监管局", "规范拥军优惠服务，维护军人军属消费权益。"),
    ("MC-YBJ", "明川区医疗保障局", "区医保局", "落实优抚对象医疗保障待遇。"),
    ("MC-CGJ", "明川区城市管理行政执法局", "区城管执法局", "保障军事设施周边环境秩序。"),
    ("MC-ZGH", "明川区总工会", "区总工会", "组织职工开展拥军活动。"),
    ("MC-TQW", "共青团明川区委员会", "团区委", "组织青年志愿者拥军服务，参与征兵宣传。"),
    ("MC-FL", "明川区妇女联合会", "区妇联", "关心军人家属特别是军嫂，开展拥军优属活动。"),
    ("MC-HSH", "明川区红十字会", "区红十字会", "开展对困难优抚对象的人道救助。"),
]
ARMED_FORCES = (
    "MC-RWB",
    "明川区人民武装部",
    "区人武部",
    "组织征兵工作和民兵建设；协调驻区部队参与地方建设。",
)
GARRISON = [
    ("MC-WJZD", "武警明川中队", "武警中队", "参与地方抢险救灾和重大活动安保。"),
    ("MC-LJWXY", "陆军某旅维修营", "维修营", "开展拥政爱民活动，支援地方重点工程建设。"),
    ("MC-KJLDZ", "空军某雷达站", "雷达站", "参与国防教育基地建设，结对帮扶困难群众。"),
    ("MC-HFMTZ", "海防某部码头站", "码头站", "支援防汛防台，参与军民共建社区。"),
]
STREETS = [
    ("MC-QX", "清溪街道", ["溪口社区", "石桥社区", "新村社区"]),
    ("MC-WJ", "望江街道", ["江滨社区", "观澜社区"]),
    ("MC-GY", "桂园街道", ["桂香社区", "园丁社区"]),
    ("MC-SL", "松林街道", ["松风社区", "林荫社区"]),
    ("MC-LA", "柳岸街道", ["柳湾社区", "岸芷社区"]),
    ("MC-QS", "青石街道", ["石榴社区", "青云社区"]),
]
STREET_DUTIES = "组织辖区拥军优属活动，做好优抚对象走访慰问、征兵宣传动员和退役军人服务站工作。"
OTHERS = [
    (
        "MC-ZXYY",
        "明川区中心医院",
        "区中心医院",
        K.HOSPITAL,
        "为优抚对象和驻区官兵提供就医优先服务。",
        True,
    ),
    ("MC-ZYYY", "明川区中医医院", "区中医医院", K.HOSPITAL, "开展送医送药进军营。", False),
    (
        "MC-SYZX",
        "明川区实验中学",
        "区实验中学",
        K.SCHOOL,
        "落实军人子女入学优待，开展国防教育。",
        False,
    ),
    ("MC-ZYXX", "明川职业技术学校", "明川职校", K.SCHOOL, "为退役士兵提供职业技能培训。", False),
    ("MC-CTJT", "明川城市建设投资集团", "明川城投", K.ENTERPRISE, "接收安置退役士兵。", False),
]

SURNAMES = (
    "王李张刘陈杨黄周吴徐孙胡朱林何郭罗梁宋郑谢韩唐冯董程袁邓许傅"
    "沈彭苏卢蒋蔡贾魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆"
    "郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "志强",
    "建华",
    "晓燕",
    "海涛",
    "丽娟",
    "国平",
    "文静",
    "雪梅",
    "振宇",
    "红霞",
    "立新",
    "春燕",
    "明辉",
    "秀英",
    "伟东",
    "淑芬",
    "建军",
    "玉兰",
    "永刚",
    "慧敏",
    "晨曦",
    "子涵",
    "思远",
    "佳怡",
    "浩然",
    "雨桐",
    "俊杰",
    "欣怡",
    "宇航",
    "梦琪",
    "鹏飞",
    "婷婷",
    "志明",
    "凤英",
    "德华",
    "桂芳",
    "海燕",
    "建平",
    "晓东",
    "瑞雪",
    "楠楠",
    "博文",
    "嘉怡",
    "一鸣",
    "若彤",
]
# Names from the source report must never appear in the product.
FORBIDDEN_NAMES = {"高云", "赵克俭", "丁宝鼎", "吕南亭", "左伊美", "李刚", "曹炯", "云运"}

DEMO_ACCOUNTS = [
    # username, role, unit code, person name, position, scope unit code
    ("office", Role.OFFICE, "MC-SYB", "林晓燕", "双拥办干部", None),
    ("supervisor", Role.SUPERVISOR, "MC-DCS", "韩振宇", "督查室副主任", None),
    ("edu", Role.UNIT_LIAISON, "MC-JYJ", "周思远", "教育局双拥联络员", None),
    ("health", Role.UNIT_LIAISON, "MC-WJW", "吴佳怡", "卫健委双拥联络员", None),
    ("qingxi", Role.UNIT_LIAISON, "MC-QX", "彭雨桐", "清溪街道双拥联络员", None),
    ("garrison", Role.MILITARY_LIAISON, "MC-WJZD", "邱博文", "武警中队军地联络员", None),
    ("care", Role.CARE_OFFICER, "MC-TYJ", "蔡欣怡", "优抚科科员", "MC"),
    ("leader", Role.LEADER, "MC-QWB", "沈国平", "区委书记", None),
    ("auditor", Role.AUDITOR, "MC-QWB", "孟立新", "安全保密员", None),
    ("admin", Role.ADMIN, "MC-SYB", "钟明辉", "系统管理员", None),
]

GROUP_NAME = "明川区双拥工作领导小组"
GROUP_TERM = "2025—2028年"
# Person, title, position; the people are created in the units named.
GROUP_LEADERS = [
    ("MC-QWB", "沈国平", "区委书记", Position.LEADER),
    ("MC-ZFB", "袁建华", "区长", Position.FIRST_DEPUTY),
    ("MC-RWB", "戴海涛", "区人武部部长", Position.DEPUTY),
    ("MC-ZFB", "石文静", "副区长", Position.DEPUTY),
    ("MC-RWB", "姜永刚", "区人武部政委", Position.DEPUTY),
    ("MC-TYJ", "方德华", "区退役军人事务局局长、区双拥办主任", Position.OFFICE_DIRECTOR),
]


def _units(district: Unit):
    yield (
        "MC-SYB",
        "明川区双拥工作领导小组办公室",
        "区双拥办",
        K.DEPARTMENT,
        DEPARTMENTS[0][3],
        False,
    )
    for code, name, short, duties in DEPARTMENTS[1:]:
        yield code, name, short, K.DEPARTMENT, duties, code != "MC-DCS"
    code, name, short, duties = ARMED_FORCES
    yield code, name, short, K.ARMED_FORCES_DEPT, duties, True
    for code, name, short, duties in GARRISON:
        yield code, name, short, K.GARRISON, duties, True
    for code, name, short, kind, duties, member in OTHERS:
        yield code, name, short, kind, duties, member


def _upsert_unit(code, name, short, kind, parent, member, duties, order) -> Unit:
    unit, _ = Unit.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "kind": kind,
            "parent": parent,
            "is_member": member,
            "duties": duties,
            "sort_order": order,
        },
    )
    return unit


class NameMaker:
    """Deterministic fictional names, never repeating and never a forbidden one."""

    def __init__(self, reserved: set[str]):
        self.rng = random.Random(20261129)
        self.used = set(reserved) | FORBIDDEN_NAMES

    def next(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name


def _phone(rng: random.Random) -> str:
    return "139" + "".join(str(rng.randrange(10)) for _ in range(8))


# County code 99 is unused in every prefecture: these numbers are well formed
# (valid check digit) but can belong to nobody.
DEMO_REGION = "110199"


def _id_number(rng: random.Random) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    return idnumber.make(DEMO_REGION, born, rng.randrange(1, 1000))


@register_demo_step(10, "明川区：单位、人员、领导小组、账号")
def load_org(log) -> None:
    district = _upsert_unit(*DISTRICT[:4], None, False, "全区双拥工作的组织领导。", 0)
    by_code = {"MC": district}
    for order, (code, name, short, kind, duties, member) in enumerate(_units(district), start=1):
        by_code[code] = _upsert_unit(code, name, short, kind, district, member, duties, order)
    for order, (code, name, communities) in enumerate(STREETS, start=100):
        street = _upsert_unit(
            code, name, name.removesuffix("街道"), K.STREET, district, True, STREET_DUTIES, order
        )
        by_code[code] = street
        for index, community in enumerate(communities, start=1):
            by_code[f"{code}-{index:02d}"] = _upsert_unit(
                f"{code}-{index:02d}",
                f"{name}{community}",
                "",
                K.COMMUNITY,
                street,
                False,
                "开展社区拥军优属，建立优抚对象联系卡。",
                index,
            )

    reserved = {a[3] for a in DEMO_ACCOUNTS} | {g[1] for g in GROUP_LEADERS}
    names = NameMaker(reserved)
    rng = random.Random(7)
    heads: dict[str, Person] = {}
    for code, unit in sorted(by_code.items()):
        existing = {p.position: p for p in unit.people.all()}
        roles = (
            [("主要负责人", 1), ("双拥联络员", 1)]
            if unit.kind != K.COMMUNITY
            else [("社区书记", 1)]
        )
        for position, _count in roles:
            person = existing.get(position)
            if person is None:
                person = Person.objects.create(
                    name=names.next(),
                    unit=unit,
                    position=position,
                    phone=_phone(rng),
                    id_number=_id_number(rng),
                )
            if position in ("主要负责人", "社区书记"):
                heads[code] = person
                if unit.head_id is None:
                    unit.head = person
                    unit.save(update_fields=["head"])
        if unit.kind != K.COMMUNITY and not unit.contact_name:
            liaison = unit.people.get(position="双拥联络员")
            unit.contact_name, unit.contact_phone = liaison.name, liaison.phone
            unit.save(update_fields=["contact_name", "contact_phone"])

    group, _ = LeadingGroup.objects.update_or_create(
        name=GROUP_NAME,
        term=GROUP_TERM,
        defaults={
            "starts_on": dt.date(2025, 1, 1),
            "ends_on": dt.date(2028, 12, 31),
            "document_no": "明委办〔2025〕12号",
        },
    )
    for index, (code, name, title, position) in enumerate(GROUP_LEADERS):
        person, _ = Person.objects.get_or_create(
            unit=by_code[code],
            name=name,
            defaults={"position": title, "phone": _phone(rng), "id_number": _id_number(rng)},
        )
        GroupPosition.objects.update_or_create(
            group=group,
            person=person,
            defaults={
                "position": position,
                "title": title,
                "order": POSITION_ORDER[position] * 100 + index,
            },
        )
    # Each member unit sits in the group through its head, unless a leader already
    # represents it (the district head for the government office, and so on).
    represented = set(
        group.positions.exclude(position=Position.MEMBER).values_list("person__unit_id", flat=True)
    )
    for index, unit in enumerate(Unit.objects.member_units().order_by("sort_order", "code")):
        head = heads.get(unit.code)
        if head and unit.pk not in represented:
            GroupPosition.objects.get_or_create(
                group=group,
                person=head,
                defaults={
                    "position": Position.MEMBER,
                    "title": f"{unit.display_name}主要负责人",
                    "order": POSITION_ORDER[Position.MEMBER] * 100 + index,
                },
            )

    for username, role, unit_code, name, position, scope in DEMO_ACCOUNTS:
        person, _ = Person.objects.get_or_create(
            unit=by_code[unit_code],
            name=name,
            defaults={"position": position, "phone": _phone(rng), "id_number": _id_number(rng)},
        )
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.person, user.is_active = role, person, True
        user.scope_unit = by_code[scope] if scope else None
        user.set_password(DEMO_PASSWORD)
        user.save()

    members = Unit.objects.member_units().count()
    log(
        f"  {Unit.objects.count()} 个单位（成员单位 {members} 个），{Person.objects.count()} 人，"
        f"领导小组 {group.positions.count()} 个职务"
    )
    log(f"  演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, unit_code, name, _position, _scope in DEMO_ACCOUNTS:
        unit_name = by_code[unit_code].display_name
        log(f"    {username:<11} {str(Role(role).label):<8} {unit_name} {name}")
