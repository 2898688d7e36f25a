from tenants.models.agency import (
    Agency,
    AgencyKind,
    SignatureLevel,
    Supervision,
    TenantOwnedModel,
    TopSecretPolicy,
)
from tenants.models.audit import AuditChainHead, AuditEvent, SystemAuditEvent, SystemChainHead
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
    "AgencyKind",
    "ApiToken",
    "AssignmentKind",
    "AuditChainHead",
    "AuditEvent",
    "Job",
    "JobStatus",
    "Membership",
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
