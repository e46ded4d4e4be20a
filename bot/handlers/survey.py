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

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import surveys as rules
from bot.domain.messages import Outgoing
from bot.domain.roles import Access, may_do
from bot.domain.validation import InvalidInput
from bot.handlers.care_picker import new_nonce, pressed
from bot.handlers.common import BotContext, answer, conversation, end_flow, enter_flow, refuse, reply
from bot.services import AccessDenied, NotFound
from bot.services import surveys as service
from bot.texts import Texts
from bot.views import surveys as view

FLOW = DRAFT = "survey"
TEMPLATE, COMPOSE, AUDIENCE, PREVIEW = range(4)
OWN = "own"


async def menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.SEND_SURVEY):
        await reply(update, texts.t("access.denied"))
        return
    buttons = [kb.button(texts.t("survey.new"), bt.SurveyNew()), kb.button(texts.t("survey.list"), bt.SurveyList())]
    await reply(update, texts.t("survey.menu"), kb.grid(buttons, 1))


def _picks(texts: Texts, nonce: str, step: int, options: list[tuple[str, str]]) -> Any:
    return kb.grid([kb.button(label, bt.SurveyPick(nonce, step, value)) for value, label in options], 1)


async def new(update: Update, context: BotContext) -> int:
    await answer(update)
    actor = await context.actor(update)
    if not await enter_flow(update, context, FLOW, allowed=may_do(actor, Access.SEND_SURVEY)):
        return ConversationHandler.END
    texts = await context.texts(update)
    nonce = new_nonce()
    context.draft[DRAFT] = {"nonce": nonce, "stage": str(TEMPLATE)}
    options = [(name, texts.t(f"survey.{name}.title")) for name in rules.TEMPLATES] + [(OWN, texts.t("survey.own"))]
    await reply(update, texts.t("survey.ask_template"), _picks(texts, nonce, TEMPLATE, options))
    return TEMPLATE


async def _ask_audience(update: Update, context: BotContext, texts: Texts) -> int:
    draft = context.draft[DRAFT]
    actor = await context.actor(update)
    found = await service.audiences(context.services, actor)
    draft["stage"] = str(AUDIENCE)
    options = [(a.code, texts.t(key, **values)) for a in found for key, values in (a.label,)]
    await reply(update, texts.t("survey.ask_audience"), _picks(texts, draft["nonce"], AUDIENCE, options))
    return AUDIENCE


async def picked(update: Update, context: BotContext) -> int:
    button = bt.SurveyPick.of(update)
    draft = await pressed(update, context, DRAFT, button.nonce, stage=str(button.step))
    if draft is None:
        return ConversationHandler.END if context.draft.get(DRAFT) is None else int(context.draft[DRAFT]["stage"])
    texts = await context.texts(update)
    if button.step == TEMPLATE:
        if button.value in rules.TEMPLATES:
            draft["template"] = button.value
            return await _ask_audience(update, context, texts)
        draft["stage"] = str(COMPOSE)
        await reply(update, texts.t("survey.ask_text", questions=rules.MAX_QUESTIONS, choices=rules.MAX_CHOICES))
        return COMPOSE
    actor = await context.actor(update)
    try:
        chosen = await service.audience(context.services, actor, button.value)
        requests = await service.count(context.services, actor, button.value)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return AUDIENCE
    draft["audience"] = button.value
    draft["stage"] = str(PREVIEW)
    key, values = chosen.label
    title = texts.t(f"survey.{draft['template']}.title") if draft.get("template") else draft.get("title", "")
    text = texts.t(
        "survey.preview",
        title=title,
        audience=texts.t(key, **values),
        requests=requests,
        questions=len(draft["questions"]) if "questions" in draft else len(rules.TEMPLATES[draft["template"]]),
    )
    go = kb.grid([kb.button(texts.t("survey.send"), bt.SurveyAction("go", draft["nonce"]))], 1)
    await reply(update, text, go)
    return PREVIEW


