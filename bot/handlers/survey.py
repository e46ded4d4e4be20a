"""/survey: an admin or a head teacher sends a short choice questionnaire (the termly re-screening, or one typed
in the chat) to head teachers about each child or to a class's families, and follows who has answered; the
respondents answer by buttons; the head teacher confirms or declines what a re-screening would change.

Callback data (bot/buttons/surveys.py; ids come from the client: the services re-check the policy or the
respondent):
  sv:new  sv:list                    write a questionnaire / the ones sent
  sv:p:<nonce>:<step>:<value>        the questionnaire (ready or typed), the audience
  sv:go:<nonce>                      send
  sv:s:<survey>  sv:x:<survey>       who has not answered, the counts / the answers as a sheet
  sa:<request>:<question>:<choice>   one answer
  sd:<proposal>:<1|0>                confirm / decline a change to the card
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import surveys as rules
from bot.domain.messages import Outgoing
from bot.domain.roles import Access
from bot.domain.validation import InvalidInput
from bot.handlers.common import BotContext, answer, fetch_one, refuse, reply, show_sent
from bot.handlers.flow import Draft, Flow, at_step
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied, NotFound
from bot.services import surveys as service
from bot.texts import Texts
from bot.views import surveys as view

ROUTES = Routes()


@dataclass(kw_only=True)
class SurveyDraft(Draft):
    """The questionnaire being sent: a ready one (`template`) or one typed (its title and questions, each a code
    and its choices), and its audience."""

    template: str | None = None
    title: str = ""
    questions: list[list[Any]] | None = None
    audience: str | None = None


FLOW = Flow("survey", SurveyDraft, "survey")
TEMPLATE, COMPOSE, AUDIENCE, PREVIEW = range(4)
OWN = "own"


@ROUTES.command("survey")
@requires(Access.SEND_SURVEY)
async def menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    buttons = [kb.button(texts.t("survey.new"), bt.SurveyNew()), kb.button(texts.t("survey.list"), bt.SurveyList())]
    await reply(update, texts.t("survey.menu"), kb.grid(buttons, 1))


def _picks(texts: Texts, nonce: str, step: int, options: list[tuple[str, str]]) -> Any:
    return kb.grid([kb.button(label, bt.SurveyPick(nonce, step, value)) for value, label in options], 1)


async def new(update: Update, context: BotContext) -> int:
    await answer(update)
    draft = SurveyDraft()
    if not await FLOW.begin(update, context, draft, access=Access.SEND_SURVEY):
        return ConversationHandler.END
    texts = await context.texts(update)
    options = [(name, texts.t(f"survey.{name}.title")) for name in rules.TEMPLATES] + [(OWN, texts.t("survey.own"))]
    await reply(update, texts.t("survey.ask_template"), _picks(texts, draft.nonce, TEMPLATE, options))
    return TEMPLATE


async def _ask_audience(update: Update, context: BotContext, texts: Texts, draft: SurveyDraft) -> int:
    found = await service.audiences(context.services, await context.actor(update))
    options = [(a.code, texts.t(key, **values)) for a in found for key, values in (a.label,)]
    await reply(update, texts.t("survey.ask_audience"), _picks(texts, draft.nonce, AUDIENCE, options))
    return AUDIENCE


async def template_picked(update: Update, context: BotContext, draft: SurveyDraft, button: bt.SurveyPick) -> int:
    texts = await context.texts(update)
    if button.value in rules.TEMPLATES:
        draft.template = button.value
        return await _ask_audience(update, context, texts, draft)
    await reply(update, texts.t("survey.ask_text", questions=rules.MAX_QUESTIONS, choices=rules.MAX_CHOICES))
    return COMPOSE


async def audience_picked(update: Update, context: BotContext, draft: SurveyDraft, button: bt.SurveyPick) -> int:
    texts, actor = await context.caller(update)
    try:
        chosen = await service.audience(context.services, actor, button.value)
        requests = await service.count(context.services, actor, button.value)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return AUDIENCE
    draft.audience = button.value
    key, values = chosen.label
    title = texts.t(f"survey.{draft.template}.title") if draft.template else draft.title
    questions = draft.questions if draft.questions is not None else rules.TEMPLATES[draft.template or ""]
    text = texts.t(
        "survey.preview", title=title, audience=texts.t(key, **values), requests=requests, questions=len(questions)
    )
    go = kb.grid([kb.button(texts.t("survey.send"), bt.SurveyAction("go", draft.nonce))], 1)
    await reply(update, text, go)
    return PREVIEW


async def composed(update: Update, context: BotContext, draft: SurveyDraft) -> int:
    """A questionnaire typed in one message (title, then each question and its choices)."""
    texts = await context.texts(update)
    assert update.message is not None and update.message.text is not None
    try:
        title, questions = rules.parse_typed(update.message.text)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason, questions=rules.MAX_QUESTIONS, choices=rules.MAX_CHOICES))
        return COMPOSE
    draft.title = title
    draft.questions = [[q.code, list(q.choices)] for q in questions]
    return await _ask_audience(update, context, texts, draft)


async def send(update: Update, context: BotContext, draft: SurveyDraft, button: bt.SurveyAction) -> int:
    texts, actor = await context.caller(update)
    assert draft.audience is not None
    typed = (draft.title, tuple(rules.Question(q, tuple(c)) for q, c in draft.questions or ()))
    try:
        _survey_id, requests = await service.send(context.services, actor, draft.audience, draft.template, typed)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return FLOW.end(context)
    if not requests:
        await reply(update, texts.t("survey.nobody"))
        return FLOW.end(context)
    hours = int(service.REMIND_AFTER.total_seconds() // 3600)
    await reply(update, texts.t("survey.sent", requests=requests, hours=hours))
    return FLOW.end(context)


# --- following a questionnaire ------------------------------------------------------------------------------


@ROUTES.button(bt.SurveyList)
async def sent_list(update: Update, context: BotContext) -> None:
    tz = context.services.config.school.timezone

    def item(texts: Texts, found: tuple[service.Survey, int, int]) -> InlineKeyboardButton:
        survey, asked, answered = found
        date = survey.created_at.astimezone(tz).date().isoformat()
        title = view.plain_title(texts, survey)
        text = texts.t("survey.list_item", date=date, title=title, answered=answered, asked=asked)
        return kb.button(text, bt.SurveyStatus(survey.id))

    await show_sent(update, context, service.sent, item, head="survey.list_head", none="survey.none_sent")


@ROUTES.button(bt.SurveyStatus)
async def status(update: Update, context: BotContext) -> None:
    fetched = await fetch_one(update, context, service.status, bt.SurveyStatus.of(update).survey, gone="survey.gone")
    if fetched is None:
        return
    texts, (survey, classes, counts) = fetched
    sheet = kb.grid([kb.button(texts.t("survey.sheet_button"), bt.SurveySheet(survey.id))], 1)
    await reply(update, view.status_text(texts, survey, classes, counts), sheet)


@ROUTES.button(bt.SurveySheet)
async def sheet(update: Update, context: BotContext) -> None:
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        name, content = await view.sheet(context.services, actor, bt.SurveySheet.of(update).survey, texts)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="survey.gone")
        return
    assert update.effective_chat is not None
    await context.bot.send_document(update.effective_chat.id, InputFile(content, filename=name))


@ROUTES.button(bt.SurveyCounty)
async def county(update: Update, context: BotContext) -> None:
    """The county office's /stats: the re-screening answers of every school, small counts hidden."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        text = await view.county_text(context.services, actor, texts)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    await reply(update, text)


