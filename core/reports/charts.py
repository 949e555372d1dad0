"""A figure drawn as SVG on the server with pygal, fit for the portal's CSP and no internet.

pygal's default SVG loads its tooltip script from an outside site and carries inline
script and style. Here it is rendered with `js=[]` (no outside script), the inline
script pygal still writes (its configuration, for the tooltips) and its generator
comments (which name pygal's web site) are removed, and the SVG is served as a file of
its own, shown through `<img>`: an image never runs script, its inline style cannot
touch the page, and the page's CSP (`style-src 'self'`) stays as it is. The SVG
answer carries its own CSP (`SVG_CSP`): nothing may load, only its own inline style.
"""

from __future__ import annotations

import re
import sys

import pygal
from pygal.style import Style

from core.reports.figures import ChartKind, Figure, format_value

# pygal adds an import hook for its map plugins (pygal.maps.*), which we do not use; it
# would answer every later import of the process with an ImportWarning. Take it out.
sys.meta_path[:] = [
    finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)
]

# For the SVG answer only: the page's policy stays strict.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
SVG_MIMETYPE = "image/svg+xml"

# pygal escapes every text it writes, so neither pattern can end inside a label.
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_SCRIPT = re.compile(rb"<script\b[^>]*/>|<script\b[^>]*>.*?</script>", re.DOTALL)
_FONTS = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
STYLE = Style(
    font_family=_FONTS,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#888888",
    colors=("#2f6f9f", "#d98c2b", "#4f9a55", "#b0413e", "#7a5ca8", "#666666"),
    title_font_size=16,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=11,
    tooltip_font_size=12,
)
MAX_X_LABELS = 16
PLOT_WIDTH = 760  # about what is left of the 860 pixels beside the y axis


def render_svg(figure: Figure, title: str, no_data: str) -> bytes:
    """The figure's series as an SVG chart; each drawn value carries its text (`<desc
    class="value">`), written exactly as the table writes it."""
    chart_class = pygal.Line if figure.kind is ChartKind.LINE else pygal.Bar
    labels = list(figure.labels)
    chart = chart_class(
        js=[],
        style=STYLE,
        width=860,
        height=420,
        title=title,
        no_data_text=no_data,
        value_formatter=lambda value: format_value(_whole(value), figure.unit),
        x_label_rotation=30 if _crowded(labels) else 0,
        show_minor_x_labels=len(labels) <= MAX_X_LABELS,
        x_labels_major_every=max(1, -(-len(labels) // MAX_X_LABELS)),
        truncate_label=-1,
        legend_at_bottom=True,
        allow_interruptions=True,
        dots_size=2.5 if len(labels) <= 62 else 1,
        print_values=False,
        min_scale=4,
        max_scale=8,
    )
    chart.x_labels = labels
    if not figure.suppressed:
        for series in figure.series:
            chart.add(series.name, list(series.values))
    return _SCRIPT.sub(b"", _COMMENT.sub(b"", chart.render()))


def _crowded(labels: list[str]) -> bool:
    """Whether the x labels would overlap side by side, so must be slanted. (pygal sizes
    slanted labels as Latin text, and Chinese ones would then run into the legend, so
    they stay level whenever they fit.)"""
    if not labels:
        return False
    # Glyph widths at the 11-pixel label size: a Chinese character, anything else.
    widest = max(sum(11 if ord(c) > 0x2E80 else 6 for c in label) for label in labels)
    return widest + 2 > PLOT_WIDTH // min(len(labels), MAX_X_LABELS)


def _whole(value: float | int | None) -> int | None:
    # pygal hands axis positions back as floats; our values are integers of the unit.
    return None if value is None else round(value)
