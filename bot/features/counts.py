"""What counts, defined once, on the stored records; every view of a person's practice reads it.

- A **check-in** counts when it reaches the exercise it offers: its flow's step with
  `count: {what: checkin}` was entered (the offer, or the break a person at 8 or more is
  handed straight away). Once per run, however often the run passes such a step. One stopped
  or restarted before that, or taken over by crisis support and never back, does not.
- An **exercise** counts when it finishes: its last step, with `count: {what: exercise}`,
  was entered. One switched off for someone not safe with their partner (violence support
  runs instead), stopped, restarted or never finished has no such record and does not.

The records are journal rows of kind `count` that the coach writes when the engine enters
such a step (`ChatTx.record_count`), named by what they count and carrying the flow and the
session; `hedgehog check` (HH029) makes sure the files put them where they mean this. A
check-in's strength and pull are its answers in the same session, found through the
`Measure` of the check-in flow's `measures` tag; what someone said when asked afterwards,
through the `Report` of the follow-up flow's `reports` tag. This module names no flow, no
step and no variable: `/progress`, its chart, the weekly review, the export and a
therapist's view all count with `count_all` and nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

COUNT = "count"  # the journal kind of the records
CHECKIN = "checkin"
EXERCISE = "exercise"


@dataclass(frozen=True, slots=True)
class Measure:
    """Where a check-in's answers are: its flow, the 0-10 variable of how strong the pull
    is, and the variable of which way it pulls (toward / away / unsure)."""

    flow_id: str
    intensity: str
    pull: str


@dataclass(frozen=True, slots=True)
class Report:
    """Where the answers to "did you try it, how did it go?" are: the follow-up flow, the
    variable of whether they tried, of how it went (their words or a button's), and of the
    pull by then (0-10)."""

    flow_id: str
    tried: str
    went: str
    intensity: str


@dataclass(frozen=True, slots=True)
class CheckIn:
    at: datetime
    flow_id: str
    session_id: int | None
    intensity: int | None  # 0-10, None when not answered (skipped, or flooded before it was asked)
    pull: str | None  # the stored value of the pull answer ("toward"), None when not answered


@dataclass(frozen=True, slots=True)
class Exercise:
    at: datetime
    flow_id: str
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class Afterwards:
    """One answered follow-up: whether they tried (the stored value), how it went, the pull then."""

    at: datetime
    tried: str | None
    went: str | None
    intensity: int | None


@dataclass(frozen=True, slots=True)
class Counts:
    checkins: tuple[CheckIn, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    afterwards: tuple[Afterwards, ...] = ()

    def between(self, start: datetime, end: datetime | None = None) -> Counts:
        """What was counted from `start` (inclusive) until `end` (exclusive)."""

        def inside(at: datetime) -> bool:
            return at >= start and (end is None or at < end)

        return Counts(
            tuple(c for c in self.checkins if inside(c.at)),
            tuple(e for e in self.exercises if inside(e.at)),
            tuple(a for a in self.afterwards if inside(a.at)),
        )

    @property
    def pulls(self) -> dict[str, int]:
        """How many check-ins pulled which way, by the stored value, in the order first seen."""
        return dict(Counter(c.pull for c in self.checkins if c.pull is not None))

    @property
    def levels(self) -> list[int]:
        return [c.intensity for c in self.checkins if c.intensity is not None]

    @property
    def average(self) -> float | None:
        levels = self.levels
        return round(sum(levels) / len(levels), 1) if levels else None

    @property
    def by_exercise(self) -> dict[str, int]:
        """How many times each exercise was done to its end, by flow, in the order first done."""
        return dict(Counter(e.flow_id for e in self.exercises))


def count_all(rows: Iterable[Any], measures: Sequence[Measure], report: Report | None = None) -> Counts:
    """`rows`: journal rows (flow_id, step_id, kind, name, value, created_at, session_id).
    Every check-in and exercise that counts, with a check-in's answers as they
    were when it counted.

    A check-in run counts once: a second counting step in the same session (the offer after
    the break a flooded person was handed, or the offer for someone not safe that a paused
    offer passes on to) is the same check-in, until the pull is answered again, which only a
    new check-in does (one started on top of an old one left open shares its session)."""
    measured = {m.flow_id: m for m in measures}
    rows = sorted(rows, key=lambda row: row.created_at)  # by time (records added later sit at theirs)
    latest: dict[tuple[int | None, str, str], Any] = {}  # (session, flow, variable) -> last answer
    counted: set[tuple[int | None, str]] = set()  # check-in runs counted and not answered again since
    checkins: list[CheckIn] = []
    exercises: list[Exercise] = []
    afterwards: list[Afterwards] = []
    for row in rows:
        run = (row.session_id, row.flow_id)
        if row.kind == "answer" and row.flow_id in measured:
            latest[(row.session_id, row.flow_id, row.name)] = row.value
            if row.name == measured[row.flow_id].pull:
                counted.discard(run)  # the pull asked again: a new check-in
        elif row.kind == COUNT and row.name == CHECKIN:
            if run in counted and row.session_id is not None:
                continue
            counted.add(run)
            measure = measured.get(row.flow_id)
            intensity = latest.get((row.session_id, row.flow_id, measure.intensity)) if measure else None
            pull = latest.get((row.session_id, row.flow_id, measure.pull)) if measure else None
            checkins.append(
                CheckIn(
                    row.created_at,
                    row.flow_id,
                    row.session_id,
                    intensity if isinstance(intensity, int) and not isinstance(intensity, bool) else None,
                    pull if isinstance(pull, str) else None,
                )
            )
        elif row.kind == COUNT and row.name == EXERCISE:
            exercises.append(Exercise(row.created_at, row.flow_id, row.session_id))
        elif (
            report is not None
            and row.kind == "entry"
            and row.flow_id == report.flow_id
            and isinstance(row.value, dict)
            and report.tried in row.value
        ):
            tried, went, level = (row.value.get(k) for k in (report.tried, report.went, report.intensity))
            afterwards.append(
                Afterwards(
                    row.created_at,
                    tried if isinstance(tried, str) else None,
                    went if isinstance(went, str) and went.strip() else None,
                    level if isinstance(level, int) and not isinstance(level, bool) else None,
                )
            )
    return Counts(tuple(checkins), tuple(exercises), tuple(afterwards))


__all__ = [
    "CHECKIN",
    "COUNT",
    "EXERCISE",
    "Afterwards",
    "CheckIn",
    "Counts",
    "Exercise",
    "Measure",
    "Report",
    "count_all",
]
