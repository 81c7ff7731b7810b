"""The worker: apps register their periodic jobs with it; a round runs the queue and the outbox."""

import pytest
from django.core.management import call_command

from shuangyong.messaging import jobs, notify, sms
from shuangyong.messaging.models import Delivery, DeliveryStatus, JobRun


def test_apps_register_their_jobs_with_the_platform_worker():
    names = {job.module_path for job in jobs.PERIODIC}
    assert {
        "shuangyong.supervision.jobs.reminders_job",
        "shuangyong.supervision.jobs.snapshots_job",
        "shuangyong.messaging.jobs.housekeeping_job",
    } <= names
    jobs.register_periodic(jobs.housekeeping_job)  # twice: still once
    assert len({job.module_path for job in jobs.PERIODIC}) == len(jobs.PERIODIC)


# The database worker closes its connection after a task: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_one_worker_round_runs_the_jobs_and_sends_the_outbox(settings, people):
    settings.SMS_BACKEND = "shuangyong.messaging.sms.MemoryBackend"
    sms.MemoryBackend.outbox = []
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    notify.send([(people.liaison_a, notify.Message("due", "到期", "", "/", "w:1"))])
    call_command("worker", "--once", verbosity=0)
    assert Delivery.objects.get(channel="sms").status == DeliveryStatus.SENT
    assert sms.MemoryBackend.outbox == [("13800001111", "【双拥】到期")]
    assert JobRun.objects.filter(name="reminders", last_finished__isnull=False).exists()
