"""The Bot API request sends its parameters as one JSON body (no file) and as multipart with a file, to the HTTP
test server, and what arrives is what was sent."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.jobs.health import Counters
from bot.telegram_io.request import MonitoredRequest
from tests.botapi_server import TOKEN, BotAPIServer


async def test_a_message_with_buttons_goes_as_json_and_arrives_whole() -> None:
    server = await BotAPIServer.start()
    seen: list[tuple[str, dict[str, Any]]] = []
    server.on_request = lambda method, params: seen.append((method, params))
    server.user(42, "王老师")
    counters = Counters()
    bot = Bot(TOKEN, base_url=server.base_url, request=MonitoredRequest(counters))
    text = "<b>今天</b> 请选一个孩子 &amp; 再按“一切正常”"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("王小明 ✓", callback_data="ci:p:ab12:7")]])
    try:
        async with bot:
            message = await bot.send_message(42, text, parse_mode="HTML", reply_markup=markup)
            await bot.send_document(42, b"a,b\n1,2\n", filename="roster.csv")
    finally:
        await server.close()
    sent = server.core.messages(42)
    assert sent[0].text == text
    assert sent[0].reply_markup == markup.to_dict()
    assert sent[1].document == b"a,b\n1,2\n" and sent[1].file_name == "roster.csv"
    assert message.message_id == sent[0].message_id
    assert counters.last_send_at is not None
    params = next(params for method, params in seen if method == "sendMessage")
    # A JSON body keeps the types (a form body would make every value a string: "42", "HTML"…).
    assert params["chat_id"] == 42 and params["reply_markup"] == markup.to_dict()
    document = next(params for method, params in seen if method == "sendDocument")
    assert document["chat_id"] == "42"  # multipart, as PTB sends a file