# --- respondents ---------------------------------------------------------------------------------------------


def _markup(out: Outgoing) -> InlineKeyboardMarkup | None:
    if not out.markup:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
         for row in out.markup["inline_keyboard"]]
    )  # fmt: skip


@ROUTES.button(bt.SurveyAnswer)
async def answered(update: Update, context: BotContext) -> None:
    button = bt.SurveyAnswer.of(update)
    texts, actor = await context.caller(update)
    try:
        done = await service.answer(context.services, actor, button.request, button.question, button.choice)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="survey.gone", alert=True)
        return
    if done.outcome in ("again", "gone"):
        await answer(update, texts.t(f"survey.{done.outcome}"), alert=True)
        return
    await answer(update)
    if done.ask is not None:
        out = context.services.render(done.ask)
        await reply(update, out.text, _markup(out))
        return
    await reply(update, texts.t("survey.thanks"))
    for note in done.proposals:
        out = context.services.render(note)
        await reply(update, out.text, _markup(out))


@ROUTES.button(bt.SurveyDecide)
async def decided(update: Update, context: BotContext) -> None:
    button = bt.SurveyDecide.of(update)
    texts, actor = await context.caller(update)
    try:
        outcome, child = await service.decide(context.services, actor, button.proposal, bool(button.confirm))
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="survey.gone", alert=True)
        return
    if outcome == "again":
        await answer(update, texts.t("survey.decided_already"), alert=True)
        return
    await answer(update)
    await reply(update, texts.t("survey.confirmed" if button.confirm else "survey.declined", child=child))


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        FLOW.conversation(
            entry_points=[CallbackQueryHandler(new, pattern=bt.SurveyNew.pattern)],
            states={
                TEMPLATE: [FLOW.on_button(bt.SurveyPick, template_picked, check=at_step(TEMPLATE))],
                COMPOSE: [FLOW.on_text(filters.TEXT & ~filters.COMMAND, composed)],
                AUDIENCE: [FLOW.on_button(bt.SurveyPick, audience_picked, check=at_step(AUDIENCE))],
                PREVIEW: [FLOW.on_button(bt.SurveyAction, send)],
            },
            timeout_minutes=timeout_minutes,
            hint_key="survey.hint",
        )
    ]


handlers = ROUTES.handlers
