from shuangyong.defence.models.activities import ActivityKind, EducationBase, SupportActivity
from shuangyong.defence.models.conscription import (
    Candidate,
    CandidateStatus,
    CandidateStep,
    ConscriptionCampaign,
    Education,
    Stage,
    StepEvent,
    StreetQuota,
)
from shuangyong.defence.models.placement import PlacementCase, PlacementKind, PlacementMethod

__all__ = [
    "ActivityKind",
    "Candidate",
    "CandidateStatus",
    "CandidateStep",
    "ConscriptionCampaign",
    "Education",
    "EducationBase",
    "PlacementCase",
    "PlacementKind",
    "PlacementMethod",
    "Stage",
    "StepEvent",
    "StreetQuota",
    "SupportActivity",
]
