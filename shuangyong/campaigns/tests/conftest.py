import datetime as dt

import pytest

from shuangyong.campaigns.models import Assessment, Campaign
from shuangyong.standards.demo import example_standard


@pytest.fixture
def standard(db):
    return example_standard()


@pytest.fixture
def campaign(district, standard):
    return Campaign.objects.create(
        name="测试区创建",
        standard=standard,
        district=district.root,
        start_year=2025,
        end_year=2028,
        target_score=90,
    )


@pytest.fixture
def assessment(campaign, people):
    return Assessment.objects.create(
        campaign=campaign,
        kind="self",
        title="自评",
        held_on=dt.date(2026, 11, 1),
        assessors="林办",
        created_by=people.office,
    )
