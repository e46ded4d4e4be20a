"""Consent, /mydata, correction and erasure requests, erasure that leaves no row about the child, the audit
viewer, counselling confidentiality, backups and restore."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.domain.clock import to_db
from bot.services import privacy as privacy_service
from bot.storage import backup
from bot.storage import consent as consent_store
from bot.storage import erasure as erasure_store
from bot.storage.db import Database
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, School, build_school, queued

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
async def school(tmp_path: Path) -> School:
    extra = f'[backup]\npassphrase = "{PASSPHRASE}"\nfolder = "bk"\nkeep = 2\n'
    async with Harness.create(tmp_path, admins=ADMIN_IDS, extra_config=extra) as h:
        yield await build_school(h)  # type: ignore[misc]


async def test_consent_in_the_bot_and_mydata(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    assert "尚未记录" in head.last_text
    parent = school.people["parent"]
    await parent.send("/mydata")
    assert "张小明" in parent.last_text and "还没有同意" in parent.last_text
    await parent.press("我同意")
    assert "谢谢" in parent.last_text
    consent = await consent_store.get_consent(school.h.db, school.own)
    assert consent is not None and consent.method == "bot" and consent.guardian_id == parent.id
    await head.send("/child 张小明")
    assert "在机器人中同意" in head.last_text
    # Consent gating: the stats filter keeps only consented children; the missing list names the others.
    sql = "SELECT ch.id FROM children ch WHERE " + consent_store.consented_child_filter_sql("ch.id")
    assert [r["id"] for r in await school.h.fetchall(sql)] == [school.own]
    admin_actor = await privacy_service_actor(school, ADMIN_IDS[0])
    missing = await privacy_service.missing_consent(school.services, admin_actor)
    assert sorted(i for i, _ in missing) == sorted([school.sibling, school.other])


async def privacy_service_actor(school: School, user_id: int):  # type: ignore[no-untyped-def]
    from bot.storage import people

    return await people.load_actor(school.h.db, user_id)


async def test_paper_consent_by_the_head_teacher(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/child 李小红")
    await head.press("登记书面同意")
    await head.send_sticker()
    assert await consent_store.get_consent(school.h.db, school.sibling) is None
    await head.send("外婆 刘桂兰")
    assert "已登记" in head.last_text
    consent = await consent_store.get_consent(school.h.db, school.sibling)
    assert consent is not None and consent.method == "paper" and consent.given_by == "外婆 刘桂兰"
    # A subject teacher has no such button, and a forged one is refused.
    subject = school.people["subject_teacher"]
    await subject.send("/child 李小红")
    assert "登记书面同意" not in str(subject.last.buttons())
    await subject.press_data(f"pv:pp:{school.sibling}", message=subject.last)
    assert any("没有权限" in a for a in subject.alerts())


async def test_parent_cannot_reach_another_child_through_forged_buttons(school: School) -> None:
    parent = school.people["parent"]
    await parent.send("/mydata")
    for data in (f"pv:ok:{school.sibling}", f"pv:rm:{school.sibling}", f"pv:rmy:{school.sibling}",
                 f"pv:fx:{school.other}", f"pv:er:{school.sibling}", f"pv:ery:{school.sibling}"):  # fmt: skip
        await parent.press_data(data, message=parent.last)
    assert len([a for a in parent.alerts() if "无权" in a or "没有权限" in a]) == 6
    assert await consent_store.get_consent(school.h.db, school.sibling) is None
    assert await school.h.fetchval("SELECT COUNT(*) FROM data_requests") == 0
    assert await school.h.fetchval("SELECT COUNT(*) FROM children") == 3
    denied = await school.h.fetchval("SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'denied'",
                                     (parent.id,))  # fmt: skip
    assert denied == 6


async def test_correction_request_reaches_the_school(school: School) -> None:
    parent = school.people["parent"]
    await parent.send("/mydata")
    await parent.press("申请更正")
    await parent.send("孩子的生日应该是 2015-04-08")
    assert "已转交" in parent.last_text
    assert await school.h.fetchval("SELECT kind FROM data_requests") == "correction"
    (note,) = await queued(school.h, 2001, "privacy")
    assert "2015-04-08" in note.text


async def seed_everything(school: School) -> None:
    """Rows about 张小明 in every safety table, plus a concern, a counselling session and a letter."""
    h, own = school.h, school.own
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern 张小明")
    await teacher.press("多处损伤")
    await teacher.send("手臂擦伤")
    await teacher.press("今天")
    counsellor = school.people["counsellor"]
    await counsellor.send("/counsel 张小明")
    await counsellor.press("记录一次辅导")
    await counsellor.press("今天")
    await counsellor.send("想念父母")
    await counsellor.send("聊了很久，情绪好转")
    await counsellor.press("跳过")
    await counsellor.press("可以")
    parent = school.people["parent"]
    await parent.send("/mydata")
    await parent.press("我同意")
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    await head.press("风险等级")
    await head.press("中")
    await head.send("父母长期在外，外婆年迈")
    assert await h.fetchval("SELECT COUNT(*) FROM counselling_sessions WHERE child_id = ?", (own,)) == 1
    assert await h.fetchval("SELECT level FROM child_risk WHERE child_id = ?", (own,)) == "medium"


async def test_erasure_leaves_no_row_about_the_child_but_the_audit_line(school: School) -> None:
    await seed_everything(school)
    parent = school.people["parent"]
    await parent.send("/mydata")
    await parent.press("申请删除")
    await parent.press("确定申请删除")
    assert "已提交" in parent.last_text
    admin = school.people["admin"]
    await admin.send("/erase")
    assert "张小明" in admin.last_text and "监护人申请" in admin.last_text
    await admin.press("张小明")
    assert "永久删除" in admin.last_text
    await admin.press("确定删除")
    assert "已删除" in admin.last_text
    # Double tap on the stale confirmation: polite, nothing more happens.
    await admin.press_data(f"pv:ery:{school.own}", message=admin.last)
    assert any("已经删除" in a for a in admin.alerts())

    await school.h.app.update_persistence()
    db_file = school.h.config.storage.database
    conn = sqlite3.connect(db_file)
    try:
        leftovers = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
            if "child_id" in columns:
                n = conn.execute(f'SELECT COUNT(*) FROM "{table}" WHERE child_id = ?', (school.own,)).fetchone()[0]
                if n:
                    leftovers[table] = n
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                if any(isinstance(v, str) and ("张小明" in v or "手臂擦伤" in v or "想念父母" in v) for v in row):
                    leftovers.setdefault(table + " (text)", 0)
                    leftovers[table + " (text)"] += 1
        audit = conn.execute("SELECT action, actor_id FROM audit_log WHERE child_id = ?", (school.own,)).fetchall()
        assert conn.execute("SELECT COUNT(*) FROM children WHERE id = ?", (school.own,)).fetchone()[0] == 0
    finally:
        conn.close()
    assert leftovers == {"audit_log": 1}, leftovers
    assert audit == [("erase", ADMIN_IDS[0])]
    assert await erasure_store.rows_mentioning_child(school.h.db, school.own) == {}
    # The other children are untouched; the parent is no longer bound.
    assert await school.h.fetchval("SELECT COUNT(*) FROM children") == 2
    await parent.send("/mydata")
    assert "已绑定孩子的家长" in parent.last_text


async def test_erasure_covers_tables_added_later(school: School) -> None:
    await school.h.db.execute("CREATE TABLE later_notes (id INTEGER PRIMARY KEY, child_id INTEGER, body TEXT)")
    await school.h.db.execute(
        "CREATE TABLE later_links (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES later_notes(id), x TEXT)"
    )
    note_id = await school.h.db.insert("INSERT INTO later_notes (child_id, body) VALUES (?, 'n')", (school.own,))
    await school.h.db.insert("INSERT INTO later_links (note_id, x) VALUES (?, 'l')", (note_id,))
    await school.h.db.insert("INSERT INTO later_notes (child_id, body) VALUES (?, 'keep')", (school.other,))
    actor = await privacy_service_actor(school, ADMIN_IDS[0])
    _, deleted = await privacy_service.erase(school.services, actor, school.own)
    assert deleted["later_notes"] == 1 and deleted["later_links"] == 1
    assert await school.h.fetchval("SELECT body FROM later_notes") == "keep"


@pytest.mark.parametrize("who", ["admin2", "head_teacher", "parent", "counsellor"])
async def test_only_admins_erase(school: School, who: str) -> None:
    person = school.people[who]
    await person.send("/erase")
    if who != "admin2":
        assert "没有权限" in person.last_text
        await person.press_data(f"pv:ery:{school.own}", message=person.last)
        assert await school.h.fetchval("SELECT COUNT(*) FROM children") == 3


async def test_counselling_is_for_counsellors_only(school: School) -> None:
    await seed_everything(school)
    for who in ("admin", "head_teacher", "subject_teacher", "parent"):
        person = school.people[who]
        await person.send("/counsel 张小明")
        assert "只有心理辅导老师" in person.last_text
        await person.press_data(f"cs:v:{school.own}", message=person.last)
        await person.press_data(f"cs:n:{school.own}", message=person.last)
        assert "聊了很久" not in " ".join(s.text for s in person.inbox)
    # Others see only that a session took place (the counsellor allowed it), never its content.
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    assert "心理辅导：2026-03-02" in head.last_text and "想念父母" not in head.last_text
    counsellor = school.people["counsellor"]
    await counsellor.send("/counsel 张小明")
    assert "想念父母" in counsellor.last_text and "聊了很久" in counsellor.last_text


async def test_audit_viewer_newest_first(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    admin = school.people["admin"]
    await admin.send("/audit 张小明")
    text = admin.last_text
    assert "访问记录" in text and "李老师" in text
    lines = text.splitlines()[1:]
    assert lines[0].split(" · ")[2].startswith("查看联系卡")  # the action by its name, not the code "view"
    head_before = head.last_text
    await head.send("/audit 张小明")
    assert "没有权限" in head.last_text and head.last_text != head_before


async def test_backup_then_restore_gives_an_identical_database(school: School, tmp_path: Path) -> None:
    await seed_everything(school)
    config = school.h.config
    made = await backup.nightly(config.storage.database, config.backup.folder, school.h.clock(), config.backup.keep)
    source_dump = backup.dump(config.storage.database)  # nothing written in between
    target = tmp_path / "restored" / "shouwang.db"
    target.parent.mkdir()
    assert backup.restore(made, target) is None
    assert backup.dump(target) == source_dump
    assert any("张小明" in line for line in source_dump)


async def test_backup_command_sends_the_latest_encrypted(school: School, tmp_path: Path) -> None:
    await seed_everything(school)
    admin = school.people["admin"]
    await admin.send("/backup")
    sent = admin.last
    assert sent.kind == "document" and sent.document is not None and str(sent.file_name).endswith(".enc")
    assert b"SQLite format 3" not in sent.document
    (latest,) = backup.list_backups(school.h.config.backup.folder)
    assert backup.decrypt(sent.document, PASSPHRASE) == latest.read_bytes()
    with pytest.raises(backup.RestoreError):
        backup.decrypt(sent.document, "wrong passphrase")
    # The encrypted download restores too, with the passphrase.
    encrypted_file = tmp_path / "download.db.enc"
    encrypted_file.write_bytes(sent.document)
    target = tmp_path / "restored.db"
    backup.restore(encrypted_file, target, PASSPHRASE)
    assert backup.dump(target) == backup.dump(latest)
    with pytest.raises(backup.RestoreError):
        backup.restore(encrypted_file, tmp_path / "other.db", "")
    assert await school.h.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.download'") == 1


async def test_nightly_backup_keeps_the_last_n(school: School) -> None:
    from types import SimpleNamespace

    from bot.jobs.backup import nightly_backup

    for _ in range(3):
        await nightly_backup(SimpleNamespace(application=school.h.app))
        school.h.clock.advance(days=1)
    kept = backup.list_backups(school.h.config.backup.folder)
    assert len(kept) == 2 and kept[0].name > kept[1].name


async def test_backup_is_admin_only(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/backup")
    assert "没有权限" in head.last_text and head.last.kind == "text"


def test_restore_cli_refuses_a_corrupt_file_and_restores_a_good_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[telegram]\ntoken = "1:x"\n[school]\nname = "s"\n[storage]\ndatabase = "live.db"\n', encoding="utf-8"
    )
    live = tmp_path / "live.db"
    conn = sqlite3.connect(live)
    conn.executescript("CREATE TABLE schema_migrations (name TEXT); CREATE TABLE children (id INTEGER);"
                       "CREATE TABLE audit_log (id INTEGER); INSERT INTO children VALUES (1);")  # fmt: skip
    conn.commit()
    conn.close()
    before = live.read_bytes()
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    assert main(["--config", str(config), "restore", str(corrupt)]) == 1
    assert "restore refused" in capsys.readouterr().err
    assert live.read_bytes() == before
    good = tmp_path / "good.db"
    conn = sqlite3.connect(good)
    conn.executescript("CREATE TABLE schema_migrations (name TEXT); CREATE TABLE children (id INTEGER);"
                       "CREATE TABLE audit_log (id INTEGER); INSERT INTO children VALUES (2);")  # fmt: skip
    conn.commit()
    conn.close()
    assert main(["--config", str(config), "restore", str(good)]) == 0
    conn = sqlite3.connect(live)
    assert conn.execute("SELECT id FROM children").fetchall() == [(2,)]
    conn.close()
    assert (tmp_path / "live.db.before-restore").exists()


async def test_retention_offers_erasure_after_leaving_school(school: School) -> None:
    await school.h.db.execute(
        "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at, source) "
        "VALUES (?, 'graduated', '2026-03-02', '2026-03-02T01:00:00+00:00', 'recorded')",
        (school.other,),
    )
    await school.h.db.execute(
        "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at, source) "
        "VALUES (?, 'transferred', '2027-06-01', '2026-03-02T01:00:00+00:00', 'recorded')",
        (school.sibling,),
    )
    admin = school.people["admin"]
    await admin.send("/erase")
    assert "没有待处理的删除申请" in admin.last_text  # retention (730 days) not over yet
    school.h.clock.advance(days=731)
    await admin.send("/erase")
    assert "王小花" in admin.last_text and "超过保存期限" in admin.last_text
    assert "李小红" not in admin.last_text  # left later: still within retention
    await admin.press("王小花")
    await admin.press("确定删除")
    assert await school.h.fetchval("SELECT COUNT(*) FROM children WHERE id = ?", (school.other,)) == 0
    assert await school.h.fetchval("SELECT COUNT(*) FROM enrolment_events WHERE child_id = ?", (school.other,)) == 0
    await admin.send("/erase")
    assert "没有待处理的删除申请" in admin.last_text


async def test_erasing_a_name_spares_drafts_about_a_longer_name_that_contains_it(tmp_path: Path) -> None:
    """Erasing 小明 scrubs every draft that mentions 小明, but not a half-written form for 王小明 (another child)."""
    db = await Database.open(tmp_path / "drafts.db")
    try:
        stamp = to_db(datetime(2026, 3, 1, tzinfo=UTC))
        await db.execute("INSERT INTO users (id, full_name, created_at) VALUES (1, 'admin', ?)", (stamp,))
        await db.execute("INSERT INTO grades (id, name) VALUES (1, '三年级')")
        await db.execute("INSERT INTO classes (id, school_id, grade_id, name) VALUES (1, 1, 1, '2班')")
        ids = {}
        for name in ("小明", "王小明"):
            ids[name] = await db.insert(
                "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
                " VALUES (?, 'male', '2016-01-01', 1, 'both', ?, ?)",
                (name, stamp, stamp),
            )
        drafts = {
            10: {"registration": {"name": "王小明", "step": 3}},  # about the other child: kept
            11: {"note": {"text": "小明今天哭了"}},  # about the erased child: scrubbed
            12: {"note": {"text": "王小明和小明一起玩"}},  # names both: scrubbed
            13: {"visit": {"child_id": ids["小明"]}},  # the erased child's id: scrubbed
        }
        for user_id, data in drafts.items():
            await db.execute(
                "INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?)",
                (user_id, json.dumps(data, ensure_ascii=False)),
            )
        async with db.transaction():
            assert await erasure_store.scrub_persisted_drafts(db, ids["小明"], "小明") == 3
        kept = {r[0]: json.loads(r[1]) for r in await db.fetchall("SELECT user_id, data FROM ptb_user_data")}
        assert kept == {10: drafts[10], 11: {}, 12: {}, 13: {}}
        # The same rule for drafts held in memory.
        in_memory = {"registration": {"name": "王小明"}, "search": "小明"}
        assert erasure_store.scrub_draft(in_memory, ids["小明"], "小明", frozenset({"王小明"}))
        assert in_memory == {"registration": {"name": "王小明"}}
    finally:
        await db.close()


async def test_a_correction_begun_before_an_upgrade_goes_on_after_it(school: School) -> None:
    """A privacy flow stored by the version before (its one state 0, the awaited answer named in the draft) takes
    the typed correction after a restart across the upgrade."""
    import json

    parent = school.people["parent"]
    await parent.send("/mydata")
    await parent.press("申请更正")
    key = f"[{parent.id}, {parent.id}]"
    await school.h.db.execute("UPDATE ptb_conversations SET state = '0' WHERE name = 'privacy' AND key = ?", (key,))
    data = json.loads(await school.h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (parent.id,)))
    data["privacy_draft"] = {"what": "correction", "child_id": school.own}
    await school.h.db.execute(
        "UPDATE ptb_user_data SET data = ? WHERE user_id = ?", (json.dumps(data, ensure_ascii=False), parent.id)
    )
    await school.h.crash_restart()
    await parent.send("孩子的生日应该是 2015-04-08")
    assert "已转交" in parent.last_text
    assert await school.h.fetchval("SELECT kind FROM data_requests") == "correction"
