"""config.toml -> frozen dataclasses; the BOT_TOKEN environment variable wins over the file."""

from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("zh_CN", "en")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(Exception):
    """A problem with the configuration, phrased for the operator: which file, which key, what is wrong."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path}: [{key}] {problem}")
        self.path = path
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str
    base_file_url: str
    proxy: str


@dataclass(frozen=True)
class SchoolConfig:
    name: str
    timezone: ZoneInfo
    language: str
    admins: tuple[int, ...]


@dataclass(frozen=True)
class CountyConfig:
    """The county office running the deployment; empty for a single school that runs its own bot."""

    name: str  # e.g. 利川市 (shown in the county's figures)
    staff: tuple[int, ...]  # Telegram user ids of the county office (县教育局 / 民政)


@dataclass(frozen=True)
class StorageConfig:
    database: Path


@dataclass(frozen=True)
class ConversationConfig:
    timeout_minutes: int
    invitation_ttl_hours: int


@dataclass(frozen=True)
class SchedulerConfig:
    tick_seconds: int
    quiet_start: time
    quiet_end: time
    weekly_update_day: int  # 0 = Monday, as datetime.weekday()
    weekly_update_time: time
    stale_after_hours: int
    no_contact_alert_days: int
    messages_per_second: float
    concern_resend_minutes: int


@dataclass(frozen=True)
class SecurityConfig:
    secret: str  # keys the HMAC of mailbox writers; a database dump alone cannot reveal who wrote
    configured: bool = True  # False: no secret was set, and this one is derived from the token


@dataclass(frozen=True)
class ImportConfig:
    max_file_mb: float


@dataclass(frozen=True)
class BackupConfig:
    folder: Path  # nightly online backups of the database land here
    keep: int  # how many nightly backups to keep
    at: time  # local time of the nightly backup
    passphrase: str  # encrypts the copy /backup sends; empty: /backup is refused


@dataclass(frozen=True)
class PrivacyConfig:
    retention_days: int  # after a child leaves school, how long before admins are offered erasure


@dataclass(frozen=True)
class Config:
    path: Path
    telegram: TelegramConfig
    school: SchoolConfig
    storage: StorageConfig
    conversation: ConversationConfig
    scheduler: SchedulerConfig
    security: SecurityConfig
    imports: ImportConfig
    backup: BackupConfig = BackupConfig(Path("backups"), 7, time(2, 30), "")
    privacy: PrivacyConfig = PrivacyConfig(730)
    county: CountyConfig = CountyConfig("", ())


class _Section:
    """Typed reads from one TOML table, each failure naming the file and the key."""

    def __init__(self, path: Path, name: str, data: dict[str, Any], *, required: bool) -> None:
        raw = data.get(name)
        if raw is None and required:
            raise ConfigError(path, name, "this section is missing")
        if raw is not None and not isinstance(raw, dict):
            raise ConfigError(path, name, "must be a table, for example [" + name + "]")
        self.path = path
        self.name = name
        self.data: dict[str, Any] = raw or {}

    def _key(self, key: str) -> str:
        return f"{self.name}.{key}"

    def _get(self, key: str, default: Any) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                raise ConfigError(self.path, self._key(key), "this key is missing")
            return default
        return self.data[key]

    def string(self, key: str, default: Any = "") -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise ConfigError(self.path, self._key(key), "must be a string in quotes")
        return value.strip()

    def integer(self, key: str, default: Any, *, minimum: int = 0, maximum: int | None = None) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.path, self._key(key), "must be a whole number")
        if value < minimum or (maximum is not None and value > maximum):
            limit = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise ConfigError(self.path, self._key(key), f"must be {limit}")
        return value

    def number(self, key: str, default: Any, *, minimum: float) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ConfigError(self.path, self._key(key), f"must be a number, at least {minimum}")
        return float(value)

    def clock(self, key: str, default: Any) -> time:
        value = self.string(key, default)
        try:
            hours, minutes = value.split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            raise ConfigError(self.path, self._key(key), 'must be a time like "21:30"') from None

    def url(self, key: str, schemes: tuple[str, ...]) -> str:
        value = self.string(key)
        if value and not value.startswith(schemes):
            raise ConfigError(self.path, self._key(key), "must start with " + " or ".join(schemes))
        return value


_REQUIRED = object()


def _derived_secret(token: str) -> str:
    """Without a configured secret, one derived from the token (never the token itself, which is logged nowhere
    but is shared with Telegram)."""
    return hmac.new(token.encode(), b"shouwang-secret", hashlib.sha256).hexdigest()


def _user_ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in value)


def load_config(path: Path, environ: dict[str, str] | None = None) -> Config:
    """Reads and validates the config file; raises ConfigError naming the file and the key."""
    env = os.environ if environ is None else environ
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, "-", "file not found; copy config.example.toml to config.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "-", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "-", "is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        # A directory, or a file the bot's user may not read: still one line, never a traceback.
        raise ConfigError(path, "-", f"cannot be read ({exc.strerror or type(exc).__name__})") from None

    telegram = _Section(path, "telegram", data, required=True)
    token = env.get("BOT_TOKEN", "").strip() or telegram.string("token")
    if not token:
        raise ConfigError(path, "telegram.token", "is empty; set it or the BOT_TOKEN environment variable")
    if ":" not in token:
        raise ConfigError(path, "telegram.token", "does not look like a token from @BotFather")

    school = _Section(path, "school", data, required=True)
    tz_name = school.string("timezone", "Asia/Shanghai")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(path, "school.timezone", f"unknown time zone {tz_name!r}") from None
    language = school.string("language", "zh_CN")
    if language not in LANGUAGES:
        raise ConfigError(path, "school.language", "must be one of " + ", ".join(LANGUAGES))
    admins_raw = school._get("admins", [])
    if not _user_ids(admins_raw):
        raise ConfigError(path, "school.admins", "must be a list of Telegram user ids, e.g. [123456789]")
    county = _Section(path, "county", data, required=False)
    county_staff = county._get("staff", [])
    if not _user_ids(county_staff):
        raise ConfigError(path, "county.staff", "must be a list of Telegram user ids, e.g. [123456789]")
    name = school.string("name", _REQUIRED)
    if not name:
        raise ConfigError(path, "school.name", "must not be empty")

    storage = _Section(path, "storage", data, required=True)
    database = storage.string("database", _REQUIRED)
    if not database:
        raise ConfigError(path, "storage.database", "must not be empty")
    db_path = Path(database)
    if not db_path.is_absolute():
        db_path = path.parent / db_path

    conversation = _Section(path, "conversation", data, required=False)
    scheduler = _Section(path, "scheduler", data, required=False)
    weekly_day = scheduler.string("weekly_update_day", "friday").lower()
    if weekly_day not in WEEKDAYS:
        raise ConfigError(path, "scheduler.weekly_update_day", "must be a weekday name, e.g. friday")
    security = _Section(path, "security", data, required=False)
    secret = env.get("SHOUWANG_SECRET", "").strip() or security.string("secret")
    imports = _Section(path, "import", data, required=False)
    backup = _Section(path, "backup", data, required=False)
    backup_folder = Path(backup.string("folder", "backups") or "backups")
    if not backup_folder.is_absolute():
        backup_folder = path.parent / backup_folder
    privacy = _Section(path, "privacy", data, required=False)

    return Config(
        path=path,
        telegram=TelegramConfig(
            token=token,
            base_url=telegram.url("base_url", ("http://", "https://")),
            base_file_url=telegram.url("base_file_url", ("http://", "https://")),
            proxy=telegram.url("proxy", ("http://", "https://", "socks5://", "socks5h://", "socks4://")),
        ),
        school=SchoolConfig(name=name, timezone=timezone, language=language, admins=tuple(admins_raw)),
        storage=StorageConfig(database=db_path),
        conversation=ConversationConfig(
            timeout_minutes=conversation.integer("timeout_minutes", 30, minimum=1),
            invitation_ttl_hours=conversation.integer("invitation_ttl_hours", 72, minimum=1),
        ),
        scheduler=SchedulerConfig(
            tick_seconds=scheduler.integer("tick_seconds", 30, minimum=1),
            quiet_start=scheduler.clock("quiet_start", "21:30"),
            quiet_end=scheduler.clock("quiet_end", "07:30"),
            weekly_update_day=WEEKDAYS.index(weekly_day),
            weekly_update_time=scheduler.clock("weekly_update_time", "18:00"),
            stale_after_hours=scheduler.integer("stale_after_hours", 48, minimum=1),
            no_contact_alert_days=scheduler.integer("no_contact_alert_days", 14, minimum=1),
            messages_per_second=scheduler.number("messages_per_second", 25, minimum=0.1),
            concern_resend_minutes=scheduler.integer("concern_resend_minutes", 60, minimum=1),
        ),
        security=SecurityConfig(secret=secret or _derived_secret(token), configured=bool(secret)),
        imports=ImportConfig(max_file_mb=imports.number("max_file_mb", 5, minimum=0.01)),
        backup=BackupConfig(
            folder=backup_folder,
            keep=backup.integer("keep", 7, minimum=1),
            at=backup.clock("time", "02:30"),
            passphrase=env.get("SHOUWANG_BACKUP_PASSPHRASE", "").strip() or backup.string("passphrase"),
        ),
        county=CountyConfig(name=county.string("name", ""), staff=tuple(county_staff)),
        privacy=PrivacyConfig(retention_days=privacy.integer("retention_days", 730, minimum=1)),
    )
