"""Charts as PNG bytes: matplotlib's Agg backend (no display), with a bundled CJK font, off the event loop.

The font is Noto Sans CJK SC, shipped inside the `mplfonts` package from PyPI, so `pip install` alone
makes Chinese labels render (no empty boxes) on a fresh machine without system fonts.
"""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

FONT_FILE = "NotoSansCJKsc-Regular.otf"
# matplotlib's font cache and text layout are not thread-safe: one chart at a time.
_render_lock = threading.Lock()

# Colours that stay distinct when printed in grey (father, mother, both).
KIND_COLOURS = ("#4C72B0", "#DD8452", "#C44E52")


@cache
def cjk_font_path() -> Path:
    """The bundled CJK font file; raises FileNotFoundError if the package is missing."""
    path = Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(path)
    font_manager.fontManager.addfont(str(path))
    return path


def cjk_font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=str(cjk_font_path()))


@dataclass(frozen=True)
class StackedBars:
    """Bars per category (e.g. grades), stacked by series (e.g. father / mother / both away)."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[int]]]
    y_label: str
    empty_note: str


@dataclass(frozen=True)
class RateLine:
    """A percentage per period (e.g. family calls confirmed per week); None where nothing was due."""

    title: str
    periods: list[str]
    values: list[float | None]
    y_label: str
    empty_note: str


# Past this many bars the names are slanted and the picture widens, up to WIDEST inches.
UPRIGHT_LABELS = 8
WIDTH, WIDEST = 8.0, 16.0
# Past this many bars a bar is too narrow for the counts inside it; the total above it stays.
COUNTS_INSIDE = 15


def _width(charts: list[StackedBars | RateLine]) -> float:
    bars = max((len(c.categories) for c in charts if isinstance(c, StackedBars)), default=0)
    return min(WIDEST, WIDTH + 0.25 * max(0, bars - UPRIGHT_LABELS))


def _stacked(ax: Axes, spec: StackedBars) -> None:
    font = cjk_font()
    count = len(spec.categories)
    bottoms = [0] * count
    for (label, values), colour in zip(spec.series, KIND_COLOURS * 3, strict=False):
        bars = ax.bar(spec.categories, values, bottom=bottoms, label=label, color=colour)
        if count <= COUNTS_INSIDE:
            ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", color="white")
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for x, total in enumerate(bottoms):
        ax.annotate(str(total), (x, total), ha="center", va="bottom", fontproperties=font)
    # The legend sits in a row above the bars, under the title, so it can never hide a bar.
    ax.legend(prop=font, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=max(1, len(spec.series)),
              frameon=False, borderaxespad=0.2)  # fmt: skip
    ax.set_title(spec.title, fontproperties=font, fontsize=14, pad=26)
    ax.set_ylabel(spec.y_label, fontproperties=font)
    if not spec.categories:
        ax.text(0.5, 0.5, spec.empty_note, ha="center", va="center", fontproperties=font, transform=ax.transAxes)
    else:
        # One or two bars keep a bar's width instead of filling the whole panel.
        spare = max(0.0, (3 - count) / 2)
        ax.set_xlim(-0.5 - spare, count - 0.5 + spare)
    if count > UPRIGHT_LABELS:
        for tick in ax.get_xticklabels():
            tick.set_rotation(45)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.set_ylim(0, max([*bottoms, 1]) * 1.15)


def _line(ax: Axes, spec: RateLine) -> None:
    font = cjk_font()
    points = [(x, v * 100) for x, v in enumerate(spec.values) if v is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", color=KIND_COLOURS[0])
        for x, y in points:
            ax.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center")
    else:
        ax.text(0.5, 0.5, spec.empty_note, ha="center", va="center", fontproperties=font, transform=ax.transAxes)
    ax.set_xticks(range(len(spec.periods)), spec.periods)
    # Half a period of room at each end, so the first and last week's labels sit under their points, not past
    # the edge of the picture.
    ax.set_xlim(-0.5, len(spec.periods) - 0.5)
    # A little room under 0% too, so a week with no call confirmed is a point above the axis, not on it.
    ax.set_ylim(-5, 115)
    ax.set_yticks(range(0, 101, 20))
    ax.set_title(spec.title, fontproperties=font, fontsize=14)
    ax.set_ylabel(spec.y_label, fontproperties=font)


def draw(charts: list[StackedBars | RateLine], *, heading: str, note: str = "") -> Figure:
    """The charts one above the other in one figure, laid out, with an optional note under them (the caller
    holds `_render_lock`)."""
    font = cjk_font()
    slanted = any(isinstance(c, StackedBars) and len(c.categories) > UPRIGHT_LABELS for c in charts)
    height = 4.2 * len(charts) + 0.6 + (0.7 if slanted else 0) + (0.3 if note else 0)
    # A margin round the edge: Telegram rounds a photo's corners and would clip a label flush with them.
    layout = ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.12)
    figure = Figure(figsize=(_width(charts), height), dpi=110, layout=layout)
    FigureCanvasAgg(figure)
    figure.suptitle(heading, fontproperties=font, fontsize=15)
    axes = figure.subplots(len(charts), 1, squeeze=False)
    for ax, spec in zip(axes[:, 0], charts, strict=True):
        if isinstance(spec, StackedBars):
            _stacked(ax, spec)
        else:
            _line(ax, spec)
        for tick in ax.get_xticklabels():
            tick.set_fontproperties(font)
    if note:
        figure.supxlabel(note, fontproperties=font, fontsize=11, color="#555555")
    return figure


def render(charts: list[StackedBars | RateLine], *, heading: str, note: str = "") -> bytes:
    """Draws the charts one above the other into one PNG (blocking: call through `render_async`)."""
    with _render_lock:
        figure = draw(charts, heading=heading, note=note)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()


async def render_async(charts: list[StackedBars | RateLine], *, heading: str, note: str = "") -> bytes:
    """Renders in a worker thread, so the bot keeps answering others while matplotlib draws."""
    return await asyncio.to_thread(render, charts, heading=heading, note=note)
