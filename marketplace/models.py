"""Imports every model so that the metadata holds the whole schema."""

from listings.models import Listing, Need  # noqa: F401,E402
from marketplace.accounts.models import ApiToken, SignupRequest, User, UserSession  # noqa: F401
from marketplace.admin.models import ReviewRequest  # noqa: F401
from marketplace.documents.models import Document  # noqa: F401
from marketplace.engagements.models import (  # noqa: F401
    Consent,
    Engagement,
    EngagementChange,
    EngagementMessage,
    EngagementRead,
    Review,
)
from marketplace.events.models import (  # noqa: F401
    Event,
    EventSlot,
    Exclusion,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Outcome,
    Participant,
)
from marketplace.mail.models import OutboxMessage  # noqa: F401
from marketplace.notifications.models import Notification  # noqa: F401
from marketplace.organizations.models import (  # noqa: F401
    Invitation,
    Membership,
    Organization,
    VerificationDecision,
)
from marketplace.recommendations.models import Impression  # noqa: F401
from marketplace.search.models import (  # noqa: F401,E402
    SavedSearch,
    SearchDocument,
    SearchOutboxEntry,
)
