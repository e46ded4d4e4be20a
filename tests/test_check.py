"""`python -m bot check`: each check passes and fails as it should, one line each in the configured language,
exit 0 only when every check passed; at start an unreachable Bot API does not stop the bot, a broken database does."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot import check
from bot.__main__ import main
from bot.config import Config, SecurityConfig, TelegramConfig, load_config
from bot.storage.db import Database
from bot.texts import Texts
from tests.botapi_server import BotAPIServer

ZH, EN = Texts("zh_CN"), Texts("en")


def write_config(
    folder: Path,
    *,
    base_url: str = "http://127.0.0.1:9/bot",
    language: str = "zh_CN",
    secrets: bool = True,
    token: str = "123:abc",
) -> Path:
    path = folder / "config.toml"
    text = (
        f'[telegram]\ntoken = "{token}"\nbase_url = "{base_url}"\n'
        f'[school]\nname = "思源"\nlanguage = "{language}"\n[storage]\ndatabase = "data/shouwang.db"\n'
        '[backup]\nfolder = "data/backups"\n'
    )
    if secrets:
        text += 'passphrase = "correct horse"\n[security]\nsecret = "a-long-random-secret"\n'
    path.write_text(text, encoding="utf-8")
    return path


def config_for(folder: Path, **options: object) -> Config:
    return load_config(write_config(folder, **options), environ={})  # type: ignore[arg-type]


def line(outcome: check.Outcome, texts: Texts = ZH) -> str:
    return check.render(outcome, texts)


# --- each check -------------------------------------------------------------------------------------------


async def test_token_works_through_the_configured_server(tmp_path: Path) -> None:
    server = await BotAPIServer.start()
    try:
        config = config_for(tmp_path, base_url=server.base_url, token=server.token)
        config = replace(config, telegram=replace(config.telegram, base_file_url=server.base_file_url))
        outcome = await check.check_token(config)
        assert outcome.ok
        assert line(outcome).startswith("✅ 令牌有效：机器人 @")
        assert server.base_url in line(outcome)
        assert server.stats.requests["getMe"] == 1
        rejected = await check.check_token(replace(config, telegram=replace(config.telegram, token="999:wrong")))
        assert not rejected.ok and rejected.fatal
        assert line(rejected, EN).startswith("❌ The Bot API rejected the token")
    finally:
        await server.close()


async def test_token_unreachable_fails_check_but_only_warns_at_start(tmp_path: Path) -> None:
    config = config_for(tmp_path)  # nothing listens on port 9
    outcome = await check.check_token(config)
    assert not outcome.ok and outcome.fatal
    assert line(outcome).startswith("❌ 连不上 Bot API")
    at_start = await check.check_token(config, at_start=True)
    assert not at_start.ok and not at_start.fatal
    assert line(at_start, EN).startswith("⚠️ Cannot reach the Bot API") and "keeps trying" in line(at_start, EN)


def test_the_proxy_is_named_without_its_password(tmp_path: Path) -> None:
    config = config_for(tmp_path, base_url="")
    proxied = replace(config, telegram=TelegramConfig("1:a", "", "", "socks5://user:pw@10.0.0.1:1080"))
    outcome = check.Outcome("token", True, "ops.token.ok", {"via": check._via(proxied), "username": "x"})
    assert "代理 socks5://10.0.0.1:1080" in line(outcome)
    assert "pw" not in line(outcome)


async def test_database_new_sound_pending_corrupt_and_newer(tmp_path: Path) -> None:
    path = tmp_path / "shouwang.db"
    new = check.check_database(path)
    assert new.ok and new.key == "ops.db.new"
    assert not path.exists()  # the check creates nothing
    db = await Database.open(path)
    await db.close()
    sound = check.check_database(path)
    assert sound.ok and line(sound) == f"✅ 数据库正常：{path}（完整性检查通过，没有待执行的迁移）"

    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM schema_migrations WHERE name = (SELECT MAX(name) FROM schema_migrations)")
    conn.commit()
    newest = conn.execute("SELECT MAX(name) FROM schema_migrations").fetchone()[0]
    conn.close()
    pending = check.check_database(path)
    assert pending.ok and pending.key == "ops.db.pending"
    assert "1 migration(s)" in line(pending, EN) and newest not in line(pending, EN)

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations (name) VALUES ('0999_future')")
    conn.commit()
    conn.close()
    newer = check.check_database(path)
    assert not newer.ok and "0999_future" in line(newer) and "更新的版本" in line(newer)

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    broken = check.check_database(junk)
    assert not broken.ok and line(broken).startswith(f"❌ 无法打开数据库 {junk}")


def test_database_failing_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "torn.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("CREATE INDEX t_v ON t (v)")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [(f"value {i}" * 5,) for i in range(2000)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in range(len(data) - 1024 * 4, len(data) - 1024 * 2):  # scribble over index/table pages
        data[offset] = 0x55
    path.write_bytes(bytes(data))
    outcome = check.check_database(path)
    assert not outcome.ok
    assert outcome.key in ("ops.db.corrupt", "ops.db.unreadable")


def test_secret_and_passphrase(tmp_path: Path) -> None:
    assert all(o.ok for o in check.check_secrets(config_for(tmp_path)))
    bare = config_for(tmp_path, secrets=False)  # the secret is then derived from the token: not "set"
    secret, passphrase = check.check_secrets(bare)
    assert not secret.ok and "SHOUWANG_SECRET" in line(secret)
    assert not passphrase.ok and "SHOUWANG_BACKUP_PASSPHRASE" in line(passphrase, EN)
    assert not any(o.fatal for o in check.check_secrets(bare, at_start=True))
    explicit = replace(bare, security=SecurityConfig("x" * 40), backup=replace(bare.backup, passphrase="p"))
    assert all(o.ok for o in check.check_secrets(explicit))


def test_timezone() -> None:
    assert check.check_timezone("Asia/Shanghai").ok
    assert line(check.check_timezone("Asia/Shanghai"), EN).startswith("✅ The time zone Asia/Shanghai resolves")
    bad = check.check_timezone("Mars/Olympus")
    assert not bad.ok and line(bad) == "❌ 时区 Mars/Olympus 无法解析：请检查 school.timezone，或安装 tzdata"


def test_font(monkeypatch: pytest.MonkeyPatch) -> None:
    found = check.check_font()
    assert found.ok and found.values["path"].endswith(".otf")  # type: ignore[union-attr]
    from bot.services import charts

    def gone() -> Path:
        raise FileNotFoundError("/nowhere/NotoSansCJKsc-Regular.otf")

    monkeypatch.setattr(charts, "cjk_font_path", gone)
    missing = check.check_font()
    assert not missing.ok and "/nowhere/NotoSansCJKsc-Regular.otf" in line(missing)


def test_backup_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "backups"
    outcome = check.check_backup_folder(folder)  # not there yet: the bot creates it inside tmp_path
    assert outcome.ok and "MB" in line(outcome) and not folder.exists()
    assert list(tmp_path.iterdir()) == []  # the probe file is gone
    assert not check.check_backup_folder(folder, need_mb=10**12).ok
    assert "至少要 1000000000000 MB" in line(check.check_backup_folder(folder, need_mb=10**12))
    readonly = tmp_path / "ro"
    readonly.mkdir()
    monkeypatch.setattr(check.tempfile, "NamedTemporaryFile", _refuse)
    refused = check.check_backup_folder(readonly)
    assert not refused.ok and line(refused, EN).startswith(f"❌ The backup folder {readonly} is not writable")


def _refuse(**_: object) -> object:
    raise PermissionError(13, "Permission denied")


# --- the command ----------------------------------------------------------------------------------------


@pytest.fixture
def served() -> object:
    """A Bot API server on its own loop in a thread, for main(), which runs asyncio.run itself."""
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(BotAPIServer.start(), loop).result(10)
    yield server
    asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_check_passes_with_exit_0_in_chinese(
    tmp_path: Path, served: BotAPIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, base_url=served.base_url, token=served.token)
    assert main(["--config", str(config), "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9  # config, token, database, secret, passphrase, time zone, font, backups, summary
    assert all(text.startswith("✅") for text in lines[:-1]), lines
    assert lines[-1] == "全部检查通过。"


def test_check_fails_with_exit_1_in_english(
    tmp_path: Path, served: BotAPIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, base_url=served.base_url, token=served.token, language="en", secrets=False)
    assert main(["--config", str(config), "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [text[:1] for text in lines[:-1]] == ["✅", "✅", "✅", "❌", "❌", "✅", "✅", "✅"]
    assert lines[-1].startswith("2 check(s) failed")
    # As the bot judges at start, a missing secret only warns.
    assert main(["--config", str(config), "check", "--at-start"]) == 0


def test_check_with_a_broken_config_exits_2_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[telegram\n", encoding="utf-8")
    assert main(["--config", str(path), "check"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("❌ 配置有误：") and str(path) in out


def test_a_failing_check_stops_the_bot_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database that is not one: the bot says so in one line and exits 2 before reaching the network."""
    config = write_config(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "shouwang.db").write_bytes(b"not a database at all" * 200)
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"❌ 无法打开数据库 {tmp_path / 'data' / 'shouwang.db'}" in err
