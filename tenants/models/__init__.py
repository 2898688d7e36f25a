from tenants.models.agency import (
    Agency,
    AgencyKind,
    SignatureLevel,
    Supervision,
    TenantOwnedModel,
    TopSecretPolicy,
)
from tenants.models.audit import AuditChainHead, AuditEvent, SystemAuditEvent, SystemChainHead
from tenants.models.calendar import AgencyHoliday, AgencyHolidayKind, NationalHoliday, NationalHolidayKind
from tenants.models.jobs import Job, JobStatus
from tenants.models.people import (
    AssignmentKind,
    Membership,
    OrgUnit,
    OrgUnitKind,
    Position,
    PositionAssignment,
    RoleGrant,
    User,
)
from tenants.models.tokens import ApiToken

__all__ = [
    "Agency",
    "AgencyHoliday",
    "AgencyHolidayKind",
    "AgencyKind",
    "ApiToken",
    "AssignmentKind",
    "AuditChainHead",
    "AuditEvent",
    "Job",
    "JobStatus",
    "Membership",
    "NationalHoliday",
    "NationalHolidayKind",
    "OrgUnit",
    "OrgUnitKind",
    "Position",
    "PositionAssignment",
    "RoleGrant",
    "SignatureLevel",
    "Supervision",
    "SystemAuditEvent",
    "SystemChainHead",
    "TenantOwnedModel",
    "TopSecretPolicy",
    "User",
]
