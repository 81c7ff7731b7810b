import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.audit import services
from shuangyong.audit.models import Action
from shuangyong.core.testing import read_xlsx

URL = reverse("audit:event_list")


def test_auditor_filters_by_action_and_person(client, people, district):
    client.force_login(people.liaison_a)  # a login event for 张三
    services.record(Action.EXPORT, object_type="export:units")
    client.force_login(people.auditor)
    response = client.get(URL, {"action": "login", "actor": "张三"})
    actions = {e.action for e in response.context["page"]}
    assert actions == {"login"}
    assert all("张三" in e.actor_name for e in response.context["page"])


def test_auditor_filters_by_unit_and_time(client, people, district):
    client.force_login(people.liaison_a)
    client.force_login(people.auditor)
    response = client.get(
        URL, {"unit": district.a.pk, "since": "2000-01-01", "until": "2999-01-01"}
    )
    page = list(response.context["page"])
    assert page and all(district.a.pk in (e.actor_unit_id, e.object_unit_id) for e in page)
    assert any(e.action == "login" for e in page)


def test_export_is_itself_audited(client, people):
    client.force_login(people.auditor)
    response = client.get(reverse("audit:event_export"), {"action": "login"})
    rows = read_xlsx(io.BytesIO(response.content))
    assert rows[0][0] in ("编号", "Number") and all(r[2] in ("登录", "Logged in") for r in rows[1:])
    from shuangyong.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="export", object_type="audit.auditevent").exists()


def test_nobody_else_reads_the_trail(client, people):
    for who in (people.admin, people.office, people.liaison_a):
        client.force_login(who)
        assert client.get(URL).status_code == 403


def test_query_count_is_fixed(client, people):
    client.force_login(people.auditor)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for i in range(120):
        services.record(Action.EXPORT, object_type="x", object_id=i)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)
