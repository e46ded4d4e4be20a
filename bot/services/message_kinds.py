"""The kinds of outbox message the green channel queues (each row's `kind`: what it is, who may get it when)."""

from __future__ import annotations

CALL = "green.call"


CALL_SNOOZE = "green.call_snooze"


NO_CONTACT = "green.no_contact"


MENTOR_DIGEST = "green.mentor_digest"


WEEKLY = "green.weekly"


ADMIN_DIGEST = "green.admin_digest"


UNREACHABLE = "green.unreachable"


PARENT_MESSAGE = "green.parent_msg"


ANSWER = "green.answer"
