"""The `/progress` chart, judged by its pixels: the bars, dots and caption a person would see."""

from __future__ import annotations

import io
import struct
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from PIL import Image, ImageColor

from bot.features import chart
from bot.features.chart import progress_png
from bot.features.counts import Measure, count_all
from bot.features.progress import Progress, Week, summarize

BAR = ImageColor.getrgb(chart._BAR)
LINE = ImageColor.getrgb(chart._LINE)
PLOT_TOP = 100  # below the legend, whose swatch has the bar colour too

SIX_WEEKS = Progress(
    checkins=12,
    pulls=[("Toward them", 5), ("Away from them", 3), ("Not sure", 1)],
    weeks=[
        Week("14 Oct", 3, 6.0),
        Week("21 Oct", 0, None),
        Week("28 Oct", 6, 6.0),
        Week("4 Nov", 1, 2.5),
        Week("11 Nov", 0, None),
        Week("18 Nov", 2, 8.0),
    ],
)


def render(progress: Progress) -> Image.Image:
    png = progress_png(progress)
    assert png is not None
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def bars(image: Image.Image) -> list[tuple[int, int]]:
    """(centre x, height in px) of each bar, left to right, found by the bar colour alone."""
    width, height = image.size
    pixels = image.load()
    counts = [sum(pixels[x, y] == BAR for y in range(PLOT_TOP, height)) for x in range(width)]
    found: list[tuple[int, int]] = []
    x = 0
    while x < width:
        if counts[x] < 2:
            x += 1
            continue
        start = x
        while x < width and counts[x] >= 2:
            x += 1
        if x - start >= 10:  # a bar, not a stray pixel of text
            found.append(((start + x - 1) // 2, max(counts[start:x])))
    return found


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 60


def longest_run(image: Image.Image, x: int, colour: tuple[int, int, int]) -> tuple[int, int]:
    """The longest vertical run of (about) `colour` in column `x`: (length, y of its middle)."""
    pixels = image.load()
    best, best_middle, run = 0, -1, 0
    for y in range(PLOT_TOP, image.size[1]):
        run = run + 1 if near(pixels[x, y], colour) else 0
        if run > best:
            best, best_middle = run, y - run // 2
    return best, best_middle


def png_chunks(png: bytes) -> list[bytes]:
    names, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        names.append(png[at + 4 : at + 8])
        at += 12 + length
    return names


def test_a_png_of_the_expected_size() -> None:
    png = progress_png(SIX_WEEKS)
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (800, 450)


@pytest.mark.parametrize(
    "progress",
    [
        Progress(0),
        Progress(4, [("Toward them", 4)]),  # check-ins, but none in the weeks shown
        Progress(0, weeks=[Week("11 Nov", 0, None), Week("18 Nov", 0, None)]),
    ],
)
def test_nothing_to_draw_gives_none(progress: Progress) -> None:
    assert progress_png(progress) is None


def test_the_same_progress_gives_the_same_bytes() -> None:
    again = Progress(12, list(SIX_WEEKS.pulls), list(SIX_WEEKS.weeks))
    first = progress_png(SIX_WEEKS)
    assert first is not None
    assert progress_png(again) == first
    assert b"tIME" not in png_chunks(first)
    assert not {b"tEXt", b"iTXt", b"zTXt", b"eXIf"} & set(png_chunks(first))


def test_more_checkins_make_a_taller_bar() -> None:
    found = bars(render(SIX_WEEKS))
    heights = [height for _, height in found]
    assert len(heights) == 4  # 3, 6, 1, 2 check-ins
    assert heights[1] > heights[0] > heights[3] > heights[2] > 0
    step = heights[3] - heights[2]  # one check-in more: 2 against 1
    assert heights[1] - heights[0] == pytest.approx(3 * step, abs=2)  # to scale: 6 against 3
    assert heights[0] - heights[2] == pytest.approx(2 * step, abs=2)  # 3 against 1


def test_empty_weeks_have_no_bar_and_keep_their_place() -> None:
    centres = [x for x, _ in bars(render(SIX_WEEKS))]
    assert len(centres) == 4  # six weeks, two of them empty
    slot = centres[2] - centres[1]  # 28 Oct and 4 Nov are neighbours
    assert centres[1] - centres[0] == pytest.approx(2 * slot, abs=2)  # 21 Oct left empty between
    assert centres[3] - centres[2] == pytest.approx(2 * slot, abs=2)  # 11 Nov left empty between


def test_a_dot_on_each_week_with_checkins_and_none_on_an_empty_week() -> None:
    image = render(SIX_WEEKS)
    centres = [x for x, _ in bars(image)]
    dots = [longest_run(image, x, LINE) for x in centres]
    assert all(length >= 8 for length, _ in dots), dots
    # higher intensity, higher dot: 8.0 (18 Nov) above 6.0 (14 Oct, 28 Oct) above 2.5 (4 Nov)
    assert dots[3][1] < dots[0][1] < dots[2][1]
    assert dots[0][1] == dots[1][1]
    # 21 Oct has no check-ins: the line runs level across it from 14 Oct to 28 Oct, with no dot on it
    empty = (centres[0] + centres[1]) // 2
    length, middle = longest_run(image, empty, LINE)
    assert 0 < length <= 5
    assert middle == pytest.approx(dots[0][1], abs=2)


def text_bands_under_the_bars(image: Image.Image) -> int:
    """How many separate lines of dark text lie below the lowest bar pixel."""
    found = bars(image)
    columns = range(found[0][0], found[-1][0] + 1)  # between the scales, whose 0 sits on the baseline
    pixels = image.load()
    lowest = max(y for y in range(image.size[1]) for x in columns if pixels[x, y] == BAR)
    bands, inked_before = 0, False
    for y in range(lowest + 1, image.size[1]):
        inked = any(sum(pixels[x, y]) < 300 for x in columns)
        bands += inked and not inked_before
        inked_before = inked
    return bands


def test_pulls_get_a_caption_line() -> None:
    assert text_bands_under_the_bars(render(SIX_WEEKS)) == 2  # week labels, then the caption
    assert text_bands_under_the_bars(render(Progress(12, [], SIX_WEEKS.weeks))) == 1  # week labels only
    assert chart._caption(SIX_WEEKS.pulls) == "Toward them 5 · Away from them 3 · Not sure 1"
    assert chart._caption([("Away from them", 2), ("Toward them", 0)]) == "Away from them 2"


def test_no_red_anywhere() -> None:
    image = render(SIX_WEEKS)
    reddish = [p for p in image.get_flattened_data() if p[0] > p[1] + 40 and p[0] > p[2] + 40]
    assert reddish == []


@pytest.mark.parametrize(
    "weeks",
    [
        [Week("18 Nov", 1, 10.0)],
        [Week("11 Nov", 480, 0.0), Week("18 Nov", 3, None)],
        [Week("11 Nov", 2, float("nan")), Week("18 Nov", 2, 14.0)],
    ],
)
def test_odd_weeks_still_draw(weeks: list[Week]) -> None:
    image = render(Progress(sum(w.checkins for w in weeks), [], weeks))
    assert image.size == (800, 450)
    assert len(bars(image)) == len(weeks)


def test_from_journal_rows() -> None:
    now = datetime(2024, 11, 20, 12, 0)
    session = iter(range(1, 100))

    def checkin(days_ago: int, intensity: int, urge: str, reached: bool = True) -> list[SimpleNamespace]:
        at, run = now - timedelta(days=days_ago), next(session)

        def row(kind: str, name: str, value: object) -> SimpleNamespace:
            return SimpleNamespace(
                flow_id="checkin", step_id="s", kind=kind, name=name, value=value, created_at=at, session_id=run
            )

        offer = [row("count", "checkin", True)] if reached else []
        return [row("answer", "intensity", intensity), row("answer", "urge", urge), *offer]

    rows = [*checkin(20, 7, "toward"), *checkin(19, 5, "away"), *checkin(1, 3, "toward"), *checkin(1, 9, "away", False)]
    counts = count_all(rows, [Measure("checkin", "intensity", "urge")])
    progress = summarize(counts, now, {}, {"toward": "Toward them", "away": "Away from them"}, {})
    found = bars(render(progress))
    assert [week.checkins for week in progress.weeks] == [2, 0, 0, 1]  # from the week of 28 Oct; 9/10 never got there
    assert progress.pulls == [("Toward them", 2), ("Away from them", 1)]
    assert len(found) == 2
    assert found[0][1] > found[1][1]
