"""The layers hold: no import runs against the house's plan (docs/architecture.md), and nothing below the
handlers speaks Telegram.

Imports that break a rule today are listed in KNOWN, each a debt to pay: the test fails for a new one, and for a
listed one that is gone (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "bot"

PARTS = {  # where a module lives -> its part of the house
    "bot.handlers": "handlers",
    "bot.jobs": "jobs",
    "bot.services": "services",
    "bot.storage": "storage",
    "bot.domain": "domain",
    "bot.texts": "texts",
    "bot.telegram_io": "telegram_io",  # PTB's persistence, the rate limiter, the request wrapper
    "bot.views": "views",
}
# (from part, to part): why it must never be.
NEVER = {
    ("handlers", "storage"): "handlers ask services; services own the policy check and the audit",
    ("handlers", "jobs"): "a handler that must notify asks a service; jobs only tick",
    ("services", "handlers"): "use cases know no chat",
    ("services", "texts"): "services return message keys and values; views word them",
    ("services", "jobs"): "jobs call services, never the reverse",
    ("storage", "services"): "storage knows no use case",
    ("storage", "texts"): "rows hold data, not words",
    ("domain", "storage"): "rules are plain Python",
    ("domain", "services"): "rules are plain Python",
    ("domain", "texts"): "domain word lists are domain data",
    ("jobs", "handlers"): "a tick has no update",
    ("storage", "telegram_io"): "storage knows no Telegram; the persistence calls storage, not the reverse",
    ("services", "telegram_io"): "use cases know no Bot API",
    ("domain", "telegram_io"): "rules are plain Python",
    ("telegram_io", "handlers"): "the Bot API's plumbing knows no conversation",
    ("telegram_io", "services"): "the Bot API's plumbing knows no use case",
    ("telegram_io", "jobs"): "jobs use the plumbing, never the reverse",
    ("telegram_io", "texts"): "the plumbing carries messages, it does not word them",
    ("views", "handlers"): "views word what services return; they handle no update",
    ("views", "jobs"): "views word what services return; they run on no clock",
    ("views", "storage"): "views word what services return; they read no rows",
    ("services", "views"): "services say what happened; views say how (they are handed a Render)",
    ("storage", "views"): "rows hold data, not words",
    ("domain", "views"): "rules are plain Python",
}
NO_TELEGRAM = ("domain", "services", "storage")

# Today's debts: (module, imported module).
KNOWN: set[tuple[str, str]] = set()


def part_of(module: str) -> str | None:
    for prefix, part in PARTS.items():
        if module == prefix or module.startswith(prefix + "."):
            return part
    return None


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports (a `from bot.x import y` counts y too, when y is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [f"{node.module}.{alias.name}" for alias in node.names]
            if all(_is_module(m) for m in modules):
                found.update(modules)
            else:
                found.add(node.module)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.parent / Path(*name.split("."))
    return path.with_suffix(".py").exists() or path.is_dir()


def violations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        module = module_name(path)
        source = part_of(module)
        if source is None:
            continue
        for imported in imports_of(path):
            target = part_of(imported)
            if target is not None and target != source and (source, target) in NEVER:
                found[(module, imported)] = NEVER[(source, target)]
            elif source in NO_TELEGRAM and (imported == "telegram" or imported.startswith("telegram.")):
                found[(module, imported)] = "nothing below the handlers speaks Telegram"
    return found


def test_no_new_import_breaks_the_layers() -> None:
    new = {pair: why for pair, why in violations().items() if pair not in KNOWN}
    assert not new, "\n".join(f"{a} imports {b}: {why}" for (a, b), why in sorted(new.items()))


def test_the_list_of_debts_only_shrinks() -> None:
    paid = KNOWN - set(violations())
    assert not paid, f"no longer imported, take them off KNOWN: {sorted(paid)}"


def test_nothing_imports_a_private_telegram_module() -> None:
    """PTB's underscored modules change without notice: the bot uses its public names only."""
    private = {
        (module_name(path), imported)
        for path in sorted(ROOT.rglob("*.py"))
        for imported in imports_of(path)
        if imported.split(".")[0] == "telegram" and any(part.startswith("_") for part in imported.split("."))
    }
    assert not private, sorted(private)
