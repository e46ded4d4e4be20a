"""Config errors name the file and the key, exit with code 2 and never show a traceback; BOT_TOKEN wins."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
[telegram]
token = "123456:FILE-token"
[school]
name = "利川思源实验学校"
timezone = "Asia/Shanghai"
language = "zh_CN"
admins = [1001]
[storage]
database = "data/shouwang.db"
"""


def write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_change(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def run_bot(config: Path, *, env_token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SHOUWANG_SECRET")}
    if env_token is not None:
        env["BOT_TOKEN"] = env_token
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str], path: Path, key: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr
    assert f"[{key}]" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("config error")]) == 1


# --- through the command line, as an operator meets them ------------------------------------------------


def test_cli_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    result = run_bot(path)
    assert_clean_exit(result, path, "-")
    assert "config.example.toml" in result.stderr


def test_cli_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "123:abc\n')
    result = run_bot(path)
    assert_clean_exit(result, path, "-")
    assert "TOML" in result.stderr


def test_cli_missing_token_names_key_and_env(tmp_path: Path) -> None:
    path = write(tmp_path, with_change('token = "123456:FILE-token"', 'token = ""'))
    result = run_bot(path)
    assert_clean_exit(result, path, "telegram.token")
    assert "BOT_TOKEN" in result.stderr


def test_cli_bad_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, with_change('"Asia/Shanghai"', '"Mars/Olympus"'))
    result = run_bot(path)
    assert_clean_exit(result, path, "school.timezone")


def test_cli_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(GOOD.encode("gb18030"))
    result = run_bot(path)
    assert_clean_exit(result, path, "-")
    assert "UTF-8" in result.stderr


def test_cli_config_is_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    result = run_bot(path)
    assert_clean_exit(result, path, "-")


def test_cli_database_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    path = write(tmp_path, with_change('database = "data/shouwang.db"', 'database = "blocker/shouwang.db"'))
    result = run_bot(path)
    assert_clean_exit(result, path, "storage.database")


def test_cli_token_from_environment_does_not_hide_other_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        with_change('token = "123456:FILE-token"', 'token = ""').replace('language = "zh_CN"', 'language = "fr"'),
    )
    result = run_bot(path, env_token="999:ENV-token")
    assert_clean_exit(result, path, "school.language")
    assert "999:ENV-token" not in result.stderr


# --- load_config directly, for every other key ----------------------------------------------------------

BAD_CASES = [
    ("no telegram table", GOOD.replace('[telegram]\ntoken = "123456:FILE-token"\n', ""), "telegram"),
    ("telegram not a table", GOOD.replace('[telegram]\ntoken = "123456:FILE-token"\n', 'telegram = "x"\n'), "telegram"),
    ("token a number", with_change('token = "123456:FILE-token"', "token = 123456"), "telegram.token"),
    ("token without colon", with_change('token = "123456:FILE-token"', 'token = "abcdef"'), "telegram.token"),
    ("base_url scheme", with_change("[school]", 'base_url = "ftp://x"\n[school]'), "telegram.base_url"),
    ("proxy scheme", with_change('token = "123456:FILE-token"', 'token = "1:a"\nproxy = "tcp://x"'), "telegram.proxy"),
    ("no school", GOOD.split("[school]")[0] + '[storage]\ndatabase = "x.db"\n', "school"),
    ("no school name", with_change('name = "利川思源实验学校"\n', ""), "school.name"),
    ("empty school name", with_change('name = "利川思源实验学校"', 'name = "  "'), "school.name"),
    ("school name a number", with_change('name = "利川思源实验学校"', "name = 5"), "school.name"),
    ("empty timezone", with_change('"Asia/Shanghai"', '""'), "school.timezone"),
    ("path timezone", with_change('"Asia/Shanghai"', '"../../etc/passwd"'), "school.timezone"),
    ("language", with_change('language = "zh_CN"', 'language = "fr"'), "school.language"),
    ("admins not a list", with_change("admins = [1001]", "admins = 1001"), "school.admins"),
    ("admins strings", with_change("admins = [1001]", 'admins = ["1001"]'), "school.admins"),
    ("admins booleans", with_change("admins = [1001]", "admins = [true]"), "school.admins"),
    ("admins negative", with_change("admins = [1001]", "admins = [-5]"), "school.admins"),
    ("no storage", GOOD.split("[storage]")[0], "storage"),
    ("no database", with_change('database = "data/shouwang.db"', ""), "storage.database"),
    ("empty database", with_change('database = "data/shouwang.db"', 'database = ""'), "storage.database"),
    ("timeout zero", GOOD + "[conversation]\ntimeout_minutes = 0\n", "conversation.timeout_minutes"),
    ("timeout text", GOOD + '[conversation]\ntimeout_minutes = "30"\n', "conversation.timeout_minutes"),
    ("timeout bool", GOOD + "[conversation]\ntimeout_minutes = true\n", "conversation.timeout_minutes"),
    ("ttl float", GOOD + "[conversation]\ninvitation_ttl_hours = 1.5\n", "conversation.invitation_ttl_hours"),
    ("conversation not a table", GOOD.replace("[telegram]", "conversation = 3\n[telegram]"), "conversation"),
    ("quiet hour", GOOD + '[scheduler]\nquiet_start = "25:00"\n', "scheduler.quiet_start"),
    ("quiet format", GOOD + '[scheduler]\nquiet_end = "7.30"\n', "scheduler.quiet_end"),
    ("quiet seconds", GOOD + '[scheduler]\nweekly_update_time = "18:00:00"\n', "scheduler.weekly_update_time"),
    ("weekday", GOOD + '[scheduler]\nweekly_update_day = "someday"\n', "scheduler.weekly_update_day"),
    ("rate", GOOD + "[scheduler]\nmessages_per_second = 0\n", "scheduler.messages_per_second"),
    ("tick", GOOD + "[scheduler]\ntick_seconds = -1\n", "scheduler.tick_seconds"),
    ("import size", GOOD + '[import]\nmax_file_mb = "big"\n', "import.max_file_mb"),
    ("secret", GOOD + "[security]\nsecret = 42\n", "security.secret"),
]


