"""The message catalogue: complete in both languages, the same placeholders, valid Telegram HTML; and no
Chinese user-facing text hard-coded anywhere else in bot/."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.domain.archive import FIELDS
from bot.domain.roles import COMMANDS, OWN_WORDS, Access, Role
from bot.storage.audit import ACTIONS
from bot.texts import LOCALES, Raw, Texts, all_keys, template
from tests.fakebot import check_html

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
KEYS = all_keys()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogue_is_not_empty_and_keys_are_well_formed() -> None:
    assert len(KEYS) > 100
    for key in KEYS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+", key), key


@pytest.mark.parametrize("key", KEYS)
def test_every_key_is_complete_in_both_languages(key: str) -> None:
    zh, en = template(key, "zh_CN"), template(key, "en")
    assert zh.strip() and en.strip(), key
    assert placeholders(zh) == placeholders(en), key
    for locale in LOCALES:
        text = template(key, locale)
        values = {name: "值<&>" for name in placeholders(text)}
        rendered = Texts(locale).t(key, **values)  # every placeholder filled, none left over
        error, length = check_html(rendered)
        assert error is None, (key, locale, error)
        assert 0 < length <= 4096, key
        assert "&lt;&amp;&gt;" in rendered or not values  # values are escaped
    if CJK.search(en):
        # English text may name the Chinese language button and quote the bilingual prompt only.
        assert key in {"language.zh_CN", "language.choose"}, (key, en)


def test_raw_values_are_not_escaped_and_plain_ones_are() -> None:
    texts = Texts("zh_CN")
    assert texts.t("card.title", name="<b>x</b>") == "📇 <b>联系卡 · &lt;b&gt;x&lt;/b&gt;</b>"
    assert texts.t("register.review", card=Raw("<b>ok</b>")).endswith("<b>ok</b>")


def test_unknown_locale_falls_back_to_chinese() -> None:
    assert Texts("fr").t("cancel.done") == template("cancel.done", "zh_CN")
    assert Texts("en").t("cancel.done") == "Cancelled; nothing was saved."


def test_keys_built_at_run_time_exist() -> None:
    """Keys the code composes from names: fields, choices, roles, commands, flows."""
    needed = {f"field.{f.name}" for f in FIELDS}
    needed |= {f"choice.{f.name}.{c}" for f in FIELDS for c in f.choices}
    needed |= {f"role.{r.value}" for r in Role}
    needed |= {f"cmd.{name}" for name, _ in COMMANDS}
    needed |= {f"cmd.{name}.{audience}" for audience, _, names in OWN_WORDS for name in names}
    needed |= {f"audit.action.{code}" for code in ACTIONS} | {f"audit.access.{a.value}" for a in Access}
    needed |= {"flow.name.register", "flow.name.edit", "flow.name.invite"}
    assert needed - set(KEYS) == set()


def _literal_keys() -> set[tuple[str, str]]:
    """(file, key) for every t("…") / raw("…") / has("…") call with a literal key in bot/."""
    found = set()
    for path in BOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("t", "raw")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_every_literal_key_used_in_the_code_exists() -> None:
    missing = sorted((path, key) for path, key in _literal_keys() if key not in KEYS)
    assert missing == []


_REGEX_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}


def _cjk_literals(path: Path) -> list[tuple[int, str]]:
    """String literals with Chinese characters, except docstrings and patterns that parse what people type."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            allowed.add(id(body[0].value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _REGEX_FUNCTIONS
        ):
            pattern = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "pattern"), None)
            if isinstance(pattern, ast.Constant):
                allowed.add(id(pattern))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in allowed
        and CJK.search(node.value)
    ]


def test_no_chinese_text_outside_the_catalogue() -> None:
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if path.is_relative_to(BOT / "texts"):
            continue
        offenders += [f"{path.relative_to(ROOT)}:{line}: {value!r}" for line, value in _cjk_literals(path)]
    assert offenders == [], "user-facing text belongs in bot/texts/catalogue:\n" + "\n".join(offenders)


def test_the_scanner_finds_what_it_should(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""模块说明。"""\nimport re\n\n\ndef f() -> str:\n    """函数说明。"""\n'
        '    re.match(r"(.+年级)", "x")\n    return "你好"\n',
        encoding="utf-8",
    )
    assert _cjk_literals(sample) == [(8, "你好")]
