"""Server-side bar charts: the geometry of plain SVG rectangles, drawn by templates/proposals/includes/bar_chart.html.

No library and no JavaScript: a chart is a list of bars with their
coordinates in a 320-unit-wide viewBox that scales to the screen; each chart
sits beside a table with the same numbers for screen readers.
"""

from dataclasses import dataclass

WIDTH = 320
LABEL_WIDTH = 110
BAR_SPACE = 160
ROW = 26


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    y: int
    width: float
    text_x: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    target_x: float | None
    bar_x: int = LABEL_WIDTH
    width: int = WIDTH


def _short(label: str, limit: int = 12) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    items: list[tuple[str, float | None, str]],
    *,
    maximum: float | None = None,
    target: float | None = None,
) -> Chart:
    """`items` are (label, value or None, shown text); bars scale to `maximum` (the largest value by default)."""
    values = [v for _label, v, _text in items if v is not None]
    top = maximum or max([*values, target or 0, 0]) or 1
    bars = []
    for i, (label, value, text) in enumerate(items):
        width = 0.0 if value is None else round(BAR_SPACE * value / top, 1)
        bars.append(
            Bar(
                label=_short(label),
                display=text,
                y=i * ROW + 4,
                width=width,
                text_x=LABEL_WIDTH + width + 4,
            )
        )
    target_x = None
    if target is not None:
        target_x = round(LABEL_WIDTH + BAR_SPACE * target / top, 1)
    return Chart(bars=bars, height=len(items) * ROW + 8, target_x=target_x)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"
