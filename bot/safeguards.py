"""Safety before everything else: crisis language, partner violence, escalation, help lines.

The coach calls in here before the engine sees free text (`crisis`), whenever it starts
or moves a flow (`redirect`), after a check-in (`escalation`), and to pick a person's
help lines (`resources_for`). What was written is never stored; only that a crisis
signal of some kinds was seen, at which step.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.engine.engine import NO_REDIRECT, Redirect
from bot.engine.state import Reply, SessionState
from bot.safety.crisis import CrisisSignal
from bot.safety.resources import Resources, country_from_language, load_resources, resources_for
from bot.storage import ChatTx

if TYPE_CHECKING:
    from bot.service import Coach

CRISIS_FLOW = "crisis"  # grounding after crisis language, on top of whatever was open
VIOLENCE_FLOW = "violence-support"  # runs instead of exercises that move toward a partner
GATED_TAG = "moves-toward-partner"
# Escalation: when most check-ins of two weeks are this intense, suggest a professional.
ESCALATION_WINDOW = timedelta(days=14)
ESCALATION_LEVEL = 8
ESCALATION_MIN_CHECKINS = 3


class Safeguards:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        engine = coach.engine
        engine.flow(CRISIS_FLOW)  # fail at start, not in front of someone in crisis
        engine.flow(VIOLENCE_FLOW)
        self.gated = frozenset(f for f, c in engine.flows.items() if c.flow.tags.get(GATED_TAG) is True)
        self.resources = load_resources()

    def crisis(self, tx: ChatTx, state: SessionState | None, signal: CrisisSignal, locale: str | None) -> list[Reply]:
        """Crisis language pauses the flow: what was written is not taken as an answer, the
        person gets resources and a grounding step, and can then carry on where they were.
        The event is recorded without the text."""
        categories = sorted(signal.categories)
        flow_id, step_id = (state.flow_id, state.step_id) if state else ("-", "-")
        tx.record_safety_event(flow_id, step_id, categories)
        if "partner_violence" in signal.categories:
            tx.note_violence(True)  # from now on, no exercise moves them toward a partner
        resources = self.coach.say("crisis", resources=self.resources_for(tx, locale), categories=categories)
        if state is not None and state.flow_id == CRISIS_FLOW:
            return [resources, *self.coach.engine.show(state).replies]  # already in crisis support
        result = self.coach.engine.interrupt(state, CRISIS_FLOW)
        self.coach.save(tx, state, result)
        return [resources, *result.replies]

    def escalation(self, tx: ChatTx, locale: str | None) -> list[Reply]:
        """After a check-in: if most check-ins of the last two weeks were 8 or more out of
        10, a gentle suggestion to see a professional, with resources; at most once a fortnight."""
        now = self.coach.clock()
        since = now - ESCALATION_WINDOW
        levels = [v for v in tx.answers_since("checkin", "intensity", since) if isinstance(v, int)]
        high = sum(v >= ESCALATION_LEVEL for v in levels)
        if len(levels) < ESCALATION_MIN_CHECKINS or high * 2 <= len(levels):
            return []
        shown = tx.last_event("safety", "escalation")
        if shown is not None and shown >= since:
            return []
        tx.record_event("safety", "escalation")
        return [self.coach.say("escalation", count=len(levels), high=high, resources=self.resources_for(tx, locale),
                         categories=())]

    def redirect(self, tx: ChatTx) -> Redirect:
        """For someone not safe with a partner, exercises that move them toward one are
        replaced by the violence support flow."""
        return dict.fromkeys(self.gated, VIOLENCE_FLOW) if tx.violence_noted else NO_REDIRECT

    def support_if_redirected(
        self, tx: ChatTx, before: SessionState | None, replies: list[Reply], locale: str | None
    ) -> list[Reply]:
        """When a person has just been taken to violence support, domestic-violence lines
        come right before its question."""
        if not tx.violence_noted:  # the usual case costs nothing
            return replies
        was = before is not None and before.flow_id == VIOLENCE_FLOW
        with_tx = tx.load_session()
        if was or with_tx is None or with_tx.flow_id != VIOLENCE_FLOW or not replies:
            return replies
        lines = self.coach.say("sos", resources=self.resources_for(tx, locale), categories=["partner_violence"])
        return [*replies[:-1], lines, replies[-1]]

    def resources_for(self, tx: ChatTx, locale: str | None) -> Resources:
        """The lines for the country the person chose, else the one their language names."""
        return resources_for(tx.country or country_from_language(locale), self.resources)