async def composed(update: Update, context: BotContext) -> int:
    """A questionnaire typed in one message (title, then each question and its choices)."""
    texts = await context.texts(update)
    draft = context.draft.get(DRAFT)
    if draft is None or update.message is None or update.message.text is None:
        await reply(update, texts.t("flow.cleared"))
        return end_flow(context, DRAFT)
    try:
        title, questions = rules.parse_typed(update.message.text)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason, questions=rules.MAX_QUESTIONS, choices=rules.MAX_CHOICES))
        return COMPOSE
    draft["title"] = title
    draft["questions"] = [[q.code, list(q.choices)] for q in questions]
    return await _ask_audience(update, context, texts)


async def action(update: Update, context: BotContext) -> int:
    button = bt.SurveyAction.of(update)
    draft = await pressed(update, context, DRAFT, button.nonce, stage=str(PREVIEW))
    if draft is None:
        return ConversationHandler.END if context.draft.get(DRAFT) is None else int(context.draft[DRAFT]["stage"])
    texts = await context.texts(update)
    actor = await context.actor(update)
    typed = (draft.get("title", ""), tuple(rules.Question(q, tuple(c)) for q, c in draft.get("questions", ())))
    try:
        _survey_id, requests = await service.send(
            context.services, actor, draft["audience"], draft.get("template"), typed
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return end_flow(context, DRAFT)
    if not requests:
        await reply(update, texts.t("survey.nobody"))
        return end_flow(context, DRAFT)
    hours = int(service.REMIND_AFTER.total_seconds() // 3600)
    await reply(update, texts.t("survey.sent", requests=requests, hours=hours))
    return end_flow(context, DRAFT)


# --- following a questionnaire ------------------------------------------------------------------------------


async def sent_list(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        found = await service.sent(context.services, actor)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    if not found:
        await reply(update, texts.t("survey.none_sent"))
        return
    tz = context.services.config.school.timezone
    buttons = [
        kb.button(
            texts.t(
                "survey.list_item",
                date=survey.created_at.astimezone(tz).date().isoformat(),
                title=view.plain_title(texts, survey),
                answered=answered,
                asked=asked,
            ),
            bt.SurveyStatus(survey.id),
        )
        for survey, asked, answered in found
    ]
    await reply(update, texts.t("survey.list_head"), kb.grid(buttons, 1))


async def status(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    survey_id = bt.SurveyStatus.of(update).survey
    try:
        survey, classes, counts = await service.status(context.services, actor, survey_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="survey.gone")
        return
    sheet = kb.grid([kb.button(texts.t("survey.sheet_button"), bt.SurveySheet(survey_id))], 1)
    await reply(update, view.status_text(texts, survey, classes, counts), sheet)


async def sheet(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        name, content = await view.sheet(context.services, actor, bt.SurveySheet.of(update).survey, texts)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="survey.gone")
        return
    assert update.effective_chat is not None
    await context.bot.send_document(update.effective_chat.id, InputFile(content, filename=name))


async def county(update: Update, context: BotContext) -> None:
    """The county office's /stats: the re-screening answers of every school, small counts hidden."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
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


async def answered(update: Update, context: BotContext) -> None:
    button = bt.SurveyAnswer.of(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
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


async def decided(update: Update, context: BotContext) -> None:
    button = bt.SurveyDecide.of(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
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
    pick = CallbackQueryHandler(picked, pattern=bt.SurveyPick.pattern)
    return [
        conversation(
            name=FLOW,
            entry_points=[CallbackQueryHandler(new, pattern=bt.SurveyNew.pattern)],
            states={
                TEMPLATE: [pick],
                COMPOSE: [MessageHandler(filters.TEXT & ~filters.COMMAND, composed)],
                AUDIENCE: [pick],
                PREVIEW: [CallbackQueryHandler(action, pattern=bt.SurveyAction.pattern)],
            },
            draft_keys=(DRAFT,),
            timeout_minutes=timeout_minutes,
            hint_key="survey.hint",
        )
    ]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("survey", menu),
        CallbackQueryHandler(sent_list, pattern=bt.SurveyList.pattern),
        CallbackQueryHandler(status, pattern=bt.SurveyStatus.pattern),
        CallbackQueryHandler(sheet, pattern=bt.SurveySheet.pattern),
        CallbackQueryHandler(county, pattern=bt.SurveyCounty.pattern),
        CallbackQueryHandler(answered, pattern=bt.SurveyAnswer.pattern),
        CallbackQueryHandler(decided, pattern=bt.SurveyDecide.pattern),
    ]
