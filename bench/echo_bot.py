"""The yardstick: a minimal python-telegram-bot echo bot (polling, one reply per message, nothing stored).

python bench/echo_bot.py BASE_URL TOKEN [--rate-limited]

With --rate-limited it uses PTB's AIORateLimiter with its defaults (30 messages/s overall, 1/s per private chat:
Telegram's limits), as Shouwang does; without, it answers as fast as the server lets it.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    base_url, token = sys.argv[1], sys.argv[2]
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if "--rate-limited" in sys.argv[3:]:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
