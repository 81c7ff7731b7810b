"""Pages made once for everyone with the same view (``whole_page(shared=True)``).

People: two of the district office (林办 and 林二), the street's two care officers, the
leader and the supervisor with a colleague each, unit A's liaison and unit B's liaison
(the outsider, asking the same addresses). These tests commit (``transaction=True``).
"""

import re
from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from shuangyong.access import Role
from shuangyong.campaigns.models import Task
from shuangyong.core import pagecache
from shuangyong.core.pagecache import HIT_HEADER
from shuangyong.messaging.models import Notification
from shuangyong.org.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = "shuangyong.accounts.backends.ModelBackendKeepingUsers"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def how(response) -> str | None:
    return response.get(HIT_HEADER)


def without_tokens(response) -> str:
    """The page but for its tokens, new in each making (the form-once ones are kept per
    user: ``core.once``)."""
    page = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())
    return re.sub(r'(name="form_token" value=")[^"]+"', r"\1FORM", page)


@pytest.fixture
def tasks(campaign, district):
    return [
        Task.objects.create(campaign=campaign, title="甲局的任务", lead_unit=district.a),
        Task.objects.create(campaign=campaign, title="乙局的任务", lead_unit=district.b),
    ]


@pytest.fixture
def colleague(people, district):
    """A second person for each role, in the same unit as the first."""
    return {
        "office": make_user("office2", Role.OFFICE, district.office, name="林二"),
        "care": make_user("care2", Role.CARE_OFFICER, district.street, name="蔡二"),
        "leader": make_user("leader2", Role.LEADER, district.root, name="沈二"),
        "supervisor": make_user("supervisor2", Role.SUPERVISOR, district.root, name="韩二"),
    }


def test_a_colleague_gets_the_page_made_for_the_first_with_their_own_name_and_bell(
    people, colleague, campaign, tasks
):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    Notification.objects.create(recipient=colleague["office"], kind="x", title="新任务", key="k")
    first = logged_in(people.office).get(url)
    assert first.status_code == 200 and how(first) is None
    second = logged_in(colleague["office"]).get(url)
    assert how(second) == "shared"
    page = second.content.decode()
    assert "林二" in page and "林办" not in page and "\x00" not in page
    assert re.search(r'data-testid="bell">[^<]*<span class="badge[^"]*">1</span>', page)
    assert 'data-testid="bell">' in first.content.decode()
    assert "badge" not in first.content.decode().split('data-testid="bell">')[1][:80]
    # What it holds is what the colleague's own making holds, token for token.
    with mock.patch.object(pagecache, "enabled", return_value=False):
        own = logged_in(colleague["office"]).get(url)
    assert without_tokens(second) == without_tokens(own)


@pytest.mark.parametrize(
    "role,address",
    [
        ("office", lambda c, p: "/"),
        ("office", lambda c, p: reverse("campaigns:task_list", args=[c.pk])),
        ("office", lambda c, p: reverse("campaigns:campaign_detail", args=[c.pk])),
        ("leader", lambda c, p: reverse("supervision:dashboard", args=[c.pk])),
        ("supervisor", lambda c, p: reverse("supervision:ranking", args=[c.pk])),
        ("care", lambda c, p: reverse("care:home")),
        ("care", lambda c, p: reverse("care:person_detail", args=[p.pk])),
    ],
)
def test_every_shared_page_is_the_same_for_everyone_of_a_role_and_unit(
    people, colleague, campaign, tasks, district, role, address
):
    """The promise a page makes by being shared: it reads nothing of who asks but their
    role and units. A page that came to show something of one person fails here."""
    from shuangyong.care.tests.conftest import person

    url = address(campaign, person(district))
    made = logged_in(getattr(people, role)).get(url)
    assert made.status_code == 200
    shared = logged_in(colleague[role]).get(url)
    assert how(shared) == "shared"
    with mock.patch.object(pagecache, "enabled", return_value=False):
        own = logged_in(colleague[role]).get(url)
    assert without_tokens(shared) == without_tokens(own)


def test_the_home_page_follows_the_campaign_each_chose(people, colleague, campaign, standard):
    from shuangyong.campaigns.models import Campaign

    other = Campaign.objects.create(
        name="上一届创建", standard=standard, district=campaign.district, start_year=2021,
        end_year=2024, target_score=90,
    )  # fmt: skip
    office = logged_in(people.office)
    # Choosing keeps the choice in the session: that answer is the chooser's alone.
    assert how(office.get(f"/?campaign={other.pk}")) is None
    assert how(logged_in(people.office).get(f"/?campaign={other.pk}")) is None
    mine = office.get("/")  # made under the choice kept in the session
    assert f'<option value="{other.pk}" selected>' in mine.content.decode()
    theirs = logged_in(colleague["office"]).get("/")  # no choice: the newest campaign
    assert how(theirs) is None
    assert f'<option value="{campaign.pk}" selected>' in theirs.content.decode()
    again = logged_in(colleague["office"]).get("/")
    assert how(again) == "shared" and "林二" in again.content.decode()