@pytest.mark.parametrize(("case", "text", "key"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_each_bad_key_is_named(tmp_path: Path, case: str, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.key == key, (case, str(caught.value))
    assert caught.value.path == path
    assert str(path) in str(caught.value) and f"[{key}]" in str(caught.value)


def test_good_config_and_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), environ={})
    assert config.telegram.token == "123456:FILE-token"
    assert config.telegram.base_url == "" and config.telegram.proxy == ""
    assert config.school.name == "利川思源实验学校"
    assert config.school.timezone.key == "Asia/Shanghai"
    assert config.school.admins == (1001,)
    assert config.conversation.timeout_minutes == 30
    assert config.scheduler.weekly_update_day == 4  # friday
    assert config.security.secret  # falls back to something, never empty


def test_bot_token_environment_wins(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert load_config(path, environ={"BOT_TOKEN": " 999:ENV-token "}).telegram.token == "999:ENV-token"
    assert load_config(path, environ={"BOT_TOKEN": ""}).telegram.token == "123456:FILE-token"
    empty = write(tmp_path, with_change('token = "123456:FILE-token"', 'token = ""'), "empty.toml")
    assert load_config(empty, environ={"BOT_TOKEN": "999:ENV-token"}).telegram.token == "999:ENV-token"
    with pytest.raises(ConfigError) as caught:
        load_config(empty, environ={})
    assert caught.value.key == "telegram.token"


def test_relative_database_is_next_to_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "etc" / "shouwang"
    folder.mkdir(parents=True)
    path = write(folder, GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path, environ={})
    assert config.storage.database.resolve() == (folder / "data" / "shouwang.db").resolve()
    relative = load_config(Path("..") / "etc" / "shouwang" / "config.toml", environ={})
    assert relative.storage.database.resolve() == (folder / "data" / "shouwang.db").resolve()
    absolute = write(folder, with_change('"data/shouwang.db"', f'"{(tmp_path / "abs.db").as_posix()}"'), "abs.toml")
    assert load_config(absolute, environ={}).storage.database == tmp_path / "abs.db"


def test_urls_accepted(tmp_path: Path) -> None:
    text = with_change(
        'token = "123456:FILE-token"',
        'token = "1:a"\nbase_url = "http://127.0.0.1:8081/bot"\nbase_file_url = "http://127.0.0.1:8081/file/bot"\n'
        'proxy = "socks5://127.0.0.1:1080"',
    )
    config = load_config(write(tmp_path, text), environ={})
    assert config.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert config.telegram.proxy.startswith("socks5://")


def test_example_config_loads(tmp_path: Path) -> None:
    """config.example.toml, as committed, is valid once a token is given."""
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config = load_config(write(tmp_path, example), environ={"BOT_TOKEN": "1:a"})
    assert config.telegram.token == "1:a"
