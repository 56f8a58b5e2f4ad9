"""Who checks participants in and who records a meeting's outcome."""
from __future__ import annotations

from registry.accounts.permissions import rule

from ..permissions import acts_for, organizes

CHECK_IN = rule("events.check_in", organizes)
# Either side of the meeting (those who act for it) and the event's organizers, who act for every participant.
RECORD_OUTCOME = rule("events.record_outcome", lambda user, request: acts_for(user, request.requester) or acts_for(user, request.counterpart))
