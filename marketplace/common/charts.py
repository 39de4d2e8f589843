"""Bar charts drawn on the server as inline SVG (templates/common/charts/).

The Content-Security-Policy allows no inline script or style, so a chart is plain SVG markup:
rectangles with `fill` attributes and text, sized here. Every chart is shown beside a table of
the same figures (templates/common/charts/table.html), which screen readers and phones without
room to read small labels use; the SVG itself is a picture of that table.

    chart = bar_chart(
        [("Setda", 12_500_000), ("Bappeda", 4_000_000)],
        title="Spending per unit",
        value_text=format_rupiah,
    )
    {% include "common/charts/bar_chart.html" with chart=chart %}
    {% include "common/charts/table.html" with chart=chart %}

Horizontal bars (the default) suit long labels on a phone: each label sits above its bar.
Columns (`columns=True`) suit a series such as the twelve months.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

WIDTH = 360  # the SVG's own units; it scales to its container (width="100%")
COLOURS = ("#1b6ca8", "#e07a1f", "#2e8540", "#8a4fb5", "#b8860b", "#c0392b", "#4a6572")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str
    tick: str  # the text drawn under a column (a short label); the label itself for bars
    x: float
    y: float
    width: float
    height: float
    fill: str
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    value_anchor: str  # "start" or "end" (SVG text-anchor)


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    columns: bool
    label_heading: str
    value_heading: str
    chart_id: str

    @property
    def empty(self) -> bool:
        return not self.bars or all(b.value <= 0 for b in self.bars)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _scale(value: float, largest: float, room: float) -> float:
    if largest <= 0 or value <= 0:
        return 0.0
    return round(max(value / largest * room, 1.0), 2)


def bar_chart(
    items: Iterable[tuple[str, float]],
    *,
    title: str,
    value_text: Callable[[float], str] = lambda v: f"{v:g}",
    columns: bool = False,
    label_heading: str = "",
    value_heading: str = "",
    chart_id: str = "chart",
    colour: str | None = None,
    colours: Iterable[str] | None = None,
    ticks: Iterable[str] | None = None,
    bar_height: int = 14,
) -> BarChart:
    """A chart of `items` ((label, value) pairs, drawn in the order given).

    `colour` paints every bar alike (the default: the first of COLOURS); `colours` gives one per
    bar (for marks such as green / yellow / red, always with a text beside them). `ticks` are
    short texts drawn under columns ("Jan" for "Januari"); the table shows the full labels."""
    items = [(str(label), float(value or 0)) for label, value in items]
    ticks = [str(t) for t in ticks] if ticks is not None else [label for label, _value in items]
    fills = list(colours) if colours is not None else [colour or COLOURS[0]] * len(items)
    largest = max((v for _label, v in items), default=0.0)
    bars = []
    if columns:
        height, top, bottom = 200, 18, 34
        room = height - top - bottom
        slot = WIDTH / max(len(items), 1)
        width = round(slot * 0.7, 2)
        for i, (label, value) in enumerate(items):
            h = _scale(value, largest, room)
            x = round(i * slot + (slot - width) / 2, 2)
            bars.append(
                Bar(
                    label=label,
                    value=value,
                    value_text=value_text(value),
                    tick=ticks[i] if i < len(ticks) else label,
                    x=x,
                    y=round(top + room - h, 2),
                    width=width,
                    height=h,
                    fill=fills[i % len(fills)] if fills else COLOURS[0],
                    label_x=round(x + width / 2, 2),
                    label_y=height - bottom + 14,
                    value_x=round(x + width / 2, 2),
                    value_y=round(top + room - h - 4, 2),
                    value_anchor="middle",
                )
            )
        return BarChart(title, tuple(bars), WIDTH, height, True, label_heading, value_heading, chart_id)

    label_room, gap = 14, 8
    row = label_room + bar_height + gap
    room = WIDTH * 0.62  # the rest of the width holds the value's text
    for i, (label, value) in enumerate(items):
        y = i * row + label_room
        w = _scale(value, largest, room)
        bars.append(
            Bar(
                label=label,
                value=value,
                value_text=value_text(value),
                tick=label,
                x=0,
                y=y,
                width=w,
                height=bar_height,
                fill=fills[i % len(fills)] if fills else COLOURS[0],
                label_x=0,
                label_y=y - 3,
                value_x=round(w + 4, 2),
                value_y=y + bar_height - 3,
                value_anchor="start",
            )
        )
    height = max(len(items) * row, row)
    return BarChart(title, tuple(bars), WIDTH, height, False, label_heading, value_heading, chart_id)
