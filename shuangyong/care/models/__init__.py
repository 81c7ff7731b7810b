from shuangyong.care.models.payments import (  # noqa: F401
    AllowanceStandard,
    BatchKind,
    BatchLine,
    BatchStatus,
    LineKind,
    PaymentBatch,
    Per,
    StandardLevel,
)
from shuangyong.care.models.registry import (  # noqa: F401
    Confirmation,
    EntitledPerson,
    Entitlement,
    EntitlementStatus,
    PayableSpan,
    Relation,
    ServicemanLink,
    StatusChange,
)
from shuangyong.care.models.support import (  # noqa: F401
    Certificate,
    CertificateStatus,
    Need,
    NeedCategory,
    NeedSource,
    NeedStatus,
    OccasionKind,
    Satisfaction,
    Visit,
    VisitOccasion,
)
