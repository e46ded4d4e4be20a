"""/audit: who read or changed a child's record, page by page, for the admins (and the one refusal path of the
admins' commands)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do
from bot.handlers.common import BotContext, answer, clip_html, command_args, edit_or_reply, refuse, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import children as children_service
from bot.services import privacy as privacy_service
from bot.texts import Texts

ROUTES = Routes()
AUDIT_PAGE = 15


async def admin_only(update: Update, context: BotContext, access: Access, what: str) -> bool:
    """Whether the person may use an admin's command; if not, they are told so and the refusal is audited."""
    actor = await context.actor(update)
    if may_do(actor, access):
        return True
    await privacy_service.deny(context.services, actor, what)
    await reply(update, (await context.texts(update)).t("access.denied"))
    return False


@ROUTES.command("audit")
async def audit_command(update: Update, context: BotContext) -> None:
    if not await admin_only(update, context, Access.VIEW_AUDIT, "view_audit"):
        return
    texts, actor = await context.caller(update)
    query = command_args(context)
    if not query:
        await reply(update, texts.t("safety.audit.ask"))
        return
    found, total = await children_service.search_all(context.services, actor, Access.VIEW_AUDIT, query, limit=10)
    if total == 0:
        await reply(update, texts.t("safety.concern.none_found", query=query))
        return
    if total == 1:
        await _audit_page(update, context, texts, found[0][0], 0)
        return
    buttons = [kb.button(texts.t("child.button", name=n, class_label=c), bt.AuditView(i, 0)) for i, n, c in found]
    await reply(update, texts.t("safety.concern.pick"), kb.grid(buttons, 1))


@ROUTES.button(bt.AuditView)
async def audit_button(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    button = bt.AuditView.of(update)
    await answer(update)
    await _audit_page(update, context, texts, button.child, button.page)


def _audit_name(texts: Texts, kind: str, code: str) -> str:
    """An audit code in words (`audit.action.<code>`, or for what a refusal names `audit.access.<code>` or the
    action tried); a code from an older version with no name is shown as it is."""
    for key in (f"audit.{kind}.{code}", f"audit.action.{code}"):
        if texts.has(key):
            return texts.t(key)
    return code


async def _audit_page(update: Update, context: BotContext, texts: Texts, child_id: int, page: int) -> None:
    actor = await context.actor(update)
    try:
        child, lines, total = await privacy_service.audit_of(
            context.services, actor, child_id, limit=AUDIT_PAGE, offset=page * AUDIT_PAGE
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return
    tz = context.services.config.school.timezone
    body = [texts.t("safety.audit.header", name=child.name, total=total)]
    for line in lines:
        body.append(
            texts.t(
                "safety.audit.line", at=line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                who=line.actor_name or (line.actor_id if line.actor_id is not None else "—"),
                action=_audit_name(texts, "action", line.action),
                detail=_audit_name(texts, "access", line.detail) if line.action == "denied" else line.detail,
            )
        )  # fmt: skip
    pages = max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE)
    row = []
    if page > 0:
        row.append(kb.button(texts.t("button.prev"), bt.AuditView(child_id, page - 1)))
    if page + 1 < pages:
        row.append(kb.button(texts.t("button.next"), bt.AuditView(child_id, page + 1)))
    markup = InlineKeyboardMarkup([row]) if row else None
    await edit_or_reply(update, clip_html("\n".join(body), 4000), markup)


handlers = ROUTES.handlers
