"""A child's timeline (card → "timeline"), the care buttons on the card, and the care line of /mychildren."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, Message, Update

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may
from bot.handlers.common import BotContext, edit_or_reply, pressed, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, Services
from bot.services import care as care_service
from bot.services.care import TimelineEntry
from bot.services.records import CareSummary, Checkin
from bot.texts import Raw, Texts

ROUTES = Routes()
PAGE_SIZE = 8
TIMELINE_MARK = "\N{CLOCK FACE THREE OCLOCK}"  # the first character of the timeline's header


def card_rows(texts: Texts, actor: Actor, child: Child) -> list[list[InlineKeyboardButton]]:
    """The care buttons under a contact card, for whoever may use them."""
    scope = child.scope
    rows: list[list[InlineKeyboardButton]] = []
    if may(actor, Access.LOG_CARE, scope):
        rows.append([kb.button(texts.t("care.timeline_button"), bt.Timeline(child.id, 0))])
    if may(actor, Access.EDIT_CARD, scope):
        row = [kb.button(texts.t("care.enrol_button"), bt.EnrolView(child.id))]
        if child.boarding == "no":
            row.append(kb.button(texts.t("care.boarding_request_button"), bt.BoardingRequest(child.id)))
        rows.append(row)
    return rows


def _when(services: Services, moment: datetime) -> str:
    return moment.astimezone(services.config.school.timezone).strftime("%Y-%m-%d %H:%M")


def _checkin_text(texts: Texts, checkin: Checkin) -> str:
    if checkin.quick:
        text = texts.t("care.tl.checkin_fine")
    else:
        parts = [
            texts.t(
                "care.checkin_line",
                aspect=texts.t(f"care.aspect.{aspect}"),
                rating=texts.t(f"care.rating.{getattr(checkin.ratings, aspect)}"),
            )
            for aspect in ("study", "life", "mood", "health")
        ]
        text = texts.t("care.tl.checkin", summary=Raw(texts.t("care.my_separator").join(parts)))
    if checkin.worry:
        text += texts.t("care.tl.worry")
    if checkin.note:
        text += texts.t("care.tl.note", note=checkin.note)
    if checkin.voice_file_id:
        text += texts.t("care.tl.voice")
    return text


def render_entry(texts: Texts, entry: TimelineEntry) -> str:
    """One entry's description (without who and when)."""
    d: dict[str, Any] = entry.details
    if entry.kind == "checkin":
        return _checkin_text(texts, d["checkin"])
    if entry.kind == "visit":
        visit = d["visit"]
        text = texts.t(
            "care.tl.visit",
            kind=texts.raw(f"care.kind.{visit.kind}"),
            date=visit.visit_date.isoformat(),
            notes=visit.notes,
        )
        if visit.participants:
            text += texts.t("care.tl.participants", participants=visit.participants)
        return text
    if entry.kind == "followup_done":
        return texts.t("care.tl.followup_done", action=d["followup"].action)
    if entry.kind == "pairing":
        return texts.t("care.tl.pairing", mentor=d["pairing"].mentor_name, days=d["pairing"].cadence_days)
    if entry.kind == "pairing_end":
        return texts.t("care.tl.pairing_end", mentor=d["pairing"].mentor_name)
    if entry.kind == "buddy":
        buddy = d["buddy"]
        text = texts.t("care.tl.buddy", buddy=buddy.buddy_name)
        if buddy.ended_on:
            text += texts.t("care.tl.buddy_ended", date=buddy.ended_on.isoformat())
        return text
    if entry.kind == "activity":
        activity = d["activity"]
        text = texts.t("activity.tl", kind=texts.t(f"activity.kind.{activity.kind}"), date=activity.held_on.isoformat())
        return text + (texts.t("activity.tl_photo") if activity.photo else "")
    if entry.kind.startswith("boarding_"):
        return texts.t(f"care.tl.{entry.kind}")
    event = d["event"]
    reason = texts.t("care.enrol_reason", reason=event.reason) if event.reason else ""
    return texts.t(
        "care.tl.enrolment",
        status=texts.raw(f"care.enrol_status.{event.status}"),
        date=event.effective_date.isoformat(),
        reason=Raw(reason),
    )


@ROUTES.button(bt.Timeline)
async def show(update: Update, context: BotContext) -> None:
    """tl:<child>:<page>: one page of the timeline, newest first (access re-checked on every page)."""
    texts, actor, button = await pressed(update, context, bt.Timeline)
    child_id, page = button.child, button.page
    try:
        child, entries, total = await care_service.timeline(
            context.services, actor, child_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    except AccessDenied:
        await reply(update, texts.t("access.child_denied"))
        return
    except NotFound:
        await reply(update, texts.t("card.gone"))
        return
    if total == 0:
        await reply(update, texts.t("care.timeline_none", name=child.name))
        return
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if page >= pages:
        page = pages - 1
        child, entries, total = await care_service.timeline(
            context.services, actor, child_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    blocks = [texts.t("care.timeline_header", name=child.name, total=total)]
    for entry in entries:
        blocks.append(
            texts.t(
                "care.timeline_entry",
                when=_when(context.services, entry.at),
                who=entry.who or texts.t("care.timeline_nobody"),
                what=Raw(render_entry(texts, entry)),
            )
        )
    if pages > 1:
        blocks.append(texts.t("page.indicator", page=page + 1, pages=pages))
    nav = []
    if page > 0:
        nav.append(kb.button(texts.t("button.prev"), bt.Timeline(child_id, page - 1)))
    if page + 1 < pages:
        nav.append(kb.button(texts.t("button.next"), bt.Timeline(child_id, page + 1)))
    markup = kb.grid([], 1, nav)
    text = "\n\n".join(blocks)
    # Paging within the timeline edits it in place; the card's button opens a new message under the card.
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message) and (message.text or "").startswith(TIMELINE_MARK):
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


def care_line(services: Services, texts: Texts, summary: CareSummary | None) -> str:
    """The second line of a child in /mychildren: mentor, last check-in, last visit, overdue."""
    if summary is None:
        return ""
    zone = services.config.school.timezone
    parts = []
    if summary.enrolment != "enrolled":
        parts.append(texts.t("care.my_left", status=texts.raw(f"care.enrol_status.{summary.enrolment}")))
    if care_service.overdue(services, summary):
        parts.append(texts.t("care.my_overdue"))
    parts.append(
        texts.t("care.my_mentor", mentor=summary.mentor_name) if summary.mentor_id else texts.t("care.my_no_mentor")
    )
    if summary.last_checkin_at:
        parts.append(texts.t("care.my_checkin", date=summary.last_checkin_at.astimezone(zone).strftime("%m-%d")))
    else:
        parts.append(texts.t("care.my_no_checkin"))
    if summary.last_visit_date:
        parts.append(texts.t("care.my_visit", date=summary.last_visit_date.strftime("%m-%d")))
    else:
        parts.append(texts.t("care.my_no_visit"))
    return texts.t("care.my_line", parts=Raw(texts.t("care.my_separator").join(parts)))


handlers = ROUTES.handlers
