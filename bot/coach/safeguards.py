"""Safety before everything else: crisis language, the clarifying question, partner
violence, the safety plan, escalation, help lines.

The coach calls in here, with the event's `Turn`, before the engine sees free text
(`crisis`), whenever it starts or moves a flow (`redirect`, `facts`), after a check-in
(`escalation`), and to pick a person's help lines (`resources_for`). What was written is never stored; only that a
crisis signal of some kinds was seen (or asked about), at which step.

A certain signal shows the lines at once and starts the crisis path of its kind (flows
tagged `crisis-path`). An unsure one (`certain=False`) asks one direct question first
(`clarify`); an answer meaning danger, or "not sure", comes back as a `ConfirmCrisis`
effect and starts the same path (`confirmed`). Only a certain partner-violence message, or
the person's own "I'm not safe", notes violence; "That's not what I meant" in the crisis
path lifts a note that the same message set (`undo`), and the lines stay one /sos away.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.coach.roles import Roles
from bot.coach.turn import Turn
from bot.dialogue.model import NOT_SAFE_VAR
from bot.engine.engine import NO_REDIRECT, Engine, Redirect
from bot.engine.state import ConfirmCrisis, Reply, SessionState, UndoSafety
from bot.safety.crisis import CrisisSignal
from bot.safety.resources import Resources, country_from_language, load_resources, resources_for
from bot.storage import ChatTx
from bot.storage.models import PLAN_SECTIONS

# The flows by role (tag `role:`): `crisis` (suicide and self-harm; also the path for any
# kind without its own), `clarify` (one direct question in the grey zone), `safety-plan`
# (/plan, offered from the crisis paths), `violence-support` (runs instead of exercises
# that move toward a partner).
GATED_TAG = "moves-toward-partner"
PATH_TAG = "crisis-path"  # a flow's tag: the crisis kinds it is the path for
# A flow that asks about risk on purpose (the safety plan: "make your surroundings safer"):
# there an unsure signal is the answer to the question, not a reason to interrupt it; a
# certain one still pauses everything.
RISK_WORDS_TAG = "risk-words-expected"
# When one message touches several kinds, the path of the first of them runs (every kind's
# lines are shown).
KIND_ORDER = ("suicide", "self_harm", "harm_others", "partner_violence")
VIOLENCE = "partner_violence"
FROM_MESSAGE = "violence-from-message"  # journal event: a message (not an answer) noted violence
# Escalation: when most check-ins of two weeks are this intense, suggest a professional.
ESCALATION_WINDOW = timedelta(days=14)
ESCALATION_LEVEL = 8
ESCALATION_MIN_CHECKINS = 3


class Safeguards:
    def __init__(self, engine: Engine, roles: Roles) -> None:
        self.crisis_flow = roles["crisis"]
        self.clarify_flow = roles["clarify"]
        self.plan_flow = roles["safety-plan"]
        self.violence_flow = roles["violence-support"]
        self.gated = frozenset(f for f, c in engine.flows.items() if c.flow.tags.get(GATED_TAG) is True)
        self.paths: dict[str, str] = {}
        for flow_id, compiled in sorted(engine.flows.items()):
            for kind in compiled.flow.tags.get(PATH_TAG) or ():
                self.paths.setdefault(str(kind), flow_id)
        self.support = frozenset({self.clarify_flow, self.crisis_flow, *self.paths.values()})
        self.risk_words_expected = frozenset(
            f for f, c in engine.flows.items() if c.flow.tags.get(RISK_WORDS_TAG) is True
        )
        self.resources = load_resources()

    # ------------------------------------------------------------------ crisis language

    def acts_on(self, state: SessionState | None, signal: CrisisSignal) -> bool:
        """Whether a signal pauses the flow: a certain one always; an unsure one unless the
        open question asks about risk on purpose (tag `risk-words-expected`)."""
        if signal.certain or state is None or state.status != "active":
            return True
        return state.flow_id not in self.risk_words_expected

    def crisis(self, turn: Turn, signal: CrisisSignal, ending: bool = False) -> list[Reply]:
        """Crisis language pauses the flow: what was written is not taken as an answer. A
        certain signal gets resources and the crisis path of its kind at once; an unsure one
        a direct question first. Either way the event is recorded without the text."""
        tx, state = turn.tx, turn.state
        kinds: list[str] = sorted(signal.categories, key=_rank)
        flow_id, step_id = (state.flow_id, state.step_id) if state else ("-", "-")
        if not signal.certain:
            return self.clarify(turn, state, kinds, ending)
        tx.record_safety_event(flow_id, step_id, sorted(kinds))
        set_here = False
        if VIOLENCE in kinds and not tx.violence_noted:
            tx.note_violence(True)  # from now on, no exercise moves them toward a partner
            tx.record_event("safety", FROM_MESSAGE)  # so "not what I meant" can lift this one
            set_here = True
        return self.crisis_path(turn, state, kinds, turn.locale, set_here)

    def clarify(self, turn: Turn, state: SessionState | None, kinds: list[str], ending: bool = False) -> list[Reply]:
        """One direct question about the kind the signal is least sure of. `ending`: the
        message spoke of something ending, so the question names both meanings."""
        tx = turn.tx
        flow_id, step_id = (state.flow_id, state.step_id) if state else ("-", "-")
        tx.record_safety_event(flow_id, step_id, sorted(kinds), name="asked")
        if state is not None and state.status == "active" and state.flow_id in self.support:
            return turn.engine.show(state).replies  # already asking, or already in support
        result = turn.engine.interrupt(
            state,
            self.clarify_flow,
            {"clarify_kind": kinds[0], "clarify_ending": ending, "clarify_sure": True, NOT_SAFE_VAR: tx.violence_noted},
        )
        turn.save(state, result)
        return result.replies

    def confirmed(self, turn: Turn, state: SessionState, effect: ConfirmCrisis) -> list[Reply]:
        """The clarifying question was answered with danger or "not sure": the crisis path of
        that kind. Only a sure "no, I'm not safe" notes violence (not liftable by "not what I
        meant"); "not sure" shows the path and its lines and notes nothing."""
        tx = turn.tx
        kind = str(effect.kind) if effect.kind in KIND_ORDER else "suicide"
        tx.record_safety_event(effect.flow_id, effect.step_id, [kind])
        if kind == VIOLENCE and effect.sure is True and not tx.violence_noted:
            tx.note_violence(True)
        return self.crisis_path(turn, state, [kind], turn.locale, set_here=False)

    def crisis_path(
        self, turn: Turn, state: SessionState | None, kinds: list[str], locale: str | None, set_here: bool
    ) -> list[Reply]:
        tx = turn.tx
        resources = self.resources_for(tx, locale)
        lines = turn.say("crisis", resources=resources, categories=kinds)
        if state is not None and state.status == "active" and state.flow_id in self.paths.values():
            return [lines, *turn.engine.show(state).replies]  # already in crisis support
        if state is not None and state.status == "active" and state.flow_id == self.clarify_flow:
            state = _under(state) if state.stack else None  # the question gives way to the path itself
        path = self.paths.get(kinds[0], self.crisis_flow)
        variables = {**self.facts(turn, path, locale), "crisis_kind": kinds[0], "flag_set_here": set_here}
        result = turn.engine.interrupt(state, path, variables, redirect=self.redirect(tx))
        turn.save(state, result)
        return [lines, *result.replies]

    def undo(self, tx: ChatTx, effect: UndoSafety) -> None:
        """ "That's not what I meant": lift a not-safe note set by the message that started
        this support (recorded as an event when it was set), never one the person gave."""
        if effect.set_here is not True or not tx.violence_noted:
            return
        if tx.last_event("safety", FROM_MESSAGE) == tx.violence_noted_at:
            tx.note_violence(False)
            tx.record_event("safety", "violence-lifted")

    # ------------------------------------------------------------------ variables and lines

    def facts(self, turn: Turn, flow_id: str, locale: str | None = None) -> dict[str, Any]:
        """What the bot fills for a flow: `not_safe` always; the emergency number, the safety
        plan and the country's lines for flows that declare them."""
        tx = turn.tx
        declared = turn.engine.flow(flow_id).vars
        facts: dict[str, Any] = {NOT_SAFE_VAR: tx.violence_noted}
        if "emergency" in declared:
            facts["emergency"] = self.resources_for(tx, locale).emergency
        if "has_plan" in declared or "plan_lines" in declared:  # the plan, also for a flow that calls it
            facts.update(self.plan_vars(tx, locale))
        return facts

    def plan_vars(self, tx: ChatTx, locale: str | None = None) -> dict[str, Any]:
        """The saved plan as the safety-plan flow's variables, with the country's lines."""
        plan = tx.safety_plan()
        facts: dict[str, Any] = {"has_plan": plan is not None}
        facts.update({f"plan_{name}": (plan or {}).get(name) for name in PLAN_SECTIONS})
        facts["plan_lines"] = plan_lines(self.resources_for(tx, locale))
        return facts

    def sos(self, turn: Turn, categories: tuple[str, ...] | list[str] = ()) -> Reply:
        """The lines for the person's country, and their safety plan if they have one."""
        tx, locale = turn.tx, turn.locale
        return turn.say(
            "sos", resources=self.resources_for(tx, locale), categories=categories, **self.plan_vars(tx, locale)
        )

    def refresh(self, tx: ChatTx, state: SessionState | None) -> SessionState | None:
        """The session with `not_safe` as it stands now (it may have changed since it started)."""
        if state is None or state.vars.get(NOT_SAFE_VAR) == tx.violence_noted:
            return state
        return SessionState(
            state.flow_id,
            state.flow_version,
            state.step_id,
            {**state.vars, NOT_SAFE_VAR: tx.violence_noted},
            state.stack,
            state.seq,
            state.status,
            state.asked,
        )

    # ------------------------------------------------------------------ the rest

    def escalation(self, turn: Turn) -> list[Reply]:
        """After a check-in: if most check-ins of the last two weeks were 8 or more out of
        10, a gentle suggestion to see a professional, with resources; at most once a fortnight."""
        tx = turn.tx
        now = turn.clock()
        since = now - ESCALATION_WINDOW
        measure = turn.roles.measure
        levels = [v for v in tx.answers_since(measure.flow_id, measure.intensity, since) if isinstance(v, int)]
        high = sum(v >= ESCALATION_LEVEL for v in levels)
        if len(levels) < ESCALATION_MIN_CHECKINS or high * 2 <= len(levels):
            return []
        shown = tx.last_event("safety", "escalation")
        if shown is not None and shown >= since:
            return []
        tx.record_event("safety", "escalation")
        return [
            turn.say(
                "escalation",
                count=len(levels),
                high=high,
                resources=self.resources_for(tx, turn.locale),
                categories=(),
                not_safe=tx.violence_noted,
            )
        ]

    def redirect(self, tx: ChatTx) -> Redirect:
        """For someone not safe with a partner, exercises that move them toward one are
        replaced by the violence support flow."""
        return dict.fromkeys(self.gated, self.violence_flow) if tx.violence_noted else NO_REDIRECT

    def support_if_redirected(self, turn: Turn, before: SessionState | None, replies: list[Reply]) -> list[Reply]:
        """When a person has just been taken to violence support, domestic-violence lines
        come right before its question."""
        tx = turn.tx
        if not tx.violence_noted:  # the usual case costs nothing
            return replies
        was = before is not None and before.flow_id == self.violence_flow
        with_tx = tx.load_session()
        if was or with_tx is None or with_tx.flow_id != self.violence_flow or not replies:
            return replies
        return [*replies[:-1], self.sos(turn, [VIOLENCE]), replies[-1]]

    def resources_for(self, tx: ChatTx, locale: str | None) -> Resources:
        """The lines for the country the person chose, else the one their language names."""
        return resources_for(tx.country or country_from_language(locale), self.resources)


def plan_lines(resources: Resources) -> str:
    """The country's lines in one line of a safety plan: name and how to reach it."""
    parts = [f"emergency {resources.emergency}"]
    for line in (*resources.crisis, *resources.violence):
        how = ", ".join(x for x in (line.phone, f"text {line.text}" if line.text else None) if x) or line.url
        parts.append(f"{line.name} ({how})")
    return "; ".join(parts)


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _under(state: SessionState) -> SessionState:
    """The session as it was before the clarifying question was put on top of it."""
    frame = state.stack[-1]
    return SessionState(
        frame.flow_id, frame.flow_version, frame.step_id, state.vars, state.stack[:-1], state.seq, asked=frame.asked
    )
