"""`/progress`: what a person's journal says about the last weeks, in a few lines.

Pure: takes journal rows, returns numbers; `prompts/system/progress.j2` words them. Which
answers are the check-in's measures comes from the flow files (a flow's `measures` tag), as a
`Measure`: this module names no flow and no variable of one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WEEKS = 6


@dataclass(frozen=True, slots=True)
class Measure:
    """Where a check-in's answers are: its flow, the 0-10 variable of how strong the pull
    is, and the variable of which way it pulls (toward / away / unsure)."""

    flow_id: str
    intensity: str
    pull: str

    def intensity_of(self, row: Any) -> bool:
        return bool(row.kind == "answer" and row.flow_id == self.flow_id and row.name == self.intensity)

    def pull_of(self, row: Any) -> bool:
        return bool(row.kind == "answer" and row.flow_id == self.flow_id and row.name == self.pull)


@dataclass(frozen=True, slots=True)
class Week:
    start: str  # e.g. "18 Nov"
    checkins: int
    average: float | None  # mean intensity, 0-10


@dataclass(frozen=True, slots=True)
class Progress:
    checkins: int
    pulls: dict[str, int] = field(default_factory=dict)  # toward / away / unsure
    weeks: list[Week] = field(default_factory=list)
    exercises: dict[str, int] = field(default_factory=dict)  # turn-toward / set-it-free
    tried: dict[str, int] = field(default_factory=dict)  # yes / partly / no, from follow-ups
    later_pull: float | None = None  # mean pull at follow-ups


def summarize(rows: Sequence[Any], now: datetime, measure: Measure) -> Progress:
    """`rows`: journal rows (flow_id, step_id, kind, name, value, created_at), oldest first."""
    first_day = (now - timedelta(days=now.weekday() + 7 * (WEEKS - 1))).date()
    intensities: dict[int, list[int]] = {w: [] for w in range(WEEKS)}
    pulls: Counter[str] = Counter()
    exercises: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    later: list[int] = []
    checkins = 0
    for row in rows:
        if measure.intensity_of(row):
            checkins += 1
            week = (row.created_at.date() - first_day).days // 7
            if 0 <= week < WEEKS and isinstance(row.value, int):
                intensities[week].append(row.value)
        elif measure.pull_of(row):
            pulls[str(row.value)] += 1
        elif row.kind == "entry" and row.name == "cycle" and isinstance(row.value, dict):
            exercise = row.value.get("exercise")
            if exercise in ("turn-toward", "set-it-free"):
                exercises[exercise] += 1
        elif row.kind == "entry" and row.name == "follow-up" and isinstance(row.value, dict):
            tried[str(row.value.get("tried"))] += 1
            if isinstance(row.value.get("intensity_now"), int):
                later.append(row.value["intensity_now"])
    weeks = [
        Week(
            (first_day + timedelta(days=7 * w)).strftime("%-d %b"),
            len(values),
            round(sum(values) / len(values), 1) if values else None,
        )
        for w, values in intensities.items()
    ]
    while weeks and not weeks[0].checkins:  # start at the first week with a check-in
        weeks.pop(0)
    return Progress(
        checkins, dict(pulls), weeks, dict(exercises), dict(tried), round(sum(later) / len(later), 1) if later else None
    )


WEEK = timedelta(days=7)


def week_facts(rows: Sequence[Any], now: datetime, measure: Measure) -> dict[str, Any]:
    """The last seven days, as the `wk_*` variables the weekly-review flow reads: how many
    check-ins and which way, how strong on average, which exercises, and what the person
    said about how they went (their own words, only shown back to them)."""
    since = now - WEEK
    pulls: Counter[str] = Counter()
    exercises: Counter[str] = Counter()
    levels: list[int] = []
    tried = 0
    went: list[str] = []
    for row in rows:
        if row.created_at < since:
            continue
        if measure.intensity_of(row) and isinstance(row.value, int):
            levels.append(row.value)
        elif measure.pull_of(row):
            pulls[str(row.value)] += 1
        elif row.kind == "homework" and row.name in ("turn-toward", "set-it-free", "break"):
            exercises[row.name] += 1
        elif (
            row.kind == "entry"
            and row.name == "follow-up"
            and isinstance(row.value, dict)
            and row.value.get("tried") in ("yes", "partly")
        ):
            tried += 1
            if isinstance(row.value.get("went"), str):
                went.append(row.value["went"])
    return {
        "wk_checkins": len(levels),
        "wk_toward": pulls["toward"],
        "wk_away": pulls["away"],
        "wk_unsure": pulls["unsure"],
        "wk_average": round(sum(levels) / len(levels), 1) if levels else None,
        "wk_high": sum(level >= 8 for level in levels),
        "wk_turn": exercises["turn-toward"],
        "wk_free": exercises["set-it-free"],
        "wk_breaks": exercises["break"],
        "wk_tried": tried,
        "wk_went": "; ".join(f"“{words}”" for words in went[-3:]) or None,
    }
