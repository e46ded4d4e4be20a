"""The systemd unit in deploy/: systemd itself accepts it (where systemd-analyze exists), and it has what a year
unattended needs: its own user, restarts, state and secrets outside the unit, the checks before the bot."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNIT = DEPLOY / "shouwang.service"
INSTALLED_PYTHON = "/opt/shouwang/.venv/bin/python"


def directives() -> dict[str, list[str]]:
    """Every `Key=value` of the [Service] section, a key that repeats keeping all its values."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def verify(text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    # verify wants the commands to exist: this test's interpreter stands in for the installed one.
    unit = folder / "shouwang.service"
    unit.write_text(text.replace(INSTALLED_PYTHON, sys.executable), encoding="utf-8")
    return subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    result = verify(UNIT.read_text(encoding="utf-8"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "Invalid" not in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine")
def test_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    broken = UNIT.read_text(encoding="utf-8").replace("ExecStart=/", "ExecStart=relative/")
    assert verify(broken, tmp_path).returncode != 0


def test_the_unit_has_what_running_unattended_needs() -> None:
    d = directives()
    assert d.get("User") == ["shouwang"] or d.get("DynamicUser") == ["yes"]
    assert d["Restart"] == ["on-failure"]
    assert d["StateDirectory"] == ["shouwang"]
    assert d["EnvironmentFile"] == ["/etc/shouwang/env"]
    assert not any(key in value for value in d.get("Environment", []) for key in ("TOKEN", "SECRET", "PASSPHRASE"))
    (pre,) = d["ExecStartPre"]
    assert pre.startswith(INSTALLED_PYTHON + " -m bot ") and pre.split()[-2:] == ["check", "--at-start"]
    (start,) = d["ExecStart"]
    assert start.startswith(INSTALLED_PYTHON + " -m bot ") and "check" not in start
    assert "2" in d["RestartPreventExitStatus"][0].split()  # a config problem is not retried forever


def test_the_paths_agree() -> None:
    """The config the unit starts with keeps its database and backups in the state directory."""
    config = (DEPLOY / "config.service.toml").read_text(encoding="utf-8")
    assert 'database = "/var/lib/shouwang/shouwang.db"' in config
    assert 'folder = "/var/lib/shouwang/backups"' in config
    env = configparser.ConfigParser()
    env.read_string("[env]\n" + (DEPLOY / "env.example").read_text(encoding="utf-8"))
    assert set(env["env"]) == {"bot_token", "shouwang_secret", "shouwang_backup_passphrase"}
    assert "u shouwang" in (DEPLOY / "shouwang.sysusers").read_text(encoding="utf-8")
