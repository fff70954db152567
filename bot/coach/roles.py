"""The parts flows play for the coach, read from their tags: Python names roles, the files
say which flow plays each.

    role: checkin                    the flow /checkin starts (and after which escalation is checked)
    role: did-you-mean               the question a mistyped command gets ("Did you mean /break?")
    role: break, map, startup, pattern   the exercises /break, /map, /startup and /pattern start
    measures: {intensity: …, pull: …} where a check-in's answers are (/progress, the review, escalation)
    offer: {assignment: …, flow: …, start-now: …}   what the homework offer's variables are called
    private: true                    answers never shown to a therapist
    moves-toward-partner, crisis-path, audience, assignable, opt-in: read where they are used
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.engine import Engine
from bot.errors import MissingRole
from bot.features.progress import Measure

ROLE_TAG = "role"
MEASURES_TAG = "measures"
OFFER_TAG = "offer"
PRIVATE_TAG = "private"

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
    """The homework offer's variables the coach fills and reads back when it ends."""

    assignment: str
    flow: str
    start_now: str


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
        self.offer = Offer(offer["assignment"], offer["flow"], offer["start-now"])

    def __getitem__(self, role: str) -> str:
        """The flow that plays `role`."""
        return self.by_role[role]

    @property
    def measure(self) -> Measure:
        """Where the check-in's answers are."""
        return self.measures[0]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
