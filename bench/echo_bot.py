"""The yardstick: a minimal python-telegram-bot echo bot (polling, one reply per update, nothing stored).

python bench/echo_bot.py BASE_URL TOKEN [--rate-limited]

With --rate-limited it uses PTB's AIORateLimiter with its defaults (30 messages/s overall, 1/s per private chat:
Telegram's limits), as Shouwang does; without, it answers as fast as the server lets it. A button tap is answered
(answerCallbackQuery) and its data sent back as a message, as a typed message is echoed: the benchmark's teachers
send it the same updates as Shouwang (bench/bench_process.py).
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is not None and query.from_user is not None:
        await query.answer()
        await context.bot.send_message(query.from_user.id, query.data or "")


def main() -> None:
    base_url, token = sys.argv[1], sys.argv[2]
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if "--rate-limited" in sys.argv[3:]:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(tapped))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
