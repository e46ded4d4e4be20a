"""Care activities (关爱活动): the kinds a school holds, and the limits of one record."""

from __future__ import annotations

from enum import StrEnum


class ActivityKind(StrEnum):
    BIRTHDAY = "birthday"  # a birthday party
    GROUP = "group"  # group counselling
    VIDEO_CALL = "video_call"  # a video call home
    SAFETY = "safety"  # a safety or law lesson
    HOME = "home"  # an afternoon at the 留守儿童之家
    OTHER = "other"


MAX_CHILDREN = 200  # one activity's participants: a whole grade at most
