"""Imports every feature's models so the metadata (and Alembic) sees all tables."""
from handbook.admission.models import (  # noqa: F401
    AdmissionTarget,
    Candidate,
    CandidateReview,
    DossierStep,
    Introducer,
    SponsorNote,
)
from handbook.audit.models import AuditEvent  # noqa: F401
from handbook.auth.models import (  # noqa: F401
    ActivationCode,
    ApiToken,
    PrivacyConsent,
    RateLimitCounter,
    RecoveryCode,
    TotpCredential,
    User,
    UserSession,
)
from handbook.dues.models import DuesPayment, DuesProfile, DuesRegion, DuesRelief  # noqa: F401
from handbook.evaluation.models import EvaluationRound, Rating, SelfAssessment  # noqa: F401
from handbook.exemptions.models import Exemption  # noqa: F401
from handbook.meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    CalendarToken,
    DocumentRead,
    Meeting,
    MeetingDocument,
    MeetingSeries,
    MinutesRevision,
    Resolution,
    Vote,
)
from handbook.members.models import (  # noqa: F401
    CodeBatch,
    DuplicateDismissal,
    ImportPreview,
    Member,
    MemberChange,
    MemberPlacement,
    MemberStatusHistory,
)
from handbook.members.move_models import MemberTransfer, ReceivingOrganisation  # noqa: F401
from handbook.notify.models import (  # noqa: F401
    Delivery,
    Notification,
    NotificationPreference,
    PushSubscription,
    WorkerHeartbeat,
)
from handbook.org.models import Organisation, OrgChange, OrgVersion, Position  # noqa: F401
from handbook.regulations.models import (  # noqa: F401
    Article,
    Attachment,
    Bookmark,
    Document,
    DocumentPart,
    ReadMark,
)
from handbook.reports.models import PeriodicReview, PeriodicReviewMember  # noqa: F401
