"""Keyboard builders and callback-data formats: short ASCII `area:action:id[:v]`, well under 64 bytes.

Every pattern is anchored; every callback re-checks authorisation, since ids come from the client.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Texts

MAX_CALLBACK_BYTES = 64

# Registration (/register): reg:p:<nonce>:<step>:<value> picks a choice, reg:s:<nonce>:<step> skips,
# reg:ok / reg:ed / reg:ef:<step> on the review, reg:dy / reg:dn for the duplicate question.
REGISTER_PICK = r"^reg:p:(\w+):(\d+):([\w-]+)$"
REGISTER_SKIP = r"^reg:s:(\w+):(\d+)$"
REGISTER_SAVE = r"^reg:ok:(\w+)$"
REGISTER_EDIT = r"^reg:ed:(\w+)$"
REGISTER_EDIT_FIELD = r"^reg:ef:(\w+):(\d+)$"
REGISTER_DUPLICATE = r"^reg:d([yn]):(\w+)$"
# reg:ss:<nonce>:<step> skips the rest of a section; reg:mo:<nonce> on the review goes on with the optional part.
REGISTER_SKIP_SECTION = r"^reg:ss:(\w+):(\d+)$"
REGISTER_MORE = r"^reg:mo:(\w+)$"
# Finding and viewing children.
CHILD_VIEW = r"^ch:v:(\d+)$"
CHILD_PAGE = r"^ch:pg:(\d+)$"
# Editing a card: ce:m:<child> shows the field menu, ce:f:<child>:<step> asks one field,
# ce:v:<child>:<step>:<value> sets a choice, ce:c:<child>:<step> clears an optional field.
CARD_EDIT_MENU = r"^ce:m:(\d+)$"
CARD_EDIT_FIELD = r"^ce:f:(\d+):(\d+)$"
CARD_EDIT_VALUE = r"^ce:v:(\d+):(\d+):([\w-]+)$"
CARD_EDIT_CLEAR = r"^ce:c:(\d+):(\d+)$"
# /mychildren pages.
MY_PAGE = r"^my:pg:(\d+)$"
# Invitations.
INVITE_KIND = r"^inv:k:(staff|guardian)$"
INVITE_ROLE = r"^inv:r:(\w+)$"
INVITE_CLASS = r"^inv:c:(\d+)$"
INVITE_CHILD = r"^inv:ch:(\d+)$"
INVITE_RELATION = r"^inv:rel:(\w+)$"
# The first question of a parent invitation: ivc:c:<nonce>:<child> (the class's children, packed by care_picker.offer).
INVITE_PICK = r"^ivc:c:(\w+):(\d{1,12})$"
# Language.
LANGUAGE = r"^lang:(zh_CN|en)$"
# Stats (/stats): st:v:<scope>[:<term>] shows a scope ("s", "g<grade>", "c<class>"), st:l:<list>:<scope>:<page>
# a list of children needing action, st:c:<scope> the chart. Export: ex:s:<scope> picks the scope, ex:g:<scope>:<period>
# builds the workbook. Import: imp:ok:<batch> / imp:no:<batch> confirm or cancel a checked file.
STATS_VIEW = r"^st:v:(s|[gc]\d{1,9})(?::(\d{4}-[12]))?$"  # optional term "2025-2" for the term figures
STATS_LIST = r"^st:l:(nog|unr|nom|ncs|ovd):(s|[gc]\d{1,9}):(\d{1,5})$"
STATS_CHART = r"^st:c:(s|[gc]\d{1,9})$"
EXPORT_SCOPE = r"^ex:s:(s|[gc]\d{1,9})$"
EXPORT_GO = r"^ex:g:(s|[gc]\d{1,9}):(d30|t0|t1|c)$"
IMPORT_CONFIRM = r"^imp:(ok|no):(\d{1,12})$"
# /stats in full: st:f:<scope>[:<term>] shows every figure with its explanation (st:v the key figures only).
STATS_FULL = r"^st:f:(s|[gc]\d{1,9})(?::(\d{4}-[12]))?$"
# Safety (issue 6). Concerns: cc:c:<child> picks the child, cc:ck:<checkin> starts from a flagged check-in,
# cc:n:<child> from the card, cc:k:<kind>, cc:w:<days ago>; on the alert cc:ack / cc:as / cc:cl:<concern>,
# cc:to:<concern>:<user> assigns, cc:oc:<concern>:<outcome> closes.
CONCERN_PICK = r"^cc:c:(\d{1,12})$"
CONCERN_FROM_CHECKIN = r"^cc:ck:(\d{1,12})$"
CONCERN_FROM_CARD = r"^cc:n:(\d{1,12})$"
CONCERN_KIND = r"^cc:k:(alone|missing|injured|abuse|guardian|other)$"
CONCERN_WHEN = r"^cc:w:([01])$"
CONCERN_ACK = r"^cc:ack:(\d{1,12})$"
CONCERN_ASSIGN = r"^cc:as:(\d{1,12})$"
CONCERN_ASSIGN_TO = r"^cc:to:(\d{1,12}):(\d{1,15})$"
CONCERN_CLOSE = r"^cc:cl:(\d{1,12})$"
CONCERN_OUTCOME = r"^cc:oc:(\d{1,12}):(school|guardian)$"
CONCERN_OUTCOME_NOTE = r"^cc:oc:(\d{1,12}):(police|civil|referred)$"
# Risk level from the card: rk:m:<child> shows the levels, rk:l:<child>:<level> asks the reason.
RISK_MENU = r"^rk:m:(\d{1,12})$"
RISK_LEVEL = r"^rk:l:(\d{1,12}):(high|medium|low)$"
# Mailbox: mb:new writes a new letter, mb:a:<ticket> answers in one's own ticket; counsellors: mb:t:<ticket> reads,
# mb:r:<ticket> replies, mb:x:<ticket> closes, mb:pg:<page> pages the open tickets.
MAILBOX_PREFIX = "mb:"  # every mailbox button; the inbox and the guard leave these unstored
MAILBOX_NEW = r"^mb:new$"
MAILBOX_ANSWER = r"^mb:a:(\d{1,12})$"
MAILBOX_TICKET = r"^mb:t:(\d{1,12})$"
MAILBOX_REPLY = r"^mb:r:(\d{1,12})$"
MAILBOX_CLOSE = r"^mb:x:(\d{1,12})$"
MAILBOX_PAGE = r"^mb:pg:(\d{1,5})$"
# Counselling: cs:v:<child> shows the records, cs:n:<child> records a session, cs:d:0 today, cs:skip, cs:sh:<0|1>.
COUNSEL_VIEW = r"^cs:v:(\d{1,12})$"
COUNSEL_NEW = r"^cs:n:(\d{1,12})$"
COUNSEL_TODAY = r"^cs:d:0$"
COUNSEL_SKIP = r"^cs:skip$"
COUNSEL_SHARE = r"^cs:sh:([01])$"
# Privacy: pv:ok:<child> guardian consents, pv:pp:<child> paper consent, pv:fx:<child> asks a correction,
# pv:rm:<child> / pv:rmy:<child> asks erasure (with confirmation), pv:er:<child> / pv:ery:<child> erases (admin),
# pv:no cancels a confirmation. Audit: au:v:<child>:<page>.
PRIVACY_CONSENT = r"^pv:ok:(\d{1,12})$"
PRIVACY_PAPER = r"^pv:pp:(\d{1,12})$"
PRIVACY_CORRECT = r"^pv:fx:(\d{1,12})$"
PRIVACY_REQUEST_ERASE = r"^pv:rm:(\d{1,12})$"
PRIVACY_REQUEST_ERASE_YES = r"^pv:rmy:(\d{1,12})$"
PRIVACY_ERASE = r"^pv:er:(\d{1,12})$"
PRIVACY_ERASE_YES = r"^pv:ery:(\d{1,12})$"
PRIVACY_NO = r"^pv:no$"
AUDIT_VIEW = r"^au:v:(\d{1,12}):(\d{1,5})$"
# Care (issue 3). Flows carry a nonce so buttons of an older flow are refused: <area>:c:<nonce>:<child> picks a
# child. Check-in: ci:ok all fine, ci:d rate each aspect, ci:r:<nonce>:<step>:<rating>, ci:sk skip the note,
# ci:w toggle the worry mark, ci:s save; cq:<checkin>:<y|n> answers "raise a concern?".
CHECKIN_PICK = r"^ci:c:(\w+):(\d{1,12})$"
CHECKIN_ACTION = r"^ci:(ok|d|sk|w|s):(\w+)$"
CHECKIN_RATE = r"^ci:r:(\w+):(\d):(\d{1,3})$"
CHECKIN_CONCERN = r"^cq:(\d{1,12}):([yn])$"
# Visit: vi:k:<nonce>:<kind>, vi:dt:<nonce>:<days ago>, vi:sk:<nonce> skip participants, vi:f:<nonce>:<y|n>
# follow-up or not, vi:due:<nonce>:<days ahead>, vi:s:<nonce> save. Follow-ups: fu:d:<id> done, fu:pg:<page>.
VISIT_PICK = r"^vi:c:(\w+):(\d{1,12})$"
VISIT_KIND = r"^vi:k:(\w+):(home_visit|phone_call|school_talk)$"
VISIT_DATE = r"^vi:dt:(\w+):([01])$"
VISIT_SKIP = r"^vi:sk:(\w+)$"
VISIT_FOLLOWUP = r"^vi:f:(\w+):([yn])$"
VISIT_DUE = r"^vi:due:(\w+):(\d{1,3})$"
VISIT_SAVE = r"^vi:s:(\w+)$"
FOLLOWUP_DONE = r"^fu:d:(\d{1,12})$"
FOLLOWUP_PAGE = r"^fu:pg:(\d{1,5})$"
# Pairing (admin): pa:c:<nonce>:<child>, pa:m:<nonce>:<mentor>, pa:cd:<nonce>:<days>, pa:end:<nonce>.
PAIR_PICK = r"^pa:c:(\w+):(\d{1,12})$"
PAIR_MENTOR = r"^pa:m:(\w+):(\d{1,15})$"
PAIR_CADENCE = r"^pa:cd:(\w+):(\d{1,3})$"
PAIR_END = r"^pa:end:(\w+)$"
# Buddies (head teacher): bu:c:<nonce>:<child>, bu:end:<nonce>.
BUDDY_PICK = r"^bu:c:(\w+):(\d{1,12})$"
BUDDY_END = r"^bu:end:(\w+)$"
# Boarding: bo:rq:<child> from the card, bo:y:<request> / bo:n:<request> decide (admin), bo:pg:<page>.
BOARDING_REQUEST = r"^bo:rq:(\d{1,12})$"
BOARDING_DECIDE = r"^bo:([yn]):(\d{1,12})$"
BOARDING_PAGE = r"^bo:pg:(\d{1,5})$"
# Enrolment: en:v:<child> shows the history, en:s:<child>:<status> starts a change, then en:dt:<nonce> (today),
# en:sk:<nonce> (no reason), en:ok:<nonce> (save).
ENROL_VIEW = r"^en:v:(\d{1,12})$"
ENROL_START = r"^en:s:(\d{1,12}):(enrolled|transferred|graduated|dropped_out)$"
ENROL_ACTION = r"^en:(dt|sk|ok):(\w+)$"
# A child's timeline: tl:<child>:<page>.
TIMELINE = r"^tl:(\d{1,12}):(\d{1,5})$"
# Green channel. gc:<child>:<slot minutes>:<c|n|s> answers a family-call reminder (called / couldn't get through /
# snooze); /callplan: gp:c:<child>, then gp:r:<w0..w6|i|off>; /parentnote: gn:c:<child>; gw:w a parent starts a
# message to the head teacher, gw:a:<message> a head teacher answers it; gs:m / gs:<setting>[:<language>] settings.
CALL_ANSWER = r"^gc:(\d{1,12}):(\d{1,12}):([cns])$"
CALL_PLAN_CHILD = r"^gp:c:(\d{1,12})$"
CALL_PLAN_RHYTHM = r"^gp:r:(w[0-6]|i|off)$"
PARENT_NOTE_CHILD = r"^gn:c:(\d{1,12})$"
GREEN_WRITE = r"^gw:w$"
GREEN_ANSWER = r"^gw:a:(\d{1,12})$"
GREEN_SETTINGS_MENU = r"^gs:m$"
GREEN_SETTINGS_SET = r"^gs:(lang|pause|resume|stop|start)(?::(zh_CN|en))?$"


def data(*parts: object) -> str:
    """Joins callback-data parts; refuses anything Telegram would reject."""
    value = ":".join(str(p) for p in parts)
    if len(value.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError("callback data over 64 bytes")
    return value


def button(text: str, *parts: object) -> InlineKeyboardButton:
    # Button labels are plain text (no parse mode), but they come from t(), which escapes names for HTML:
    # undo that, or a child called "A&B" shows up as "A&amp;B" on the button.
    return InlineKeyboardButton(html.unescape(text), callback_data=data(*parts))


def rows(buttons: Sequence[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def grid(
    buttons: Sequence[InlineKeyboardButton], columns: int = 2, *extra_rows: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*rows(buttons, columns), *[r for r in extra_rows if r]])


def pager(texts: Texts, prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    """A row of previous / next buttons for page `page` (0-based) of `pages`; empty when one page."""
    row = []
    if page > 0:
        row.append(button(texts.t("button.prev"), prefix, "pg", page - 1))
    if page + 1 < pages:
        row.append(button(texts.t("button.next"), prefix, "pg", page + 1))
    return row


def language_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    return grid([button(texts.t("language.zh_CN"), "lang", "zh_CN"), button(texts.t("language.en"), "lang", "en")])
