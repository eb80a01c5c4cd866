"""The pledges app's models, by sub-domain; everything is importable from `pledges.models`."""

from pledges.models.corroboration import Corroboration, CorroborationKind, CorroborationStatus
from pledges.models.cycles import RegionalReview, ReviewCycle
from pledges.models.following import Following, FollowKind
from pledges.models.history import PledgeVersion, ReviewEvent, UpdateVersion
from pledges.models.organisations import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    invitation_token,
)
from pledges.models.outbox import OutboxMessage
from pledges.models.pledges import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_MAIN_OBJECTIVES,
    YEAR_MAX,
    YEAR_MIN,
    JointKind,
    PartnerStatus,
    Pledge,
    PledgeInReview,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
)
from pledges.models.reporting import ReminderKind, ReminderLog, ReminderOptOut, ReportingPolicy
from pledges.models.reports import Report, ReportFormat, ReportScope
from pledges.models.states import (
    CLOSED_STATES,
    OPEN_STATES,
    PUBLIC_STATES,
    ImplementationStatus,
    ReviewAction,
    ReviewState,
    published_through,
)
from pledges.models.updates import Evidence, ProgressUpdate, TargetMeasurement, evidence_upload_to

__all__ = [
    "CLOSED_STATES",
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "MAX_MAIN_OBJECTIVES",
    "OPEN_STATES",
    "PUBLIC_STATES",
    "YEAR_MAX",
    "YEAR_MIN",
    "Corroboration",
    "CorroborationKind",
    "CorroborationStatus",
    "Evidence",
    "FollowKind",
    "Following",
    "ImplementationStatus",
    "Invitation",
    "JoinRequest",
    "JoinRequestStatus",
    "JointKind",
    "Membership",
    "MembershipRole",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "PartnerStatus",
    "Pledge",
    "PledgeInReview",
    "PledgeObjective",
    "PledgePartner",
    "PledgeTarget",
    "PledgeVersion",
    "ProgressUpdate",
    "RegionalReview",
    "ReminderKind",
    "ReminderLog",
    "ReminderOptOut",
    "Report",
    "ReportFormat",
    "ReportScope",
    "ReportingPolicy",
    "ReviewAction",
    "ReviewCycle",
    "ReviewEvent",
    "ReviewState",
    "TargetMeasurement",
    "UpdateVersion",
    "evidence_upload_to",
    "invitation_token",
    "published_through",
]
