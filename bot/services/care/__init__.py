"""Care use cases: check-ins, visits and follow-ups, pairing, buddies, boarding, enrolment, the timeline; one
module each, named here as one surface for the care flows' handlers.

Every read or change of a child's records is authorised through `may` and audited (actions "care.*").
"""

from bot.services.access import authorised_child
from bot.services.care.boarding import boarding_list, decide_boarding, request_boarding
from bot.services.care.checkins import CheckinSaved, answer_concern, flagged_checkins, save_checkin
from bot.services.care.common import AlreadyDone, InvalidChange, child_for_care, quick_picks, search_for_care, today
from bot.services.care.enrolment_events import current_status, enrolment, record_enrolment
from bot.services.care.overview import TimelineEntry, overdue, summaries, timeline
from bot.services.care.pairings import (
    buddy_of,
    child_for_pairing,
    end_buddy,
    pair,
    set_buddy,
    staff_for_pairing,
    unpair,
)
from bot.services.care.visits import FollowupDraft, complete_followup, my_followups, save_visit

__all__ = [
    "AlreadyDone",
    "CheckinSaved",
    "FollowupDraft",
    "InvalidChange",
    "TimelineEntry",
    "answer_concern",
    "authorised_child",
    "boarding_list",
    "buddy_of",
    "child_for_care",
    "child_for_pairing",
    "complete_followup",
    "current_status",
    "decide_boarding",
    "end_buddy",
    "enrolment",
    "flagged_checkins",
    "my_followups",
    "overdue",
    "pair",
    "quick_picks",
    "record_enrolment",
    "request_boarding",
    "save_checkin",
    "save_visit",
    "search_for_care",
    "set_buddy",
    "staff_for_pairing",
    "summaries",
    "timeline",
    "today",
    "unpair",
]
