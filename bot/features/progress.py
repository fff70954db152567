"""`/progress` and the weekly review: what the counted check-ins and exercises say, in numbers.

Pure. What counts is `bot.features.counts` (one definition for every view); this module
groups it into weeks and words nothing: `prompts/system/progress.j2` and the weekly review's
prompts do. Flows are shown by their titles and answers by the labels of the buttons that
gave them, both handed in by the coach: this module names no flow, no variable, no answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.features.counts import Counts, Measure, Report

WEEKS = 6
WEEK = timedelta(days=7)
HIGH = 8  # a pull this strong or stronger is "very strong"

__all__ = ["HIGH", "WEEK", "WEEKS", "Measure", "Progress", "Report", "Week", "summarize", "week_facts"]


@dataclass(frozen=True, slots=True)
class Week:
    start: str  # e.g. "18 Nov"
    checkins: int
    average: float | None  # mean intensity, 0-10


@dataclass(frozen=True, slots=True)
class Progress:
    checkins: int
    pulls: list[tuple[str, int]] = field(default_factory=list)  # (the button's label, how many)
    weeks: list[Week] = field(default_factory=list)
    exercises: list[tuple[str, int]] = field(default_factory=list)  # (the exercise's title, times done)
    tried: list[tuple[str, int]] = field(default_factory=list)  # (the label, how many), from follow-ups
    later_pull: float | None = None  # mean pull at follow-ups


def _labelled(counted: Mapping[str, int], labels: Mapping[str, str]) -> list[tuple[str, int]]:
    """In the order the labels come (the buttons' order), then anything without a label."""
    ordered = [key for key in labels if key in counted] + [key for key in counted if key not in labels]
    return [(labels.get(key, key), counted[key]) for key in ordered]


def summarize(
    counts: Counts,
    now: datetime,
    titles: Mapping[str, str],
    pull_labels: Mapping[str, str],
    tried_labels: Mapping[str, str],
) -> Progress:
    """Everything counted, and the last `WEEKS` weeks (Monday to Sunday) one by one."""
    first_day = (now - timedelta(days=now.weekday() + 7 * (WEEKS - 1))).date()
    per_week: dict[int, list[int]] = {w: [] for w in range(WEEKS)}
    checkins_in: dict[int, int] = dict.fromkeys(range(WEEKS), 0)
    for checkin in counts.checkins:
        week = (checkin.at.date() - first_day).days // 7
        if 0 <= week < WEEKS:
            checkins_in[week] += 1
            if checkin.intensity is not None:
                per_week[week].append(checkin.intensity)
    weeks = [
        Week(
            (first_day + timedelta(days=7 * w)).strftime("%-d %b"),
            checkins_in[w],
            round(sum(values) / len(values), 1) if values else None,
        )
        for w, values in per_week.items()
    ]
    while weeks and not weeks[0].checkins:  # start at the first week with a check-in
        weeks.pop(0)
    tried: dict[str, int] = {}
    for after in counts.afterwards:
        if after.tried is not None:
            tried[after.tried] = tried.get(after.tried, 0) + 1
    later = [a.intensity for a in counts.afterwards if a.intensity is not None]
    return Progress(
        len(counts.checkins),
        _labelled(counts.pulls, pull_labels),
        weeks,
        [(titles.get(flow_id, flow_id), n) for flow_id, n in counts.by_exercise.items()],
        _labelled(tried, tried_labels),
        round(sum(later) / len(later), 1) if later else None,
    )


def week_facts(
    counts: Counts, now: datetime, titles: Mapping[str, str], pull_labels: Mapping[str, str]
) -> dict[str, Any]:
    """The last seven days, as the one variable the weekly review is started with (its name
    is the flow's `facts` tag): how many check-ins and which way they pulled, how strong on
    average and how often very strong, which exercises were done to their end, and what the
    person said afterwards (their own words, only ever shown back to them).

    Its fields, for the flow's prompts: `checkins` (int), `pulls` (list of {label, count}),
    `average` (0-10 or None), `high` (check-ins at `HIGH` or more), `exercises` (list of
    {title, count}), `went` (up to three of their answers, oldest first)."""
    week = counts.between(now - WEEK, now + timedelta(seconds=1))
    levels = week.levels
    return {
        "checkins": len(week.checkins),
        "pulls": [{"label": label, "count": n} for label, n in _labelled(week.pulls, pull_labels)],
        "average": week.average,
        "high": sum(level >= HIGH for level in levels),
        "exercises": [{"title": titles.get(flow_id, flow_id), "count": n} for flow_id, n in week.by_exercise.items()],
        "went": [a.went for a in week.afterwards if a.went][-3:],
    }
