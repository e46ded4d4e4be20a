"""/export: choose a scope (admins any, head teachers their class) and a period, get the county's .xlsx."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from telegram import InputFile, Update

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.stats import VISIT_WINDOW_DAYS, DateRange, Scope, last_days, may_use_reports, parse_range, term_of
from bot.handlers.common import BotContext, answer, command_args, edit_or_reply, refuse, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import stats as stats_service
from bot.texts import Texts
from bot.views import stats as stats_view

ROUTES = Routes()
RANGE_KEY = "export_range"  # a typed period (/export 2026-02-01 2026-02-28), kept for the period buttons


@ROUTES.command("export")
async def export_command(update: Update, context: BotContext) -> None:
    """Asks for the scope; an optional typed period is checked first and offered as a choice later."""
    texts, actor = await context.caller(update)
    if not may_use_reports(actor):
        await reply(update, texts.t("export.denied"))
        return
    typed = command_args(context)
    if typed:
        period = parse_range(typed, today=stats_service.local_today(context.services))
        if period is None:
            await reply(update, texts.t("export.bad_range"))
            return
        context.draft[RANGE_KEY] = [period.start.isoformat(), period.end.isoformat()]
    else:
        context.draft.pop(RANGE_KEY, None)
    buttons = []
    for scope, label in await stats_service.export_scopes(context.services, actor):
        if scope.kind == "county":
            name = stats_view.scope_title(texts, context.services, scope, label)
        else:
            name = label or texts.t("export.scope_school")
        buttons.append(kb.button(name, bt.ExportScope(scope.encode())))
    await reply(update, texts.t("export.choose_scope"), kb.grid(buttons, 3))


def _periods(texts: Texts, context: BotContext, today: date) -> list[tuple[str, str, DateRange]]:
    """(code, button label, range) of the periods offered."""
    term = term_of(today)
    current = DateRange(term.start, min(term.end, today))
    previous = term.previous()
    options = [
        ("d30", texts.t("export.period_days", days=VISIT_WINDOW_DAYS), last_days(today, VISIT_WINDOW_DAYS)),
        ("t0", texts.t("export.period_term"), current),
        ("t1", texts.t("export.period_last_term"), DateRange(previous.start, previous.end)),
    ]
    typed = context.draft.get(RANGE_KEY)
    if typed:
        period = DateRange(date.fromisoformat(typed[0]), date.fromisoformat(typed[1]))
        options.insert(0, ("c", texts.t("export.period_typed", start=typed[0], end=typed[1]), period))
    return options


@ROUTES.button(bt.ExportScope)
async def pick_scope(update: Update, context: BotContext) -> None:
    """A scope button: check it, then ask for the period of the care records."""
    await answer(update)
    texts = await context.texts(update)
    scope = Scope.parse(bt.ExportScope.of(update).scope)
    actor = await context.actor(update)
    if scope is None or not await stats_service.may_see_scope(context.services, actor, scope):
        await reply(update, texts.t("export.denied"))
        return
    if await stats_service.figures_only(context.services, actor, scope):
        await _figures(update, context, texts, scope)
        return
    today = stats_service.local_today(context.services)
    buttons = [
        kb.button(
            texts.t("export.period_button", label=label, start=p.start.isoformat(), end=p.end.isoformat()),
            bt.ExportGo(scope.encode(), code),
        )
        for code, label, p in _periods(texts, context, today)
    ]
    await edit_or_reply(update, texts.t("export.choose_period"), kb.grid(buttons, 1))


@ROUTES.button(bt.ExportGo)
async def generate(update: Update, context: BotContext) -> None:
    """Builds the workbook (off the event loop) and sends it as a document; the export is audited."""
    await answer(update)
    texts = await context.texts(update)
    button = bt.ExportGo.of(update)
    scope = Scope.parse(button.scope)
    code = button.period
    actor = await context.actor(update)
    today = stats_service.local_today(context.services)
    chosen = [p for c, _, p in _periods(texts, context, today) if c == code]
    if scope is None or not chosen:
        await reply(update, texts.t("export.stale"))
        return
    period = chosen[0]
    await _send(
        update,
        texts,
        stats_view.export(context.services, actor, scope, period, texts),
        lambda count: texts.t(
            "export.caption", count=count, start=period.start.isoformat(), end=period.end.isoformat()
        ),
    )


async def _figures(update: Update, context: BotContext, texts: Texts, scope: Scope) -> None:
    """The county office's workbook: the figures alone, no period to choose (no care records, no names)."""
    actor = await context.actor(update)
    await _send(
        update,
        texts,
        stats_view.county_export(context.services, actor, scope, texts),
        lambda count: texts.t("stats.county.export_caption", count=count),
    )


async def _send(
    update: Update, texts: Texts, workbook: Awaitable[tuple[str, bytes, int]], caption: Callable[[int], str]
) -> None:
    """Says the workbook is being made, makes it (file name, content, what it counts) and sends it with its
    `caption`; a refusal, or a scope gone, is said instead."""
    await edit_or_reply(update, texts.t("export.working"))
    try:
        file_name, content, count = await workbook
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="export.denied", gone="stats.gone")
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(InputFile(content, filename=file_name), caption=caption(count))


handlers = ROUTES.handlers
