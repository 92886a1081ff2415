"""Bar charts drawn on the server as SVG: no script, a title and description for screen readers, every bar
labelled with its value, and the same figures in a table beside the chart (the page renders that)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Colours with at least 3:1 contrast on white (WCAG 1.4.11, non-text contrast), told apart by more than hue.
PALETTE = ("#1f5f99", "#b8460b", "#2e7d32", "#6a3d9a", "#8a5a00", "#00695c")
ROW_HEIGHT, BAR_HEIGHT, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 30, 18, 220, 420, 150


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    margin: float | None = None
    series: int = 0  # which colour (a subgroup)
    note: str = ""  # shown instead of a value when there is none ("suppressed")
    shown: str = ""  # the value as text when a number would not say it (a level's name)


def bar_chart(bars: list[Bar], *, title: str, description: str, unit: str, ident: str, rtl: bool = False,
              scale: float | None = None) -> str:
    """An SVG bar chart; percent axes run 0-100, counts and days from 0 to the largest value (or `scale`)."""
    top = max([b.value + (b.margin or 0) for b in bars if b.value is not None] or [0.0])
    scale_max = scale or (100.0 if unit == "percent" else (top or 1.0))
    height = ROW_HEIGHT * len(bars) + 30
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    suffix = " %" if unit == "percent" else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-labelledby="{ident}-title {ident}-desc" direction="{"rtl" if rtl else "ltr"}">',
             f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>']
    label_x, anchor = (LABEL_WIDTH - 8, "end")
    for i, bar in enumerate(bars):
        y = 10 + i * ROW_HEIGHT
        parts.append(f'<text x="{label_x}" y="{y + BAR_HEIGHT - 4}" text-anchor="{anchor}" class="chart-label">'
                     f'{escape(bar.label)}</text>')
        if bar.value is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + BAR_HEIGHT - 4}" class="chart-note">'
                         f'{escape(bar.note)}</text>')
            continue
        length = max(PLOT_WIDTH * min(bar.value / scale_max, 1.0), 1.0)
        colour = PALETTE[bar.series % len(PALETTE)]
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                     f'fill="{colour}"/>')
        end = LABEL_WIDTH + length
        if bar.margin:
            low = LABEL_WIDTH + PLOT_WIDTH * max(bar.value - bar.margin, 0) / scale_max
            high = LABEL_WIDTH + PLOT_WIDTH * min((bar.value + bar.margin) / scale_max, 1.0)
            mid = y + BAR_HEIGHT / 2
            parts.append(f'<path d="M{low:.1f} {mid}H{high:.1f}M{low:.1f} {mid - 5}V{mid + 5}M{high:.1f} '
                         f'{mid - 5}V{mid + 5}" stroke="#000" stroke-width="1.5" fill="none"/>')
            end = max(end, high)
        shown = bar.shown or f"{bar.value:g}{suffix}" + (f" ± {bar.margin:g}" if bar.margin else "")
        parts.append(f'<text x="{end + 6:.1f}" y="{y + BAR_HEIGHT - 4}" class="chart-value">{escape(shown)}</text>')
    axis_y = 10 + len(bars) * ROW_HEIGHT
    parts.append(f'<path d="M{LABEL_WIDTH} 6V{axis_y}H{LABEL_WIDTH + PLOT_WIDTH}" stroke="#595959" fill="none"/>')
    parts.append(f'<text x="{LABEL_WIDTH}" y="{axis_y + 16}" class="chart-axis">0</text>')
    parts.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH}" y="{axis_y + 16}" text-anchor="end" class="chart-axis">'
                 f'{"" if unit == "level" else f"{scale_max:g}{suffix}"}</text></svg>')
    return "".join(parts)
