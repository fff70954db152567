"""The parts flows play for the coach, read from their tags: Python names roles, the files
say which flow plays each.

    role: checkin                    the flow /checkin starts (and after which escalation is checked)
    role: did-you-mean               the question a mistyped command gets ("Did you mean /break?")
    role: break, map, startup, pattern   the exercises /break, /map, /startup and /pattern start
    measures: {intensity: …, pull: …} where a check-in's answers are (/progress, the review, escalation)
    reports: {tried: …, went: …, intensity: …}   where a follow-up's answers are (/progress, the review)
    facts: <variable>                the one variable the weekly review is started with (the week)
    count: {what: checkin|exercise}  (a step's effect, not a tag) where a flow counts: bot/features/counts.py
    offer: {assignment: …, flow: …, start-now: …, therapist: …, …}   the homework offer's variables
    private: true                    answers never shown to a therapist
    moves-toward-partner, crisis-path, audience, assignable, opt-in: read where they are used
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.engine import Engine
from bot.errors import MissingRole
from bot.features.counts import Counts, Measure, Report, count_all

ROLE_TAG = "role"
MEASURES_TAG = "measures"
OFFER_TAG = "offer"
PRIVATE_TAG = "private"
REPORTS_TAG = "reports"
# What the coach can tell the homework offer about the assignment, each into the variable its
# `offer` tag names for it (a detail it names no variable for is not filled).
OFFER_DETAILS = ("therapist", "title", "summary", "cadence", "due", "note", "onboarded")
FACTS_TAG = "facts"

# Every part the coach starts a flow for by itself; missing one fails at start.
ROLES = (
    "checkin",
    "onboarding",
    "delete",
    "safety-review",
    "weekly-review",
    "country",
    "reminders",
    "homework-offer",
    "assign",
    "crisis",
    "clarify",
    "safety-plan",
    "violence-support",
    "break",
    "map",
    "startup",
    "pattern",
    "did-you-mean",
)


@dataclass(frozen=True, slots=True)
class Offer:
    """The homework offer's variables the coach fills and reads back when it ends: the
    assignment, its flow, whether to start now, and (`details`) where each detail of the
    assignment goes: therapist, title, summary, cadence, due, note, onboarded."""

    assignment: str
    flow: str
    start_now: str
    details: Mapping[str, str] = field(default_factory=dict)


class Roles:
    def __init__(self, engine: Engine) -> None:
        flows = {flow_id: compiled.flow for flow_id, compiled in sorted(engine.flows.items())}
        self.by_role: dict[str, str] = {}
        for flow_id, flow in flows.items():
            role = flow.tags.get(ROLE_TAG)
            if isinstance(role, str):
                self.by_role.setdefault(role, flow_id)
        for role in ROLES:
            if role not in self.by_role:
                raise MissingRole(role)
        self.private = frozenset(f for f, flow in flows.items() if flow.tags.get(PRIVATE_TAG) is True)
        self.measures = tuple(
            Measure(f, str(tag.get("intensity")), str(tag.get("pull")))
            for f, flow in flows.items()
            if isinstance(tag := flow.tags.get(MEASURES_TAG), Mapping)
        )
        if not self.measures:
            raise MissingRole(MEASURES_TAG)
        offer = _mapping(flows[self["homework-offer"]].tags.get(OFFER_TAG))
        if not all(isinstance(offer.get(key), str) for key in ("assignment", "flow", "start-now")):
            raise MissingRole(OFFER_TAG)
        details = {k: v for k, v in offer.items() if k in OFFER_DETAILS and isinstance(v, str)}
        self.offer = Offer(offer["assignment"], offer["flow"], offer["start-now"], details)
        self.report = next(
            (
                Report(f, str(tag.get("tried")), str(tag.get("went")), str(tag.get("intensity")))
                for f, flow in flows.items()
                if isinstance(tag := flow.tags.get(REPORTS_TAG), Mapping)
            ),
            None,
        )
        facts = flows[self["weekly-review"]].tags.get(FACTS_TAG)
        if not isinstance(facts, str):
            raise MissingRole(FACTS_TAG)
        self.week_facts = facts  # the weekly review's variable for the week
        self.titles = {flow_id: flow.title for flow_id, flow in flows.items()}
        self._flows = flows

    def labels(self, flow_id: str, variable: str) -> dict[str, str]:
        """The values the flow's buttons store in `variable`, each with its button's label
        ("toward" -> "Toward them"), in the order the buttons come; first label wins."""
        labels: dict[str, str] = {}
        flow = self._flows.get(flow_id)
        for step in flow.steps.values() if flow else ():
            for choice in step.choices:
                value = choice.set.get(variable)
                if isinstance(value, str):
                    labels.setdefault(value, choice.label)
        return labels

    def count(self, journal: Iterable[Any]) -> Counts:
        """What counts in these journal rows: the one definition (`bot.features.counts`)."""
        return count_all(journal, self.measures, self.report)

    def label_of(self, flow_id: str, step_id: str, variable: str, value: Any) -> str | None:
        """The label of the button at that step that stored `value` in `variable` ("Toward
        them"), or None when the answer was typed."""
        flow = self._flows.get(flow_id)
        step = flow.steps.get(step_id) if flow else None
        for choice in step.choices if step else ():
            if variable in choice.set and choice.set[variable] == value:
                return choice.label
        return None

    def scale_of(self, flow_id: str, step_id: str) -> tuple[int, int] | None:
        """(low, high) when that step asked for a number on a scale."""
        flow = self._flows.get(flow_id)
        step = flow.steps.get(step_id) if flow else None
        return (step.scale.low, step.scale.high) if step is not None and step.scale is not None else None

    @property
    def pull_labels(self) -> dict[str, str]:
        return self.labels(self.measure.flow_id, self.measure.pull)

    @property
    def tried_labels(self) -> dict[str, str]:
        return self.labels(self.report.flow_id, self.report.tried) if self.report else {}

    def __getitem__(self, role: str) -> str:
        """The flow that plays `role`."""
        return self.by_role[role]

    @property
    def measure(self) -> Measure:
        """Where the check-in's answers are."""
        return self.measures[0]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
