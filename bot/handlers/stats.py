"""/stats: the key figures of a scope, every figure explained one tap away, with drill-down, lists that need
action and a chart."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.stats import Scope, Term, default_scope, percent, term_of
from bot.handlers.common import BotContext, answer, edit_or_reply, refuse, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, records
from bot.services import stats as stats_service
from bot.services.notices import UNREAD_WEEKS
from bot.texts import Raw, Texts
from bot.views import stats as stats_view

ROUTES = Routes()
LIST_PAGE = 30


@ROUTES.command("stats")
async def stats_command(update: Update, context: BotContext) -> None:
    """Admins start with the whole school, head teachers with their class."""
    texts, actor = await context.caller(update)
    scope = default_scope(actor)
    if scope is None:
        await reply(update, texts.t("stats.denied"))
        return
    await _show(update, context, texts, scope)


@ROUTES.button(bt.StatsView)
async def view(update: Update, context: BotContext) -> None:
    """A drill-down or back button, key figures only: re-checks the scope (ids come from the client)."""
    await _view(update, context, full=False)


@ROUTES.button(bt.StatsFull)
async def view_full(update: Update, context: BotContext) -> None:
    """Every figure with its explanation, in place of the key figures."""
    await _view(update, context, full=True)


async def _view(update: Update, context: BotContext, *, full: bool) -> None:
    await answer(update)
    texts = await context.texts(update)
    button = (bt.StatsFull if full else bt.StatsView).of(update)
    scope = Scope.parse(button.scope)
    term_key = button.term
    term = Term.parse(term_key) if term_key else None
    if scope is None:
        await reply(update, texts.t("stats.gone"))
        return
    await _show(update, context, texts, scope, term, full=full)


def render_summary(texts: Texts, title: str, today: str, data: records.Summary, *, full: bool = True) -> str:
    """The report as HTML: in full, by grade (school scope), then each figure with its one-line explanation;
    otherwise the key figures alone."""
    lines = [texts.t("stats.header", scope=title, date=today), ""]
    if not full:
        key = stats_view.key_figures(texts, data)
        for figure in key:
            lines.append(texts.t("stats.figure", label=Raw(figure.label), value=Raw(figure.value)))
        if data.term and any(f.key == "dropout" for f in key):
            # The term buttons switch this figure alone; say which term it is.
            lines.append(texts.t("stats.key_term", term=stats_view.term_label(texts, data.term)))
        if data.total == 0:
            lines.append("")
            lines.append(texts.t("stats.no_children"))
        return "\n".join(lines)
    if len(data.by_grade) > 1:
        lines.append(texts.t("stats.by_grade"))
        for grade in data.by_grade:
            lines.append(
                texts.t(
                    "stats.grade_line",
                    grade=grade.grade_name,
                    total=grade.total,
                    father=grade.father,
                    mother=grade.mother,
                    both=grade.both,
                )
            )
        lines.append("")
    for figure in stats_view.figures(texts, data):
        lines.append(texts.t("stats.figure", label=Raw(figure.label), value=Raw(figure.value)))
        lines.append(texts.t("stats.why", text=Raw(figure.explanation)))
    if len(data.read_rates) > 1:
        lines += ["", texts.t("stats.read_by_class", weeks=UNREAD_WEEKS)]
        lines += [
            texts.t("stats.read_line", klass=k, read=r, sent=n, percent=percent(r, n)) for k, n, r in data.read_rates
        ]
    if data.total == 0:
        lines.append("")
        lines.append(texts.t("stats.no_children"))
    return "\n".join(lines)


async def _show(
    update: Update, context: BotContext, texts: Texts, scope: Scope, term: Term | None = None, *, full: bool = False
) -> None:
    actor = await context.actor(update)
    services = context.services
    current = await stats_service.current_term(services, scope)
    if term is not None:
        term = term.at(current.starts)  # a button's term, by the scope's school's start days
    if term is not None and not (current.previous().previous() <= term <= current):
        term = None  # a forged or very old term: show the current one
    if await stats_service.figures_only(services, actor, scope):
        await _show_county(update, context, texts, scope, term)
        return
    try:
        label, data = await stats_service.summary(services, actor, scope, term)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="stats.denied", gone="stats.gone")
        return
    title = stats_view.scope_title(texts, services, scope, label)
    text = render_summary(texts, title, stats_service.local_today(services).isoformat(), data, full=full)
    # Drill-down and term buttons keep the view (key figures or all of them); the toggle switches it.
    mode = bt.StatsFull if full else bt.StatsView
    shown = data.term or current
    buttons: list[list[InlineKeyboardButton]] = []
    listed = stats_view.figures(texts, data) if full else stats_view.key_figures(texts, data)
    for figure in listed:
        if figure.list_kind and figure.count:
            buttons.append(
                [
                    kb.button(
                        texts.t(f"stats.list_button.{figure.list_kind}", count=figure.count),
                        bt.StatsList(figure.list_kind, scope.encode(), 0),
                    )
                ]
            )
    toggle = ("stats.less_button", bt.StatsView) if full else ("stats.more_button", bt.StatsFull)
    buttons.append([kb.button(texts.t(toggle[0]), toggle[1](scope.encode(), shown.key))])
    other = current.previous() if shown == current else current
    buttons += _chart_and_term(texts, scope, other, mode)
    buttons.append([kb.button(texts.t("survey.stats_button"), bt.SurveyList())])
    below = await stats_service.drill_down(services, actor, scope)
    buttons.extend(kb.rows([kb.button(name, mode(s.encode(), shown.key)) for s, name in below], 3))
    up = await stats_service.scope_above(services, actor, scope)
    if up is not None:
        buttons.append([kb.button(texts.t("stats.back_school"), mode(up.encode(), shown.key))])
    markup = InlineKeyboardMarkup(buttons)
    await edit_or_reply(update, text, markup)


def _chart_and_term(
    texts: Texts, scope: Scope, other: Term, mode: type[bt.StatsView] | type[bt.StatsFull]
) -> list[list[InlineKeyboardButton]]:
    """The chart and export buttons, and the one that shows the `other` term (in the view `mode`)."""
    term = stats_view.term_label(texts, other)
    return [
        [
            kb.button(texts.t("stats.chart_button"), bt.StatsChart(scope.encode())),
            kb.button(texts.t("stats.export_button"), bt.ExportScope(scope.encode())),
        ],
        [kb.button(texts.t("stats.term_button", term=term), mode(scope.encode(), other.key))],
    ]


async def _show_county(update: Update, context: BotContext, texts: Texts, scope: Scope, term: Term | None) -> None:
    """The county office's figures: every school's line and the total, counts only (no list of names offered)."""
    actor = await context.actor(update)
    services = context.services
    try:
        table = await stats_service.county_figures(services, actor, scope, term)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="stats.denied", gone="stats.gone")
        return
    current = term_of(stats_service.local_today(services))
    other = current.previous() if table.term == current else current
    rows = _chart_and_term(texts, scope, other, bt.StatsView)
    markup = InlineKeyboardMarkup([*rows, [kb.button(texts.t("survey.county_button"), bt.SurveyCounty())]])
    text = stats_view.county_text(texts, services, scope, table)
    await edit_or_reply(update, text, markup)


@ROUTES.button(bt.StatsList)
async def list_page(update: Update, context: BotContext) -> None:
    """A list of children behind a figure (no guardian, unreachable, no mentor), paginated."""
    await answer(update)
    texts = await context.texts(update)
    button = bt.StatsList.of(update)
    kind, page = button.kind, button.page
    scope = Scope.parse(button.scope)
    if scope is None:
        await reply(update, texts.t("stats.gone"))
        return
    actor = await context.actor(update)
    try:
        label, found, total = await stats_service.attention(
            context.services, actor, scope, kind, page=page, page_size=LIST_PAGE
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="stats.denied", gone="stats.gone")
        return
    title = stats_view.scope_title(texts, context.services, scope, label)
    pages = max(1, (total + LIST_PAGE - 1) // LIST_PAGE)
    if total and page >= pages:
        page = pages - 1
        label, found, total = await stats_service.attention(
            context.services, actor, scope, kind, page=page, page_size=LIST_PAGE
        )
    lines = [texts.t(f"stats.list.{kind}", scope=title, count=total)]
    if not found:
        lines.append(texts.t("stats.list.none"))
    for number, child in enumerate(found, start=page * LIST_PAGE + 1):
        lines.append(
            texts.t("stats.list.line", number=number, name=child.name, class_label=child.class_label, id=child.child_id)
        )
    if pages > 1:
        lines.append("")
        lines.append(texts.t("page.indicator", page=page + 1, pages=pages))
    nav = []
    if page > 0:
        nav.append(kb.button(texts.t("button.prev"), bt.StatsList(kind, scope.encode(), page - 1)))
    if page + 1 < pages:
        nav.append(kb.button(texts.t("button.next"), bt.StatsList(kind, scope.encode(), page + 1)))
    back = [kb.button(texts.t("stats.back_summary"), bt.StatsView(scope.encode()))]
    # Each child opens its card (the card view checks access again and audits the read).
    open_buttons = [kb.button(child.name, bt.ChildView(child.child_id)) for child in found]
    markup = kb.grid(open_buttons, 3, nav, back)
    await reply(update, "\n".join(lines), markup)


@ROUTES.button(bt.StatsChart)
async def chart(update: Update, context: BotContext) -> None:
    """The same figures as a picture, drawn off the event loop."""
    await answer(update)
    texts = await context.texts(update)
    scope = Scope.parse(bt.StatsChart.of(update).scope)
    if scope is None:
        await reply(update, texts.t("stats.gone"))
        return
    actor = await context.actor(update)
    draw = (
        stats_view.county_chart
        if await stats_service.figures_only(context.services, actor, scope)
        else stats_view.chart
    )
    try:
        title, png = await draw(context.services, actor, scope, texts)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="stats.denied", gone="stats.gone")
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(
        InputFile(png, filename="stats.png"),
        caption=texts.t("stats.chart_caption", scope=title),
        reply_markup=kb.grid([kb.button(texts.t("stats.back_summary"), bt.StatsView(scope.encode()))], 1),
    )


handlers = ROUTES.handlers
