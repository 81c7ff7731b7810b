import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangyong.coordination import services


def pdf(name="材料.pdf", body=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def next_week():
    return dt.date.today() + dt.timedelta(days=7)


@pytest.fixture
def notice(people, district, next_week):
    """The office asks units A, B and the street for a reply by next week."""
    return services.send_notice(
        author=people.office,
        title="报送双拥工作半年总结",
        body="请于下周前报送。",
        units=[district.a, district.b, district.street],
        requires_reply=True,
        reply_deadline=next_week,
    )