def test_the_outsider_never_gets_the_page_made_for_another_unit(people, campaign, tasks):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    mine = logged_in(people.liaison_a).get(url)
    assert "甲局的任务" in mine.content.decode()
    theirs = logged_in(people.liaison_b).get(url)
    assert how(theirs) is None
    assert "乙局的任务" in theirs.content.decode()
    assert "甲局的任务" not in theirs.content.decode()


def test_a_role_or_unit_changed_is_another_view(people, colleague, campaign, tasks, district):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    logged_in(people.office).get(url)
    moved = colleague["office"]
    moved.person.unit = district.a
    moved.person.save()
    assert how(logged_in(moved).get(url)) is None


def test_a_write_to_what_the_page_read_makes_it_afresh(people, colleague, campaign, tasks):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    logged_in(people.office).get(url)
    tasks[0].title = "改过的任务"
    tasks[0].save()
    again = logged_in(colleague["office"]).get(url)
    assert how(again) is None and "改过的任务" in again.content.decode()
    assert how(logged_in(people.office).get(url)) == "shared"


def test_a_session_with_messages_waiting_gets_its_own_page(people, colleague, campaign, tasks, rf):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    logged_in(people.office).get(url)
    office2 = logged_in(colleague["office"])
    # A message left by the last POST (in the cookie, where Django keeps short ones).
    storage = CookieStorage(rf.get("/"))
    office2.cookies["messages"] = storage._encode([Message(messages.SUCCESS, "已保存。")])
    answer = office2.get(url)
    assert how(answer) is None and "已保存。" in answer.content.decode()


def test_while_one_makes_the_page_the_others_wait_for_it_then_make_their_own(
    people, colleague, campaign, tasks
):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    real_add = cache.add

    def someone_else_is_making(key, *args, **kwargs):
        return False if key.endswith(":making") else real_add(key, *args, **kwargs)

    with (
        mock.patch.object(pagecache, "_MAKING_WAIT", 0.05),
        mock.patch.object(cache, "add", side_effect=someone_else_is_making),
        mock.patch.object(cache, "delete", wraps=cache.delete) as deleted,
    ):
        answer = logged_in(people.office).get(url)
    # Nobody finished: after the wait the asker made the page itself (and kept it), and
    # left the maker's mark alone (it was not theirs).
    assert answer.status_code == 200 and "林办" in answer.content.decode()
    assert not [c for c in deleted.call_args_list if str(c.args[0]).endswith(":making")]
    assert how(logged_in(colleague["office"]).get(url)) == "shared"


def test_the_one_who_made_the_page_lets_the_others_go(people, colleague, campaign, tasks):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    with mock.patch.object(cache, "delete", wraps=cache.delete) as deleted:
        logged_in(people.office).get(url)
    assert [c for c in deleted.call_args_list if str(c.args[0]).endswith(":making")]


def test_a_shared_answer_asks_the_database_a_fixed_few_things(people, colleague, campaign, tasks):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    logged_in(people.office).get(url)
    for n in range(30):
        Task.objects.create(campaign=campaign, title=f"任务{n}", lead_unit=tasks[0].lead_unit)
    logged_in(people.office).get(url)
    office2 = logged_in(colleague["office"])
    with CaptureQueriesContext(connection) as queries:
        answer = office2.get(url)
    assert how(answer) == "shared"
    # The session, the user with their units, the second factor's devices, the bell.
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_a_person_page_is_kept_sealed_for_everyone(people, colleague, district):
    from shuangyong.care.tests.conftest import person

    someone = person(district)
    someone.phone = "13912345678"
    someone.save()
    url = reverse("care:person_detail", args=[someone.pk])
    assert "13912345678" in logged_in(people.care).get(url).content.decode()
    shared = logged_in(colleague["care"]).get(url)
    assert how(shared) == "shared" and "13912345678" in shared.content.decode()
    kept = [v for k, v in cache._cache.items() if b"13912345678" in v]  # type: ignore[attr-defined]
    assert not kept


def test_after_a_write_each_session_takes_the_page_made_again_without_running_the_view(
    people, colleague, campaign, tasks
):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    office, office2 = logged_in(people.office), logged_in(colleague["office"])
    office.get(url), office2.get(url)
    assert how(office2.get(url)) == "hit"
    tasks[0].title = "改过的任务"
    tasks[0].save()
    assert how(office.get(url)) is None  # made again, once, for everyone with this view
    with CaptureQueriesContext(connection) as queries:
        renewed = office2.get(url)
    # The session's copy: its own parts (name, bell) were current, the shared page is new.
    assert how(renewed) == "hit" and len(queries) == 1, [q["sql"] for q in queries]
    page = renewed.content.decode()
    assert "改过的任务" in page and "林二" in page and "林办" not in page
    assert without_tokens(renewed) == without_tokens(office2.get(url))


