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


def test_a_round_settles_each_claim_before_it_claims_more(db):
    """A claim is sent and its results written before the next is taken, so no claim can
    outlast its lease and be taken (and sent again) by a second worker."""
    from shuangyong.messaging import channels, outbox

    class Recording(channels.Channel):
        name = "test-recording"
        seen: list[tuple[int, int]] = []

        def send(self, delivery) -> None:
            pass

        def send_batch(self, deliveries):
            settled = Delivery.objects.filter(channel=self.name, status=DeliveryStatus.SENT)
            self.seen.append((len(deliveries), settled.count()))
            return super().send_batch(deliveries)

    channel = channels.register(Recording())
    try:
        for n in range(25):
            outbox.enqueue(channel=channel.name, address="x", key=f"k{n}", event="e", payload={})
        assert outbox.work()["sent"] == 25
    finally:
        channels._REGISTRY.pop(channel.name)
    assert channel.seen == [(10, 0), (10, 10), (5, 20)]
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
