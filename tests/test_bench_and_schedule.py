"""`hedgehog bench` runs and prints its figures (never asserted: these machines are noisy),
and follow-up delays land at the right local time."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import PROJECT_ROOT
from bot.features.schedule import due_time, offset_from_clock, quiet_until


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    """`hedgehog bench ARGS` as a real process, from the checkout; slow on a busy 2-core box."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "bench", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
        timeout=580,
    )


@pytest.mark.timeout(600)  # many fresh processes and rounds: slow on a busy 2-core box
def test_bench_prints_every_figure() -> None:
    run = bench("--steps", "1000")
    assert run.returncode == 0, run.stderr
    for label in (
        "pure engine step",
        "detached cursor",
        "add_model/remove_model",
        "naive / detached",
        "memory per attached chat",
        "full durable step",
        "the same, begun at once",
        "answer read twice, embedded once",
        "answer read twice, embedded twice",
    ):
        assert re.search(re.escape(label) + r".*\d", run.stdout), label


@pytest.mark.timeout(600)  # many fresh processes and rounds: slow on a busy 2-core box
def test_telegram_bench_prints_every_side_and_the_press_latency() -> None:
    """At a tiny size (20 updates a side, 4 chats, 2 rounds): every row has its figures."""
    run = bench("--telegram", "--steps", "200", "--chats", "4", "--rounds", "2")
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stderr, run.stderr
    for label in (
        "bare PTB echo handler",
        "PTB ConversationHandler, nothing saved",
        "ConversationHandler + PicklePersistence",
        "Hedgehog, every step committed",
        "Hedgehog's Telegram side alone",
    ):
        assert re.search(
            re.escape(label) + r" +[\d,.]+ updates/s +[\d.]+ us each +\d+\.\d\d .* \d+\.\d\d", run.stdout
        ), label
    assert re.search(r"Bot API calls an update, Hedgehog, every step committed: \d\.\d\d", run.stdout)
    assert re.search(r"Goal: .* measured \d+\.\d\d", run.stdout)
    limited = run.stdout[run.stdout.index("Rate-limited") :]
    for label in ("bare PTB echo handler", "PTB ConversationHandler", "Hedgehog"):
        assert re.search(re.escape(label) + r" +[\d,.]+ updates/s +\d+ us CPU each +\d\.\d\d calls each", limited), (
            label
        )
    assert re.search(r"Hedgehog \(answer, edit and next question at once\): +\d+ ms", run.stdout)
    assert re.search(r"PTB ConversationHandler \(one call after another\): +\d+ ms", run.stdout)


@pytest.mark.timeout(600)  # many fresh processes and rounds: slow on a busy 2-core box
def test_start_bench_prints_every_figure() -> None:
    run = bench("--start", "--rounds", "1")
    assert run.returncode == 0, run.stderr
    shipped = len(list((PROJECT_ROOT / "dialogues").glob("*.yaml")))
    for label in (
        "imports of `hedgehog chat`",
        f"engine build, {shipped} flows, cold",
        f"engine build, {shipped} flows, cached",
        "engine build, 50 flows, cold",
        "engine build, 50 flows, cached",
        "first prompt, cold",
        "first prompt, cached",
    ):
        assert re.search(re.escape(label) + r":? +\d+\.\d+ s", run.stdout), label
    assert re.search(r"idle `hedgehog chat` resident memory: +\d+\.\d MiB", run.stdout)
    assert re.search(r"the same before the sentence model loads: +\d+\.\d MiB", run.stdout)
    assert re.search(r"crisis layer's part of resident memory: +\d+\.\d MiB|sentence model: not installed", run.stdout)


NOON_UTC = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "zone", "expected"),
    [
        ("20m", None, NOON_UTC + timedelta(minutes=20)),
        ("2h", "Europe/Berlin", NOON_UTC + timedelta(hours=2)),
        ("1d", None, NOON_UTC + timedelta(days=1)),
        ("evening", "Europe/Berlin", datetime(2026, 11, 25, 19, 0, tzinfo=UTC)),  # 20:00 CET
        ("evening", "Asia/Tokyo", datetime(2026, 11, 25, 13, 0, tzinfo=UTC)),  # 21:00 there: in an hour
        ("tomorrow", "America/New_York", datetime(2026, 11, 26, 15, 0, tzinfo=UTC)),  # 07:00 EST, into day: 10:00
        ("tomorrow", "Europe/Berlin", datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),  # 13:00 CET: the same time
        ("tomorrow", "Not/AZone", datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),  # unknown zone: 24 hours on
        ("morning", "America/New_York", datetime(2026, 11, 26, 15, 0, tzinfo=UTC)),  # 10:00 EST
        ("sunday", "Europe/Berlin", datetime(2026, 11, 29, 17, 0, tzinfo=UTC)),  # Wednesday -> Sunday 18:00 CET
    ],
)
def test_follow_ups_fall_due_in_the_persons_time(after: str, zone: str | None, expected: datetime) -> None:
    assert due_time(after, NOON_UTC, zone) == expected


def test_sunday_after_six_pm_means_next_sunday() -> None:
    sunday_evening = datetime(2026, 11, 29, 18, 30, tzinfo=UTC)
    assert due_time("sunday", sunday_evening) == datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
    assert due_time("sunday", sunday_evening - timedelta(hours=1)) == datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("said", "offset"),
    [
        ("14:30", "UTC+02:30"),
        ("2:30 pm", "UTC+02:30"),
        ("9", "UTC-03:00"),
        ("23:55", "UTC+12:00"),
        ("00:10", "UTC-11:45"),
        ("7.45", "UTC-04:15"),
        ("12 am", "UTC-12:00"),
        ("25:00", None),
        ("soon", None),
    ],
)
def test_a_time_zone_comes_from_what_time_the_person_says_it_is(said: str, offset: str | None) -> None:
    assert offset_from_clock(said, NOON_UTC) == offset


def test_night_is_21_to_9_in_the_persons_time() -> None:
    assert quiet_until(datetime(2026, 11, 25, 22, 0, tzinfo=UTC), "UTC+02:00") == datetime(
        2026, 11, 26, 7, 0, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), "UTC+02:00") is None
    assert quiet_until(datetime(2026, 11, 25, 5, 0, tzinfo=UTC), "Europe/Berlin") == datetime(
        2026, 11, 25, 8, 0, tzinfo=UTC
    )
