"""One `transitions.Machine` per flow, built once when the dialogue files load.

Chats are never attached to a machine (`add_model` costs ~215 us and ~58 KiB per
chat). Instead the engine sets a small cursor's `state` and fires the event on the
shared machine (~8 us): `machine.events[trigger].trigger(cursor)`.

Triggers:
    choose:<choice-id>   a button; goes to the choice's `goto`, or the step's `next`
    next                 an answer, a skip, a finished message or a returning call
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from transitions import EventData, Machine

from bot.dialogue import EFFECTS, Condition, Flow, Prompt, Route, Step, Templates

# transitions logs every transition at INFO: far too chatty for a per-message path.
logging.getLogger("transitions").setLevel(logging.WARNING)

NEXT = "next"


def choose(choice_id: str) -> str:
    return f"choose:{choice_id}"


@dataclass(slots=True)
class Cursor:
    """Where a session stands while the engine works on it; never kept between messages."""

    state: str
    vars: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompiledFlow:
    flow: Flow
    machine: Machine
    prompts: dict[str, Prompt]
    # Prompt files effects render (a follow-up's `plan: softened-startup/plan.j2`), by name.
    words: dict[str, Prompt] = field(default_factory=dict)
    # Questions still to come from each step, the longest way (`count_questions` fills them).
    ahead: dict[str, int] = field(default_factory=dict)
    onward: dict[str, int] = field(default_factory=dict)

    def fire(self, cursor: Cursor, trigger: str) -> bool:
        event = self.machine.events.get(trigger)
        if event is None or not event.transitions.get(cursor.state):
            return False
        return bool(event.trigger(cursor))


def compile_flow(flow: Flow, templates: Templates) -> CompiledFlow:
    """Build the machine and compile every prompt and condition of a checked flow."""
    machine = Machine(
        model=None,
        states=list(flow.steps),
        initial=flow.start,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )
    for step in flow.steps.values():
        for spec in _transitions(step, templates):
            machine.add_transition(**spec)
    prompts: dict[str, Prompt] = {}
    for step in flow.steps.values():
        if step.say is not None:
            prompts[step.id] = (
                templates.file_prompt(step.say.source) if step.say.is_file else templates.inline_prompt(step.say.source)
            )
    words = {
        name: templates.file_prompt(name)
        for step in flow.steps.values()
        for effect in step.effects
        if effect.kind in EFFECTS
        for _, name in EFFECTS[effect.kind].templates(effect.params)
    }
    return CompiledFlow(flow, machine, prompts, words)


def _transitions(step: Step, templates: Templates) -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = []
    for choice in step.choices:
        if choice.goto is not None:
            specs.append({"trigger": choose(choice.id), "source": step.id, "dest": choice.goto})
        else:
            specs.extend(_routes(choose(choice.id), step, templates))
    specs.extend(_routes(NEXT, step, templates))
    return specs


def _routes(trigger: str, step: Step, templates: Templates) -> list[dict[str, Any]]:
    return [
        {
            "trigger": trigger,
            "source": step.id,
            "dest": route.goto,
            "conditions": [_condition(templates.condition(route.when))] if route.when else [],
        }
        for route in step.next
    ]


def _condition(condition: Condition) -> Any:
    def holds(event: EventData) -> bool:
        return condition.holds(cast(Cursor, event.model).vars)

    return holds


def _walk(flow: Flow) -> tuple[list[str], set[tuple[str, str]]]:
    """The steps reachable from the start in a topological order, and the edges that loop
    back (each loop is counted once, not forever). The route without a condition is the
    usual way on and is walked first; conditional ones (an edit that jumps back to a
    read-back, say) are detours, so a detour is never mistaken for the way in."""
    order: list[str] = []  # finishing order of a depth-first walk; reversed, a topological order
    state: dict[str, int] = {}  # 1 while on the current path, 2 once finished
    back: set[tuple[str, str]] = set()

    def main_first(step: Step) -> list[str]:
        targets = [*(c.goto for c in step.choices if c.goto), *(r.goto for r in reversed(step.next))]
        return [t for t in targets if t in flow.steps]

    def visit(sid: str) -> None:
        state[sid] = 1
        for target in main_first(flow.steps[sid]):
            if state.get(target) == 1:
                back.add((sid, target))
            elif target not in state:
                visit(target)
        state[sid] = 2
        order.append(sid)

    visit(flow.start)
    order.reverse()
    return order, back


def count_questions(flows: Mapping[str, CompiledFlow]) -> None:
    """Fill each flow's `ahead` and `onward`: the questions still to come, the longest way,
    counting those of the flows it calls (a call step weighs the longest way through the
    called flow). `ahead[step]` counts the step itself; `onward[step]` only what follows it,
    which is what is left of a caller once the flow it called returns. Skipping an optional
    question or taking a short branch only makes the end come sooner, so a total built on
    these never grows as the person answers. Loops (an edit that jumps back) count once."""
    done: dict[str, int] = {}  # the longest way through each flow, once worked out

    def through(flow_id: str, calling: frozenset[str]) -> int:
        if flow_id in done:
            return done[flow_id]
        compiled = flows.get(flow_id)
        if compiled is None or flow_id in calling:  # `hedgehog check` refuses call circles
            return 0
        flow = compiled.flow
        order, back = _walk(flow)
        for sid in reversed(order):
            step = flow.steps[sid]
            onward = [compiled.ahead[t] for t in step.targets() if t in flow.steps and (sid, t) not in back]
            compiled.onward[sid] = max(onward, default=0)
            called = through(step.call, calling | {flow_id}) if step.call else 0
            compiled.ahead[sid] = (1 if step.waits else 0) + called + compiled.onward[sid]
        done[flow_id] = compiled.ahead[flow.start]
        return done[flow_id]

    for flow_id in flows:
        through(flow_id, frozenset())


__all__ = ["NEXT", "CompiledFlow", "Cursor", "Route", "choose", "compile_flow", "count_questions"]
