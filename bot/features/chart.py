"""`/progress` as a picture: a PNG chart of the weeks that `bot.features.progress.summarize` counted.

One bar a week for the number of check-ins (left scale) and a dot a week, joined by a line, for the
average intensity (0-10, right scale); week labels under the bars, a title, a small legend, and a
one-line caption with the pulls when there are any. The short text still says it in words; this is
what sits beside it on Telegram.

Pure and deterministic: no I/O, no logging, no fonts from the system (Pillow's own scalable default
font), no timestamps in the PNG, so the same `Progress` always gives the same bytes. The chart calls the
intensity "strength of the pull", as `prompts/system/progress.j2` does.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from bot.features.progress import Progress

if TYPE_CHECKING:  # Pillow is imported when a chart is drawn, not when the bot starts
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 450
_S = 2  # drawn at twice the size, then halved: smooth dots, lines and text
_TICKS = 5  # both scales have five steps, so one set of grid lines serves both

_BACKGROUND = "#FFFFFF"
_INK = "#1C2733"  # title, numbers
_MUTED = "#4F5B69"  # axes, labels
_GRID = "#E4E8ED"
_BASELINE = "#9AA5B1"
_BAR = "#6AAFA8"  # calm teal
_LINE = "#27406E"  # deep navy: apart from the bars in hue and in lightness, and in grey too


def progress_png(progress: Progress) -> bytes | None:
    """A PNG of about 800x450 px of `progress.weeks`; `None` when those weeks hold no check-in."""
    weeks = progress.weeks
    if not any(week.checkins > 0 for week in weeks):
        return None
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH * _S, HEIGHT * _S), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    caption = _caption(progress.pulls)

    left, right, top = 70, WIDTH - 62, 118
    bottom = HEIGHT - (84 if caption else 54)
    step = _nice_step(max(week.checkins for week in weeks))

    _text(draw, (30, 24), _title(len(weeks)), 28, _INK, "la")
    _legend(draw, 30, 76)
    _axes(draw, left, right, top, bottom, step)

    slot = (right - left) / len(weeks)
    bar_width = min(slot * 0.55, 64)
    points: list[tuple[float, float]] = []
    for i, week in enumerate(weeks):
        centre = left + slot * (i + 0.5)
        _text(draw, (centre, bottom + 12), week.start, 17, _MUTED, "ma")
        if week.checkins <= 0:
            continue
        bar_top = min(bottom - (bottom - top) * week.checkins / (step * _TICKS), bottom - 5)  # 1 in 500 shows too
        _box(draw, (centre - bar_width / 2, bar_top, centre + bar_width / 2, bottom), _BAR, radius=4)
        dot = None
        if week.average is not None and math.isfinite(week.average):
            dot = bottom - (bottom - top) * min(max(week.average, 0.0), 10.0) / 10
            points.append((centre, dot))
        _text(draw, (centre, _count_at(bar_top, bottom, dot)), str(week.checkins), 17, _INK, "mm")
    _line(draw, points)

    if caption:
        _text(draw, (WIDTH / 2, HEIGHT - 22), caption, 18, _INK, "ms")

    small = image.reduce(_S)  # each pixel the mean of its 2x2: smooth edges, flat colours stay exact
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _count_at(bar_top: float, bottom: float, dot: float | None) -> float:
    """Where the count goes: inside the top of the bar, else above it, else as near it as the dot allows."""
    places = [bar_top + 14] if bottom - bar_top >= 28 else []
    places.append(bar_top - 13)
    if dot is None:
        return places[0]
    places += sorted((dot + 18, dot - 18), key=lambda y: abs(y - bar_top))
    return next((y for y in places if abs(y - dot) >= 17.5), places[-1])


def _title(weeks: int) -> str:
    return "Your check-ins this week" if weeks == 1 else f"Your check-ins, last {weeks} weeks"


def _caption(pulls: Sequence[tuple[str, int]]) -> str:
    """ "Toward them 5 · Away from them 3 · Not sure 1" (the buttons' labels), leaving out what
    never came up; "" when nothing did."""
    return " · ".join(f"{label} {count}" for label, count in pulls if count > 0)


def _nice_step(most: int) -> int:
    """The smallest round step whose five steps reach `most` check-ins."""
    for magnitude in (1, 10, 100, 1000):
        for factor in (1, 2, 4, 5):
            if factor * magnitude * _TICKS >= most:
                return factor * magnitude
    return math.ceil(most / _TICKS)


def _axes(draw: ImageDraw.ImageDraw, left: float, right: float, top: float, bottom: float, step: int) -> None:
    """Grid lines with the check-ins on the left and the intensity on the right, and each scale named."""
    for tick in range(_TICKS + 1):
        y = bottom - (bottom - top) * tick / _TICKS
        if tick:
            _rule(draw, left, right, y, _GRID, 1)
        _text(draw, (left - 12, y), str(tick * step), 15, _MUTED, "rm")
        _text(draw, (right + 12, y), str(tick * 10 // _TICKS), 15, _LINE, "lm")
    _text(draw, (30, top - 16), "check-ins", 14, _MUTED, "ls")
    _text(draw, (WIDTH - 30, top - 16), "strength", 14, _LINE, "rs")
    _rule(draw, left, right, bottom, _BASELINE, 2)


def _legend(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    """A bar swatch and a dot-on-a-line swatch, each with its name; `y` is the middle of the row."""
    _box(draw, (x, y - 8, x + 16, y + 8), _BAR, radius=2)
    x = _text(draw, (x + 24, y), "Check-ins a week", 17, _INK, "lm") + 36
    _line(draw, [(x, y), (x + 30, y)], dots=False)
    _dot(draw, x + 15, y)
    _text(draw, (x + 40, y), "Average strength of the pull, out of 10", 17, _INK, "lm")


def _line(draw: ImageDraw.ImageDraw, points: Sequence[tuple[float, float]], dots: bool = True) -> None:
    if len(points) > 1:
        draw.line([(px * _S, py * _S) for px, py in points], fill=_LINE, width=3 * _S, joint="curve")
    if dots:
        for px, py in points:
            _dot(draw, px, py)


def _dot(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    r = 6.5 * _S
    draw.ellipse((x * _S - r, y * _S - r, x * _S + r, y * _S + r), fill=_LINE, outline=_BACKGROUND, width=2 * _S)


def _box(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], fill: str, radius: float) -> None:
    x0, y0, x1, y1 = (round(v) * _S for v in box)  # on whole pixels, so the bar's colour is exact to its edge
    r = min(round(radius * _S), (x1 - x0) // 2, (y1 - y0) // 2)
    draw.rounded_rectangle((x0, y0, x1, y1), radius=r, fill=fill, corners=(True, True, False, False))


def _rule(draw: ImageDraw.ImageDraw, x0: float, x1: float, y: float, fill: str, width: int) -> None:
    draw.line([(x0 * _S, y * _S), (x1 * _S, y * _S)], fill=fill, width=width * _S)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own scalable font (Aileron), from inside the package: nothing to download, no system font."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, fill: str, anchor: str) -> float:
    """Draws `text` at `xy` (1x coordinates) and returns where it ends on the right, in 1x coordinates."""
    font = _font(size * _S)
    draw.text((xy[0] * _S, xy[1] * _S), text, fill=fill, font=font, anchor=anchor)
    return draw.textbbox((xy[0] * _S, xy[1] * _S), text, font=font, anchor=anchor)[2] / _S


__all__ = ["progress_png"]
