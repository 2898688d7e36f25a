"""Letters, registry books and entries, stored files (issue 3); handling inside the agency (issue 4)."""

from documents.models.circulation import AudienceKind, Circulation, CirculationRecipient
from documents.models.clock import ClockOverride
from documents.models.drafting import (
    EDITABLE_STATES,
    FORM_LETTER_KIND,
    DispatchChannel,
    Draft,
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftForm,
    DraftRecipient,
    DraftReview,
    DraftSource,
    DraftState,
    DraftVersion,
    RecipientRole,
    ReviewRoute,
    ReviewRouteStep,
    ReviewStage,
    ReviewStatus,
)
from documents.models.files import FileKey, FileRole, FileState, StoredFile
from documents.models.handling import (
    Delegation,
    DueRule,
    EventKind,
    FileCategory,
    Handling,
    HandlingEvent,
    HandlingState,
    HolderKind,
    Holding,
    HoldingPurpose,
    HoldingStatus,
    PresentationChain,
    PresentationStep,
)
from documents.models.letters import (
    Letter,
    LetterKind,
    LetterParty,
    LetterSubKind,
    PartyRole,
    Purpose,
    Secrecy,
    SecretGrant,
    Urgency,
)
from documents.models.mailbox import (
    Mailbox,
    MailboxAttachment,
    MailboxKind,
    MailboxMessage,
    MailboxMessageState,
)
from documents.models.notifications import Notification, NotificationKind, NotificationPreference
from documents.models.registry import (
    Book,
    BookCounter,
    BookKind,
    Channel,
    EntryAmendment,
    EntryStatus,
    RegistryEntry,
    YearBasis,
)

__all__ = [
    "AudienceKind", "Circulation", "CirculationRecipient",
    "Delegation", "DueRule", "EventKind", "FileCategory", "Handling", "HandlingEvent", "HandlingState", "HolderKind", "Holding",
    "HoldingPurpose", "HoldingStatus", "PresentationChain", "PresentationStep",
    "Book", "BookCounter", "BookKind", "Channel", "ClockOverride", "EntryAmendment", "EntryStatus", "FileKey",
    "FileRole", "FileState", "Letter", "LetterKind", "LetterParty", "LetterSubKind", "Mailbox", "MailboxAttachment", "MailboxKind",
    "MailboxMessage", "MailboxMessageState", "PartyRole", "Purpose", "RegistryEntry", "Secrecy", "SecretGrant",
    "StoredFile", "Urgency", "YearBasis",
    "Notification", "NotificationKind", "NotificationPreference",
    "EDITABLE_STATES", "FORM_LETTER_KIND", "DispatchChannel", "Draft", "DraftComment", "DraftEvent", "DraftEventKind",
    "DraftForm", "DraftRecipient", "DraftReview", "DraftSource", "DraftState", "DraftVersion", "RecipientRole",
    "ReviewRoute", "ReviewRouteStep", "ReviewStage", "ReviewStatus",
]