def test_a_write_to_the_askers_own_parts_is_not_answered_from_their_copy(
    people, colleague, campaign, tasks
):
    url = reverse("campaigns:task_list", args=[campaign.pk])
    office, office2 = logged_in(people.office), logged_in(colleague["office"])
    office.get(url), office2.get(url)
    Notification.objects.create(recipient=colleague["office"], kind="x", title="新任务", key="k")
    again = office2.get(url)
    assert how(again) == "shared"  # the shared page still holds; the bell is made afresh
    assert re.search(r'data-testid="bell">[^<]*<span class="badge[^"]*">1</span>', again.text)
    # Versions are per table: everyone's bell is counted again, from the same shared page.
    mine = office.get(url)
    assert how(mine) == "shared"
    assert "badge" not in mine.text.split('data-testid="bell">')[1][:80]


def test_a_copy_lives_no_longer_than_the_page_it_was_made_from(settings):
    import time

    settings.PAGE_CACHE_SECONDS = 60
    assert pagecache._left({"made": time.time() - 50}) in (9, 10, 11)
    assert pagecache._left({"made": time.time() - 600}) == 1


def test_a_copy_is_not_answered_once_the_askers_role_changed(people, colleague, campaign, tasks):
    """The copy skips the view's role check: a change to the account ends it, even after
    a colleague with the old view has made the shared page again."""
    url = reverse("campaigns:task_list", args=[campaign.pk])
    office, office2 = logged_in(people.office), logged_in(colleague["office"])
    office.get(url), office2.get(url)
    demoted = colleague["office"]
    demoted.role = Role.AUDITOR  # may not see tasks at all
    demoted.save()
    tasks[0].title = "改过的任务"
    tasks[0].save()
    assert how(office.get(url)) is None  # made again for the office's view
    assert office2.get(url).status_code == 403


def test_a_copy_is_not_answered_once_the_asker_moved_to_another_unit(
    people, colleague, campaign, district
):
    """Found by the state machine (test_page_cache_machine): the layout shows one's unit."""
    url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    office, office2 = logged_in(people.office), logged_in(colleague["office"])
    office.get(url), office2.get(url)
    Person.objects.filter(pk=colleague["office"].person_id).update(unit=district.b)
    office.get(url)  # made again for the office's view
    moved = office2.get(url)
    assert how(moved) != "hit" and "双拥办 · 乙" in moved.content.decode()


def test_the_home_page_of_a_care_officer_leaves_out_only_their_own_batch(district):
    """Two district-wide care officers: the batch one computed waits for the other's
    approval. Each home page is its own, whoever opened theirs first."""
    from django.utils import timezone

    from shuangyong.care.models import PaymentBatch

    computer = make_user("care_c", Role.CARE_OFFICER, district.office, name="蔡算",
                         scope_unit=district.root)  # fmt: skip
    approver = make_user("care_p", Role.CARE_OFFICER, district.office, name="蔡批",
                         scope_unit=district.root)  # fmt: skip
    PaymentBatch.objects.create(
        programme="living", kind="regular", period="2026-01", first_month=1, last_month=1,
        computed_by=computer, computed_at=timezone.now(),
    )  # fmt: skip

    def offered(response) -> bool:
        assert response.status_code == 200
        return 'data-kind="batches_approve"' in response.content.decode()

    assert not offered(logged_in(computer).get("/"))
    assert offered(logged_in(approver).get("/"))
    assert not offered(logged_in(computer).get("/"))


def test_the_office_shares_a_home_page_offering_every_draft_batch(people, colleague, district):
    """The office approves but never computes: its to-do is the same for all of it."""
    from django.utils import timezone

    from shuangyong.care.models import PaymentBatch

    PaymentBatch.objects.create(
        programme="living", kind="regular", period="2026-01", first_month=1, last_month=1,
        computed_by=people.office, computed_at=timezone.now(),  # under an earlier role
    )  # fmt: skip
    made = logged_in(colleague["office"]).get("/")
    assert 'data-kind="batches_approve"' in made.content.decode()
    theirs = logged_in(people.office).get("/")
    assert how(theirs) == "shared"
    with mock.patch.object(pagecache, "enabled", return_value=False):
        own = logged_in(people.office).get("/")
    assert without_tokens(theirs) == without_tokens(own)


def test_a_write_while_the_askers_account_is_read_is_not_counted_in_the_shared_page(
    people, colleague, district, campaign
):
    """The shared page is stored under the data version read before the asker's account
    (and its unit, which the layout shows): a rename committed meanwhile by another process
    leaves that making unkept, and the colleague gets the new name."""
    from shuangyong.org.models import Unit

    url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    real = pagecache.read_so_far
    renamed = []

    def another_process_renames_the_unit_meanwhile(*args, **kwargs):
        if not renamed:
            Unit.objects.filter(pk=district.office.pk).update(short_name="双拥新办")
            renamed.append(True)
        return real(*args, **kwargs)

    with mock.patch.object(pagecache, "read_so_far", another_process_renames_the_unit_meanwhile):
        made = logged_in(people.office).get(url)
    assert made.status_code == 200 and renamed
    theirs = logged_in(colleague["office"]).get(url)
    assert "双拥新办" in theirs.content.decode(), how(theirs)
