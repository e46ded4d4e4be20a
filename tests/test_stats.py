"""/stats against figures computed by hand (tests/reporting_fixture.py), drill-down, lists, access, charts."""

from __future__ import annotations

import html
import itertools
import math
import re
import struct
import warnings
from datetime import date
from typing import Any

import pytest
from matplotlib.axes import Axes
from matplotlib.ft2font import FT2Font

from bot.domain.roles import Actor
from bot.domain.stats import COUNTY, Scope, Term, last_days, parse_range, percent, rate, school_scope, term_of
from bot.services import charts, privacy
from bot.services import stats as stats_service
from bot.storage import people
from bot.storage.people import load_actor
from tests.harness import Harness
from tests.reporting_fixture import MENTOR_ID, build_school


def figure(text: str, label: str) -> str:
    match = re.search(rf"<b>{label}</b>：([^\n]+)", text)
    assert match, f"no figure {label} in {text}"
    return match.group(1)


def visible(html_text: str) -> str:
    """What Telegram shows (and counts) of an HTML message: the text without its tags and entities."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


async def test_stats_leads_with_the_key_figures(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.admin.send("/stats")
    text = report.text
    assert len(visible(text)) < 450, len(visible(text))
    assert "<i>" not in text  # no explanations here
    shown = re.findall(r"<b>([^<]+)</b>：", text)
    assert shown == ["留守儿童总数", "未指定监护人", "无法联系监护人", "结对帮扶覆盖", "家访逾期", "亲情电话完成率",
                     "关爱记录", "辍学率"]  # fmt: skip
    assert figure(text, "亲情电话完成率") == "4/8 次（50%）" and figure(text, "辍学率") == "1/5（20%）"
    assert "辍学率按2025—2026学年第二学期计算。" in text
    labels = [b["text"] for b in report.buttons()]
    assert "📋 未指定监护人名单（2）" in labels and "📋 家访逾期名单（1）" in labels
    assert "📖 全部指标与说明" in labels and "🖼 图表" in labels and "三年级" in labels
    # The rest and the explanations behind the button, in the same message; and back.
    await school.admin.press("全部指标与说明", message=report)
    assert school.admin.last is report and report.text.count("<i>") == 20  # every figure explained
    assert figure(report.text, "父母都外出") == "3（50%）"
    assert "⬅️ 只看要点" in [b["text"] for b in report.buttons()]
    await school.admin.press("只看要点", message=report)
    assert school.admin.last is report and report.text == text
    # The same in English.
    await people.set_language(harness.db, school.admin.id, "en", harness.clock())
    (english,) = await school.admin.send("/stats")
    assert len(visible(english.text)) < 600, len(visible(english.text))
    assert "<b>Family calls confirmed</b>: 4/8 (50%)" in english.text and "<i>" not in english.text
    await school.admin.press("All figures, explained", message=english)
    assert english.text.count("<i>") == 20 and "<b>Both parents away</b>: 3 (50%)" in english.text


async def test_school_figures_match_the_hand_count(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.admin.send("/stats")
    await school.admin.press("全部指标与说明", message=report)
    text = report.text
    assert "全校（利川思源实验学校）" in text
    assert figure(text, "留守儿童总数") == "6"
    assert figure(text, "父亲外出") == "2（33.3%）"
    assert figure(text, "母亲外出") == "1（16.7%）"
    assert figure(text, "父母都外出") == "3（50%）"
    assert figure(text, "未指定监护人") == "2"
    assert figure(text, "无法联系监护人") == "2"
    assert figure(text, "结对帮扶覆盖") == "2/6（33.3%）"
    assert figure(text, "寄宿现状") == "申请 1 人，已寄宿 1 人"
    assert figure(text, "未记录监护人同意") == "6"
    assert "· 一年级：2 人（父亲外出 1，母亲外出 0，父母都外出 1）" in text
    assert "· 三年级：4 人（父亲外出 1，母亲外出 1，父母都外出 2）" in text
    # Each figure is explained in one line, right under it.
    assert text.count("<i>") == 20  # every figure explained
    labels = [b["text"] for b in report.buttons()]
    assert "📋 未指定监护人名单（2）" in labels and "📋 没有帮扶教师名单（4）" in labels
    assert "📋 未记录同意名单（6）" in labels
    assert "一年级" in labels and "三年级" in labels
    audit = await harness.fetchall("SELECT actor_id, detail FROM audit_log WHERE action = 'stats'")
    # The audit names the school the figures were of.
    assert [(r["actor_id"], r["detail"]) for r in audit] == [(school.admin.id, "s1"), (school.admin.id, "s1")]


async def test_admin_drills_into_a_grade_then_a_class_and_back(harness: Harness) -> None:
    school = await build_school(harness)
    await school.admin.send("/stats")
    await school.admin.press("全部指标与说明")
    await school.admin.press("三年级")
    text = school.admin.last_text
    assert "<b>三年级</b>" in text and text.count("<i>") == 20  # drilling down keeps the full figures
    assert figure(text, "留守儿童总数") == "4"
    assert figure(text, "父母都外出") == "2（50%）"
    assert figure(text, "未指定监护人") == "1"
    assert figure(text, "无法联系监护人") == "1"
    assert figure(text, "结对帮扶覆盖") == "1/4（25%）"
    labels = [b["text"] for b in school.admin.last.buttons()]
    assert "1班" in labels and "2班" in labels and "⬆️ 返回全校" in labels
    await school.admin.press("2班")
    text = school.admin.last_text
    assert "<b>三年级2班</b>" in text
    assert figure(text, "留守儿童总数") == "3"
    assert figure(text, "寄宿现状") == "申请 0 人，已寄宿 1 人"
    await school.admin.press("返回全校")
    assert figure(school.admin.last_text, "留守儿童总数") == "6"


async def test_care_figures_match_the_hand_count(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.admin.send("/stats")
    await school.admin.press("全部指标与说明", message=report)
    text = report.text
    assert figure(text, "家访/谈话完成") == "2/3 次（66.7%）"
    assert figure(text, "家访逾期") == "1"
    assert figure(text, "关爱记录") == "家访/谈话 4 次，日常关注 4 次（需关注 1 次）"
    assert figure(text, "寄宿申请") == "申请 2 件，批准 1 件，待处理 1 件"
    assert figure(text, "辍学率") == "1/5（20%）"
    assert figure(text, "亲情电话完成率") == "4/8 次（50%）"
    _, data = await stats_service.summary(
        harness.app.bot_data["services"], Actor(user_id=1, admin_schools=frozenset({1})), school_scope(1)
    )
    assert data.weekly_calls == [
        (date(2026, 2, 2), 1, 1),
        (date(2026, 2, 9), 1, 0),
        (date(2026, 2, 16), 2, 1),
        (date(2026, 2, 23), 4, 2),
    ]
    _, first = await stats_service.summary(
        harness.app.bot_data["services"],
        Actor(user_id=1, admin_schools=frozenset({1})),
        Scope("class", school.classes["一年级1班"]),
    )
    assert (first.care["visits_done"], first.care["visits_due"], first.care["overdue"]) == (2, 2, 0)
    assert "2025—2026学年第二学期内辍学的孩子" in text
    # The previous term: boundaries at 2025-09-01 and 2026-01-31 (B leaves on the last day, C leaves and returns).
    await school.admin.press("2025—2026学年第一学期")
    text = school.admin.last_text
    assert figure(text, "辍学率") == "2/5（40%）"
    assert figure(text, "寄宿申请") == "申请 1 件，批准 0 件，待处理 1 件"
    assert "2025—2026学年第一学期内辍学的孩子" in text
    assert figure(text, "家访/谈话完成") == "2/3 次（66.7%）"  # the 30-day figures do not depend on the term
    # Drilling down keeps the chosen term; the button brings back the current one.
    await school.admin.press("三年级")
    assert figure(school.admin.last_text, "辍学率") == "1/3（33.3%）"  # C left in October
    await school.admin.press("2025—2026学年第二学期")
    assert figure(school.admin.last_text, "辍学率") == "1/4（25%）"
    # A forged or far-off term shows the current one.
    await school.admin.press_data("st:v:s:1999-1", message=report)
    assert figure(school.admin.last_text, "辍学率") == "1/5（20%）"
    await school.admin.press("家访逾期名单", message=report)
    assert "家访逾期</b>（共 1 人）" in school.admin.last_text and "晨晨（三年级2班）" in school.admin.last_text


async def test_head_teacher_care_figures(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.teacher.send("/stats")
    await school.teacher.press("全部指标与说明", message=report)
    text = report.text
    assert figure(text, "家访/谈话完成") == "0/1 次（0%）"
    assert figure(text, "关爱记录") == "家访/谈话 1 次，日常关注 1 次（需关注 0 次）"
    assert figure(text, "寄宿申请") == "申请 0 件，批准 1 件，待处理 0 件"
    assert figure(text, "辍学率") == "1/3（33.3%）"
    assert figure(text, "亲情电话完成率") == "1/4 次（25%）"  # C alone: 02-20, 02-23, 02-26, 03-01


async def test_lists_name_the_children_that_need_action(harness: Harness) -> None:
    school = await build_school(harness)
    await school.admin.send("/stats")
    await school.admin.press("未指定监护人名单")
    text = school.admin.last_text
    assert "未指定监护人</b>（共 2 人）" in text
    assert "贝贝（一年级1班）" in text and "方方（三年级2班）" in text
    assert "安安" not in text
    await school.admin.press("返回统计")
    await school.admin.press("无法联系监护人名单")
    text = school.admin.last_text
    assert "贝贝" in text and "丁丁" in text and "晨晨" not in text and "方方" not in text
    await school.admin.press("返回统计")
    await school.admin.press("没有帮扶教师名单")
    names = re.findall(r"\d+\. (\S+)（", school.admin.last_text)
    assert sorted(names) == sorted(["贝贝", "恩恩", "丁丁", "方方"])
    # A name opens the card (the card view checks access and audits the read).
    await school.admin.press("丁丁")
    assert "联系卡 · 丁丁" in school.admin.last_text


async def test_long_lists_paginate(harness: Harness) -> None:
    school = await build_school(harness)
    for n in range(40):
        await harness.db.execute(
            "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
            " VALUES (?, 'male', '2015-01-01', ?, 'both', '2026-01-01', '2026-01-01')",
            (f"孩子{n:02d}", school.classes["一年级1班"]),
        )
    await school.admin.send("/stats")
    await school.admin.press("未指定监护人名单")
    first = school.admin.last_text
    assert "共 42 人" in first and "第 1/2 页" in first and "30. " in first and "31. " not in first
    await school.admin.press("下一页")
    second = school.admin.last_text
    assert "第 2/2 页" in second and "31. " in second and "42. " in second
    # A forged page past the end shows the last page, not an empty one.
    await school.admin.press_data("st:l:nog:s:99")
    assert "第 2/2 页" in school.admin.last_text


async def test_head_teacher_sees_only_their_class(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.teacher.send("/stats")
    assert "<b>三年级2班</b>" in report.text
    assert figure(report.text, "留守儿童总数") == "3"
    assert figure(report.text, "无法联系监护人") == "1"
    labels = [b["text"] for b in report.buttons()]
    assert "⬆️ 返回全校" not in labels and "三年级" not in labels
    # Forged buttons for the school, a grade, another class, another class's list: refused.
    for data in ("st:v:s", "st:v:g1", f"st:v:c{school.classes['一年级1班']}", "st:l:nog:s:0", "st:c:s"):
        await school.teacher.press_data(data, message=report)
        assert "只能看本班" in school.teacher.last_text, data
    await school.teacher.press("未指定监护人名单", message=report)
    assert "方方" in school.teacher.last_text and "贝贝" not in school.teacher.last_text


async def test_people_without_a_report_role_are_refused(harness: Harness) -> None:
    school = await build_school(harness)
    mentor = harness.user(MENTOR_ID, "赵老师")
    await mentor.send("/stats")
    assert "只对学校领导小组和班主任开放" in mentor.last_text
    stranger = harness.user(9999, "路人")
    await stranger.send("/stats")
    assert "只对学校领导小组和班主任开放" in stranger.last_text
    await stranger.press_data("st:v:s", message=school.admin.inbox[0])
    assert "只对学校领导小组和班主任开放" in stranger.last_text


async def test_stale_and_forged_scopes(harness: Harness) -> None:
    school = await build_school(harness)
    (report,) = await school.admin.send("/stats")
    await school.admin.press_data("st:v:c999999", message=report)
    assert "已不存在" in school.admin.last_text
    await school.admin.press_data("st:l:nog:g999:0", message=report)
    assert "已不存在" in school.admin.last_text
    await school.admin.press_data("st:v:x1", message=report)  # no pattern matches: nothing breaks
    assert "已不存在" in school.admin.last_text


async def test_empty_school(harness: Harness) -> None:
    admin = harness.user(1001, "王校长")
    (report,) = await admin.send("/stats")
    assert figure(report.text, "留守儿童总数") == "0"
    assert "还没有登记任何孩子" in report.text
    await admin.press("全部指标与说明", message=report)
    # Nothing to divide by: no "0/0" and no dash, but what it means.
    assert figure(report.text, "结对帮扶覆盖") == "0" and figure(report.text, "父亲外出") == "0"
    assert figure(report.text, "亲情电话完成率") == "没有约定的亲情电话"
    assert figure(report.text, "家访/谈话完成") == "没有到期的家访/谈话"
    assert figure(report.text, "辍学率") == "0 人（学期初没有在读的孩子）"
    assert "0/0" not in report.text and "—）" not in report.text and "（—" not in report.text
    assert "还没有登记任何孩子" in report.text
    await admin.press("只看要点", message=report)
    await admin.press("图表")
    assert admin.last.kind == "photo" and admin.last.document
    # No family call agreed: the picture is the one panel of children (wider than tall), not half an empty one.
    width, height = _png_size(admin.last.document)
    assert width > height, (width, height)


async def test_chart_is_a_png_with_chinese_that_renders(harness: Harness) -> None:
    school = await build_school(harness)
    await school.admin.send("/stats")
    sent = await school.admin.press("图表")
    photo = sent[-1]
    assert photo.kind == "photo" and photo.text == "📊 全校（利川思源实验学校） 图表"
    assert photo.document is not None and photo.document.startswith(b"\x89PNG") and len(photo.document) > 10_000
    width, height = _png_size(photo.document)
    assert height > width, (width, height)  # calls were agreed: their weekly rate is drawn under the bars
    # The bundled font exists and has the glyphs the labels use.
    font = FT2Font(str(charts.cjk_font_path()))
    for char in "留守儿童各年级父亲母亲外出人数":
        assert font.get_char_index(ord(char)) != 0, char
    # matplotlib warns ("Glyph … missing from font") when a label would render as empty boxes: none here.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = charts.render(
            [charts.StackedBars("各年级留守儿童", ["一年级", "三年级"], [("父亲外出", [1, 2])], "人数", "暂无")],
            heading="全校",
        )
    assert png.startswith(b"\x89PNG")


def test_rates_and_terms() -> None:
    assert rate(1, 3) == 1 / 3 and rate(1, 0) is None
    assert percent(1, 3) == "33.3%" and percent(0, 0) == "—"
    # At most one decimal, and none when it is .0: 100%, not 100.0%.
    assert [percent(1, 1), percent(1, 2), percent(2, 3), percent(0, 5), percent(1, 7)] == ["100%", "50%", "66.7%",
                                                                                           "0%", "14.3%"]  # fmt: skip
    assert percent(1999, 2000) == "100%" and percent(1, 3000) == "0%"
    # Terms: 1 September – 31 January, 1 February – 31 August.
    assert term_of(date(2025, 9, 1)) == Term(2025, 1)
    assert term_of(date(2025, 8, 31)) == Term(2024, 2)
    assert term_of(date(2026, 1, 31)) == Term(2025, 1)
    assert term_of(date(2026, 2, 1)) == Term(2025, 2)
    assert Term(2025, 1).start == date(2025, 9, 1) and Term(2025, 1).end == date(2026, 1, 31)
    assert Term(2025, 2).start == date(2026, 2, 1) and Term(2025, 2).end == date(2026, 8, 31)
    assert Term(2025, 1).previous() == Term(2024, 2) and Term(2024, 2).next() == Term(2025, 1)
    assert Term.parse("2025-2") == Term(2025, 2) and Term.parse("2025-3") is None
    today = date(2026, 3, 2)
    assert last_days(today, 30).start == date(2026, 2, 1)
    period = parse_range("2026-02-01 至 2026/2/28", today=today)
    assert period is not None and period.days == 28
    assert parse_range("2026-02-30 2026-03-01", today=today) is None
    assert parse_range("2026-03-01 2026-02-01", today=today) is None
    assert parse_range("2026-02-01", today=today) is None
    assert Scope.parse("s") == school_scope(1)  # a button from before schools: the first school's
    assert Scope.parse("s2") == school_scope(2) and Scope.parse("k") == COUNTY
    assert Scope.parse("g3") == Scope("grade", 3, 1) and Scope.parse("g3.2") == Scope("grade", 3, 2)
    assert Scope.parse("c12") == Scope("class", 12) and Scope.parse("x") is None and Scope.parse("c12.3") is None
    for scope in (COUNTY, school_scope(7), Scope("grade", 3, 7), Scope("class", 12)):
        assert Scope.parse(scope.encode()) == scope


async def test_children_without_consent_are_listed_until_it_is_recorded(harness: Harness) -> None:
    school = await build_school(harness)
    names = await harness.fetchall("SELECT id, name FROM children ORDER BY id")
    by_name = {r["name"]: r["id"] for r in names}
    teacher = await load_actor(harness.db, school.teacher.id)
    services = harness.app.bot_data["services"]
    await privacy.record_paper_consent(services, teacher, by_name["丁丁"], "祖母")
    (report,) = await school.admin.send("/stats")
    await school.admin.press("全部指标与说明", message=report)
    assert figure(report.text, "未记录监护人同意") == "5"
    await school.admin.press("未记录同意名单")
    listed = school.admin.last_text
    assert "未记录监护人同意</b>（共 5 人）" in listed
    assert "丁丁" not in listed and "贝贝" in listed


# --- the chart's layout, checked on the drawn figure -----------------------------------------------------


def _bars(classes: int) -> charts.StackedBars:
    if classes == 1:
        names = ["三年级2班"]
    elif classes == 3:
        names = ["一年级", "二年级", "三年级"]
    else:
        names = [f"{grade}年级{n}班" for grade in "一二三四五六七八" for n in range(1, classes // 8 + 1)]
    counts = [(i * 7) % 13 + 3 for i in range(len(names))]
    return charts.StackedBars(
        "各年级留守儿童人数（按外出情况）",
        names,
        [("父亲外出", counts), ("母亲外出", [c // 2 for c in counts]), ("父母都外出", [c + 5 for c in counts])],
        "人数",
        "暂无数据",
    )


CALLS = charts.RateLine(
    "亲情电话完成率（按周）", ["2/2 周", "2/9 周", "2/16 周", "2/23 周"], [1.0, 0.0, 0.5, 0.5], "完成率 %", "没有"
)

NO_POINTS = charts.RateLine("Family calls confirmed (by week)", ["wk 2/2", "wk 2/9", "wk 2/16", "wk 2/23"],
                            [None, None, None, None], "Confirmed %", "No family calls agreed")  # fmt: skip


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("calls", [CALLS, NO_POINTS], ids=["calls", "no-points"])
@pytest.mark.parametrize("classes", [1, 3, 40])
def test_chart_legend_and_labels_stay_clear(classes: int, calls: charts.RateLine) -> None:
    figure = charts.draw([_bars(classes), calls], heading="全校（利川思源实验学校） 留守儿童情况（2026-03-02）")
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    bars = figure.axes[0]
    assert len(bars.patches) == 3 * classes
    legends = [*figure.legends, *[ax.get_legend() for ax in figure.axes if ax.get_legend()]]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        # Never over a bar, nor over a bar's total written above it.
        for patch in bars.patches:
            assert not box.overlaps(patch.get_window_extent(renderer)), (classes, patch)
        for text in bars.texts:
            assert not box.overlaps(text.get_window_extent(renderer)), (classes, text.get_text())
    # Not touching the edge either: Telegram rounds a photo's corners, and a label flush with the edge reads as cut.
    inside = figure.bbox.padded(-8)
    for ax in figure.axes:
        labels = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        assert labels
        for label in labels:
            assert inside.x0 <= label.x0 and label.x1 <= inside.x1 and inside.y0 <= label.y0, (classes, label)
        _assert_apart(ax, renderer)


def _assert_apart(ax: Axes, renderer: Any) -> None:
    """Neighbouring x tick labels do not touch: upright, their boxes are apart; slanted (all at one angle), the
    distance between their parallel baselines is at least a line of text."""
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    xs = [ax.transData.transform((x, 0))[0] for x in ax.get_xticks()[: len(ticks)]]
    for (left, x0), (right, x1) in itertools.pairwise(sorted(zip(ticks, xs, strict=True), key=lambda p: p[1])):
        angle = math.radians(left.get_rotation())
        if angle == 0:
            assert not left.get_window_extent(renderer).overlaps(right.get_window_extent(renderer)), left
        else:
            _, line, _ = renderer.get_text_width_height_descent("国", left.get_fontproperties(), ismath=False)
            assert (x1 - x0) * math.sin(angle) >= line, (left.get_text(), right.get_text())
