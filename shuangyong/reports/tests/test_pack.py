"""The readiness pack: every evidence file in a folder per criterion and year, an index
in the standard's order, progress saved, the download audited; office only."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuangyong.audit.models import AuditEvent
from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Task
from shuangyong.core.testing import read_xlsx
from shuangyong.reports import pack as packs
from shuangyong.reports.models import ReadinessPack


@pytest.fixture
def evidence(campaign, standard, district, people, settings, tmp_path):
    """Three files, approved (only approved files are packed unless asked)."""
    found = uploaded(campaign, standard, district, people, settings, tmp_path)
    for item in found:
        responsibility.review_evidence(evidence=item, approve=True, note="", reviewer=people.office)
        item.refresh_from_db()
    return found


def uploaded(campaign, standard, district, people, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    found = []
    for code, name in (("1.1", "常委会纪要.pdf"), ("1.1", "常务会纪要.pdf"), ("2.2", "走访.pdf")):
        task = Task.objects.create(campaign=campaign, criterion=standard.criteria.get(code=code),
                                   title=f"任务{code}", lead_unit=district.a)  # fmt: skip
        found.append(
            responsibility.upload_evidence(
                task=task, user=people.liaison_a, year=2026,
                upload=SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode()),
            )
        )  # fmt: skip
    return found


def test_a_pack_holds_every_file_by_criterion_with_an_index(campaign, evidence, people):
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    assert (pack.status, pack.done, pack.total, pack.percent) == ("done", 3, 3, 100)
    with zipfile.ZipFile(pack.path) as archive:
        names = archive.namelist()
        folders = sorted({n.split("/")[0] for n in names if "/" in n})
        assert folders == ["1.1", "2.2"]
        assert sum(1 for n in names if n.startswith("1.1/2026/")) == 2
        index = read_xlsx(io.BytesIO(archive.read("台账索引.xlsx")))
        first = next(n for n in names if n.startswith("1.1/"))
        assert archive.read(first).startswith(b"%PDF-1.4")
    assert index[0][0] == "考评编号" and [r[0] for r in index[1:]] == ["1.1", "1.1", "2.2"]
    assert index[1][2] == "常委会、常务会会议纪要"


def test_the_office_starts_watches_and_downloads(client, campaign, evidence, people):
    client.force_login(people.office)
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    pack = ReadinessPack.objects.get()
    assert (pack.status, pack.attempts) == ("queued", 0)  # the web process builds nothing
    assert packs.work_queued() == 1  # a worker round
    progress = client.get(reverse("reports:pack_progress", args=[pack.pk]))
    assert 'data-testid="pack-percent">100%' in progress.content.decode()
    download = client.get(reverse("reports:pack_download", args=[pack.pk]))
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None
    assert AuditEvent.objects.filter(action="download", object_id=str(pack.pk)).exists()


def test_only_the_office_builds_packs(client, campaign, people):
    for who in (people.liaison_a, people.leader, people.auditor):
        client.force_login(who)
        assert client.post(reverse("reports:pack_start", args=[campaign.pk])).status_code == 403
    assert not ReadinessPack.objects.exists()


def test_the_pack_holds_the_self_assessment_report(
    campaign, evidence, people, scored, cjk_font, pdf_text
):
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    with zipfile.ZipFile(pack.path) as archive:
        report = archive.read(packs.REPORT_NAME)
    assert report.startswith(b"%PDF")
    assert "测试区创建自评报告" in "".join(pdf_text(report).split())


def test_without_a_font_the_pack_says_why_the_report_is_missing(
    campaign, evidence, people, no_cjk_font
):
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    assert pack.status == "done"
    with zipfile.ZipFile(pack.path) as archive:
        assert packs.REPORT_NAME not in archive.namelist()
        note = archive.read(packs.REPORT_MISSING_NAME).decode()
    assert "fonts-noto-cjk" in note


def test_the_command_builds_copies_and_records_the_pack(campaign, evidence, tmp_path, capsys):
    from django.core.management import call_command

    out = tmp_path / "迎检台账.zip"
    call_command("pack", str(campaign.pk), "-o", str(out))
    assert "3" in capsys.readouterr().out and zipfile.ZipFile(out).testzip() is None
    assert AuditEvent.objects.filter(action="export", object_type__contains="readinesspack")
    with pytest.raises(SystemExit) as missing:
        call_command("pack", "999999")
    assert missing.value.code == 2


def test_a_file_missing_from_storage_is_marked_and_the_pack_still_builds(
    campaign, evidence, people
):
    evidence[1].file.storage.delete(evidence[1].file.name)
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    assert pack.status == "done" and "常务会纪要" in pack.error
    with zipfile.ZipFile(pack.path) as archive:
        index = read_xlsx(io.BytesIO(archive.read("台账索引.xlsx")))
        assert sum(1 for n in archive.namelist() if n.startswith("1.1/2026/")) == 1
    marked = [r for r in index[1:] if r[7] == packs.MISSING]
    assert len(marked) == 1 and marked[0][8] == ""


def test_a_failure_says_so_in_chinese_and_leaves_no_zip(campaign, evidence, people, monkeypatch):
    def broken(archive, pack):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(packs, "_add_self_assessment", broken)
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    assert pack.status == "failed" and "disk on fire" not in pack.error
    assert pack.error.startswith("台账包生成失败")
    assert not list(packs.pack_folder().glob("*.zip"))


def test_a_pack_cut_off_by_a_restart_is_built_again_by_the_next_round(
    client, campaign, evidence, people
):
    """Its worker stopped beating an hour ago: the page or the next worker round queues it
    again (no second pack beside it), and a round builds it from the start."""
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = ReadinessPack.objects.create(
        campaign=campaign, status="running", heartbeat=an_hour_ago, attempts=1, done=2, total=3
    )
    packs.zip_path(stuck).write_bytes(b"half a zip")
    client.force_login(people.office)
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    stuck.refresh_from_db()
    assert (stuck.status, stuck.done, stuck.attempts) == ("queued", 0, 1)
    assert ReadinessPack.objects.count() == 1 and not list(packs.pack_folder().glob("*.zip"))
    page = client.get(reverse("reports:pack", args=[campaign.pk])).content.decode()
    assert 'data-testid="pack-attempt"' in page and "第2次" in page
    assert packs.work_queued() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts, stuck.done) == ("done", 2, 3)


def test_a_pack_cut_off_too_often_fails_clearly_and_does_not_block_the_next(
    client, campaign, evidence, people
):
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = ReadinessPack.objects.create(
        campaign=campaign, status="running", heartbeat=an_hour_ago, attempts=packs.MAX_ATTEMPTS
    )
    client.force_login(people.office)
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "中断3次" in stuck.error and "重新生成" in stuck.error
    assert ReadinessPack.objects.filter(status="queued").count() == 1


def test_a_build_whose_claim_was_taken_back_stops_and_writes_nothing(
    campaign, evidence, monkeypatch
):
    """Silent too long (a paused machine), re-queued and claimed by another worker: at its
    next beat the first build stops, removes its own zip and leaves the row to the other."""
    import itertools

    from django.db.models import F

    clock = itertools.count(step=5.0)  # a beat after every file
    monkeypatch.setattr(packs.time, "monotonic", lambda: next(clock))
    pack = ReadinessPack.objects.create(campaign=campaign)
    claimed = packs.claim()
    real_beat = packs.beat

    def beat_after_another_claim(pack, done):
        ReadinessPack.objects.filter(pk=pack.pk).update(attempts=F("attempts") + 1)
        return real_beat(pack, done=done)

    monkeypatch.setattr(packs, "beat", beat_after_another_claim)
    packs.build(claimed)
    pack.refresh_from_db()
    assert (pack.status, pack.attempts, pack.path) == ("running", 2, "")
    assert not list(packs.pack_folder().glob("*.zip"))


def test_one_claim_per_pack_oldest_first(campaign, evidence, standard, district, people):
    from shuangyong.campaigns.models import Campaign

    other = Campaign.objects.create(
        name="另一周期",
        standard=standard,
        district=district.root,
        start_year=2025,
        end_year=2028,
        target_score=90,
    )
    first = ReadinessPack.objects.create(campaign=campaign)
    second = ReadinessPack.objects.create(campaign=other)
    taken = [packs.claim(), packs.claim(), packs.claim()]
    assert [p and p.pk for p in taken] == [first.pk, second.pk, None]
    first.refresh_from_db()
    assert (first.status, first.attempts, first.heartbeat is not None) == ("running", 1, True)


def test_the_worker_round_builds_queued_packs():
    from shuangyong.messaging import jobs

    assert packs.work_queued in jobs.QUEUES


def test_the_page_says_when_no_worker_is_running(client, campaign, evidence, people):
    from shuangyong.messaging import jobs

    client.force_login(people.office)
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    pack = ReadinessPack.objects.get()
    progress = reverse("reports:pack_progress", args=[pack.pk])
    page = client.get(reverse("reports:pack", args=[campaign.pk])).content.decode()
    assert 'data-testid="pack-no-worker"' in page and "系统管理员" in page
    assert 'data-testid="pack-no-worker"' in client.get(progress).content.decode()
    jobs.worker_beat(now=timezone.now() - packs.WORKER_SILENT - dt.timedelta(seconds=5))
    assert 'data-testid="pack-no-worker"' in client.get(progress).content.decode()
    jobs.worker_beat()  # a worker started a round just now
    assert 'data-testid="pack-no-worker"' not in client.get(progress).content.decode()


def test_the_progress_of_a_silent_build_shows_it_queued_again(client, campaign, people):
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = ReadinessPack.objects.create(
        campaign=campaign, status="running", heartbeat=an_hour_ago, attempts=1
    )
    client.force_login(people.office)
    progress = client.get(reverse("reports:pack_progress", args=[stuck.pk])).content.decode()
    assert "排队中" in progress and 'data-testid="pack-no-worker"' in progress


def test_only_the_newest_pack_keeps_its_zip(campaign, evidence, people):
    from pathlib import Path

    first = packs.build(ReadinessPack.objects.create(campaign=campaign))
    second = packs.build(ReadinessPack.objects.create(campaign=campaign))
    first.refresh_from_db()
    assert first.path == "" and Path(second.path).exists()
    assert [p.name for p in packs.pack_folder().glob("*.zip")] == [Path(second.path).name]


def test_the_heartbeat_follows_the_clock_not_the_file_count(
    campaign, evidence, people, monkeypatch
):
    """By count (every 200 files), three slow files never beat and a healthy build
    looked cut off after ten minutes; by time, each file taking a while beats."""
    import itertools

    clock = itertools.count(step=5.0)  # each read of the clock is five seconds later
    monkeypatch.setattr(packs.time, "monotonic", lambda: next(clock))
    beats = []
    real_beat = packs.beat
    monkeypatch.setattr(packs, "beat", lambda pack, done: beats.append(done) or real_beat(
        pack, done=done))  # fmt: skip
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    assert pack.status == "done" and beats == [1, 2, 3]


def test_the_command_waits_for_a_running_build_and_checks_where_it_copies(
    campaign, evidence, tmp_path, capsys
):
    """It built a second full copy beside the page's running build, and a missing output
    folder failed after the build with a traceback and no audit record."""
    from django.core.management import call_command

    running = ReadinessPack.objects.create(campaign=campaign, status="running")
    with pytest.raises(SystemExit) as busy:
        call_command("pack", str(campaign.pk))
    assert busy.value.code == 1 and "正在生成" in capsys.readouterr().err
    running.delete()
    with pytest.raises(SystemExit) as nowhere:
        call_command("pack", str(campaign.pk), "-o", str(tmp_path / "无此目录" / "a.zip"))
    assert nowhere.value.code == 2 and "无此目录" in capsys.readouterr().err
    assert not ReadinessPack.objects.exists()
    folder = tmp_path / "迎检"
    folder.mkdir()
    call_command("pack", str(campaign.pk), "-o", str(folder))
    [copied] = folder.iterdir()
    assert copied.suffix == ".zip" and zipfile.ZipFile(copied).testzip() is None


def test_files_not_yet_approved_stay_out_unless_asked(
    campaign, standard, district, people, settings, tmp_path
):
    found = uploaded(campaign, standard, district, people, settings, tmp_path)
    responsibility.review_evidence(evidence=found[0], approve=True, note="", reviewer=people.office)
    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    with zipfile.ZipFile(pack.path) as archive:
        files = [n for n in archive.namelist() if "/" in n]
    assert pack.total == 1 and files == [f"1.1/2026/{found[0].pk}-常委会纪要.pdf"]
    asked = packs.build(ReadinessPack.objects.create(campaign=campaign, include_unapproved=True))
    with zipfile.ZipFile(asked.path) as archive:
        index = read_xlsx(io.BytesIO(archive.read("台账索引.xlsx")))
    assert asked.total == 3
    assert sorted(r[7] for r in index[1:]) == sorted(["已通过", "待审核", "待审核"])


def test_the_page_asks_and_the_start_passes_it_on(client, campaign, evidence, people):
    client.force_login(people.office)
    page = client.get(reverse("reports:pack", args=[campaign.pk])).content.decode()
    assert 'name="include_unapproved"' in page
    client.post(reverse("reports:pack_start", args=[campaign.pk]), {"include_unapproved": "1"})
    assert ReadinessPack.objects.get().include_unapproved is True


def test_every_entry_carries_its_own_date(campaign, evidence, people):
    from django.utils import timezone

    pack = packs.build(ReadinessPack.objects.create(campaign=campaign, created_by=people.office))
    with zipfile.ZipFile(pack.path) as archive:
        infos = archive.infolist()
    assert all(info.date_time[0] > 1980 for info in infos), [i.date_time for i in infos]
    submitted = timezone.localtime(evidence[0].submitted_at).timetuple()[:5]
    first = next(i for i in infos if i.filename.startswith(f"1.1/2026/{evidence[0].pk}-"))
    assert first.date_time[:5] == submitted
