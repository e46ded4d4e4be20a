"""The bot as a process: a parent's voice message reaches the head teacher, and a child's voice letter (亲情语音信)
reaches the parent, whose voice answer comes back to the teacher — over HTTP, through the outbox, by file_id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.botapi_server import BotAPIServer, RemoteUser
from tests.e2e.process import BotProcess, integrity, query, write_config
from tests.e2e.test_school_week import ADMIN, CrashPlan, School, delivered, one_family, scheduler_config


def voice(user: RemoteUser, file_id: str, seconds: int = 4) -> Any:
    """The person holds 🎤 and lets go: a voice message, as Telegram delivers it (a file_id and a length)."""
    note = {"file_id": file_id, "file_unique_id": file_id + "u", "duration": seconds}
    return lambda: user.server.push({"message": user._message(voice=note)})


def voices_to(server: BotAPIServer, chat_id: int) -> list[str]:
    return [str(c.params["voice"]) for c in server.core.calls_of("sendVoice") if int(c.params["chat_id"]) == chat_id]


async def test_a_voice_note_and_a_voice_letter_reach_the_other_side(tmp_path: Path, server: BotAPIServer) -> None:
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN], extra=scheduler_config(weekly_due=False)))
    school = School(server, bot, CrashPlan(points=set()))
    await bot.start(server)
    try:
        _admin, teacher, mother = await one_family(school)

        # A voice note: the mother to the head teacher (/contact), delivered by its file_id.
        await school.act(mother, lambda: mother.send("/contact"), "语音")
        await school.act(mother, voice(mother, "mum-note"), "已转给班主任")
        note = await delivered(school, teacher, "家长留言（语音")
        assert note.kind == "voice" and "张小明" in note.text
        assert voices_to(server, teacher.id) == ["mum-note"]

        # A voice letter: from the child's card to the mother; her voice answer back to the teacher.
        await school.act(teacher, lambda: teacher.send("/child 张小明"), "张小明")
        await school.act(teacher, lambda: teacher.press("亲情语音信"), "张小明的亲情语音信")
        await school.act(teacher, lambda: teacher.press("录一封新的"), "按住麦克风")
        await school.act(teacher, voice(teacher, "child-letter", 12), "1 位家长")
        letter = await delivered(school, mother, "亲情语音信：张小明给您录了一段话（12 秒）")
        assert letter.kind == "voice" and voices_to(server, mother.id) == ["child-letter"]
        await school.act(mother, lambda: mother.press("回信", letter), "按住 🎤")
        await school.act(mother, voice(mother, "mum-answer", 6), "下次亲情时间")
        answer = await delivered(school, teacher, "张妈妈回了张小明的亲情语音信")
        assert answer.kind == "voice" and voices_to(server, teacher.id) == ["mum-note", "mum-answer"]
        await school.act(teacher, lambda: teacher.send("/child 张小明"), "家长回信待孩子听 1 条")
        assert await bot.stop() == 0, bot.log_text()[-3000:]
    except BaseException:
        await bot.kill()
        raise
    database = tmp_path / "shouwang.db"
    assert integrity(database) == "ok"
    assert query(database, "SELECT media_file, media_seconds FROM voice_letter_answers") == [("mum-answer", 6)]
    assert query(database, "SELECT DISTINCT status FROM outbox") == [("sent",)]
    assert "Traceback" not in bot.log_text()
