"""The dialogue engine: (session state, event) -> (replies, effects, new state).

Pure: no Telegram, no database, no clock, no I/O besides reading templates once at
start. The service stores the new state, carries out the effects and only then lets
a transport show the replies.

Unexpected input (text where a button is expected, a stale or unknown button, an
empty message, a photo) gets a gentle re-ask and leaves the state exactly as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.dialogue import NOT_SAFE_VAR, Flow, Library, Templates, answers
from bot.engine.machines import CompiledFlow, Cursor, compile_flow, count_questions
from bot.engine.run import GUESS_VAR, NO_REDIRECT, Redirect, Result, Run, comparable
from bot.engine.state import (
    Choice,
    Command,
    Event,
    FlowEnded,
    Frame,
    SessionState,
    Text,
    Unsupported,
)
from bot.errors import UnknownFlowError, UnknownStepError

__all__ = ["NO_REDIRECT", "SYSTEM_PROMPTS", "Engine", "Redirect", "Result"]

log = logging.getLogger(__name__)

# Words the engine itself says; maintainers edit them like any prompt.
SYSTEM_PROMPTS = {
    "reask_choice": "system/reask-choice.j2",
    "reask_scale": "system/reask-scale.j2",
    "reask_empty": "system/reask-empty.j2",
    "cannot_skip": "system/cannot-skip.j2",
    "stale_button": "system/stale-button.j2",
    "unsupported": "system/unsupported.j2",
    "truncated": "system/truncated.j2",
    "did_you_mean": "system/did-you-mean.j2",
    "not_it": "system/not-it.j2",
    "flow_changed": "system/flow-changed.j2",
    "flow_gone": "system/flow-gone.j2",
}


class Engine:
    def __init__(
        self, library: Library, templates: Templates | None = None, meaning: answers.Meaning | None = None
    ) -> None:
        self.library = library
        # How alike in meaning a person's words are to a button's (the sentence encoder the
        # edges hand in); without it, typed answers are read by their words alone.
        self.meaning = meaning
        self.templates = templates or Templates(*library.prompts)
        if self.templates.search_path == library.prompts:  # the files the check read
            self.templates.learn(library.reads)
        self.flows: dict[str, CompiledFlow] = {
            fid: compile_flow(flow, self.templates) for fid, flow in library.flows.items()
        }
        count_questions(self.flows)
        self.system = {key: self.templates.file_prompt(name) for key, name in SYSTEM_PROMPTS.items()}

    def _run(self, state: SessionState, redirect: Redirect = NO_REDIRECT, surface: str = "") -> Run:
        """The work for one event, handed the compiled flows and the engine's own words."""
        return Run(self.flows, self.system, without_guess(state), redirect, self.meaning, surface)

    # ------------------------------------------------------------------ public

    def flow(self, flow_id: str) -> Flow:
        if flow_id not in self.flows:
            raise UnknownFlowError(flow_id, list(self.flows))
        return self.flows[flow_id].flow

    def reachable_flows(self, flow_id: str) -> set[str]:
        """`flow_id` and every flow it calls, directly or further down."""
        seen: set[str] = set()
        pending = [flow_id]
        while pending:
            current = pending.pop()
            if current in seen or current not in self.flows:
                continue
            seen.add(current)
            pending.extend(s.call for s in self.flows[current].flow.steps.values() if s.call)
        return seen

    def start(
        self,
        flow_id: str,
        variables: Mapping[str, Any] | None = None,
        seq: int = 0,
        redirect: Redirect = NO_REDIRECT,
        at: str | None = None,
    ) -> Result:
        """A new session at the flow's first step (or at the step `at`, for a transcript or an
        author starting mid-flow), run until it waits for the person. `redirect` replaces
        flows that must not run for this person (see `Redirect`)."""
        flow = self.flow(redirect.get(flow_id, flow_id))
        step = flow.start if at is None or flow.id != flow_id else at
        if step not in flow.steps:
            raise UnknownStepError(flow.id, step, list(flow.steps))
        cursor = Cursor(step, {**flow.vars, **(variables or {})})
        run = self._run(SessionState(flow.id, flow.version, step, seq=seq), redirect)
        run.enter(self.flows[flow.id], cursor)
        return run.result(moved=True)

    def interrupt(
        self,
        state: SessionState | None,
        flow_id: str,
        variables: Mapping[str, Any] | None = None,
        redirect: Redirect = NO_REDIRECT,
    ) -> Result:
        """Run `flow_id` on top of the session; when it ends, the question the person was
        at is asked again, answers untouched. Without a session it simply starts."""
        if state is None or state.status != "active":
            return self.start(flow_id, variables, seq=state.seq if state else 0, redirect=redirect)
        state, _ = self.upgrade(state)
        flow = self.flow(redirect.get(flow_id, flow_id))
        state = without_guess(state)
        frame = Frame(state.flow_id, state.flow_version, state.step_id, resume=True, asked=state.asked)
        run = self._run(replace(state, stack=(*state.stack, frame), asked=0), redirect)
        cursor = Cursor(flow.start, dict(state.vars))
        for name, value in flow.vars.items():
            cursor.vars.setdefault(name, value)
        cursor.vars.update(variables or {})
        run.enter(self.flows[flow.id], cursor)
        return run.result(moved=True)

    def restart(self, state: SessionState, redirect: Redirect = NO_REDIRECT) -> Result:
        """The flow the person is in (the innermost) again from its first step, with the
        answers it asks for cleared; the flows around it (a check-in that called it, a
        question an interruption will return to) stay exactly as they were."""
        state, _ = self.upgrade(state)
        flow = self.flow(state.flow_id)
        around = set().union(*(self._sets(frame.flow_id) for frame in state.stack))
        variables = {
            name: value for name, value in state.vars.items() if name in around or name not in self._sets(flow.id)
        }
        for name, value in flow.vars.items():
            if name not in around:
                variables[name] = value
        run = self._run(replace(state, vars=variables), redirect)
        run.enter(self.flows[flow.id], Cursor(flow.start, dict(variables)))
        return run.result(moved=True)

    def variables(self, flow_id: str) -> set[str]:
        """Every variable a flow knows: those it declares or fills, those its words and
        routes read (a caller may have set them), and `not_safe`, which the bot fills."""
        compiled = self.flows[self.flow(flow_id).id]
        names = self._sets(flow_id) | {NOT_SAFE_VAR}
        for prompt in compiled.prompts.values():
            names |= prompt.uses
        for step in compiled.flow.steps.values():
            for route in step.next:
                if route.when:
                    names |= self.templates.condition(route.when).uses
        return names - set(self.templates.env.globals)

    def _sets(self, flow_id: str) -> set[str]:
        """The variables a flow declares or fills itself (its questions, its choices)."""
        flow = self.flow(flow_id)
        names = set(flow.vars)
        for step in flow.steps.values():
            if step.ask is not None:
                names.add(step.ask.var)
            if step.scale is not None:
                names.add(step.scale.var)
            for choice in step.choices:
                names.update(choice.set)
        return names

    def names_a_button(self, state: SessionState | None, text: str) -> bool:
        """Whether typed text is one of the current question's buttons (then it is a
        choice the flow handles, not free text)."""
        if state is None or state.status != "active" or state.flow_id not in self.flows:
            return False
        step = self.flows[state.flow_id].flow.steps.get(state.step_id)
        wanted = comparable(text)
        return step is not None and any(comparable(c.label) == wanted for c in step.choices)

    def dismiss(self, state: SessionState) -> SessionState | None:
        """The session as it stood before the flow on top was started over it, at the question
        it was on (its buttons made stale), or None when that flow is all there is."""
        if not state.stack:
            return None
        frame = state.stack[-1]
        return SessionState(
            frame.flow_id,
            frame.flow_version,
            frame.step_id,
            without_guess(state).vars,
            state.stack[:-1],
            state.seq + 1,
            "active",
        )

    def show(self, state: SessionState) -> Result:
        """The current step again, as if just arrived (for /resume and after a restart)."""
        upgraded, result = self.upgrade(state)
        if result is not None:
            return result
        compiled = self.flows[upgraded.flow_id]
        run = self._run(upgraded)
        run.ask_again(compiled, compiled.flow.steps[upgraded.step_id], note=None)
        return run.result(moved=upgraded != state)

    def handle(self, state: SessionState, event: Event, redirect: Redirect = NO_REDIRECT, surface: str = "") -> Result:
        """`surface` ("terminal", "telegram") only changes how a re-ask says to answer."""
        state, upgraded = self.upgrade(state)
        if upgraded is not None:
            return upgraded
        compiled = self.flows[state.flow_id]
        step = compiled.flow.steps[state.step_id]
        guess = state.vars.get(GUESS_VAR)
        run = self._run(state, redirect, surface)
        if isinstance(event, Choice):
            run.on_choice(compiled, step, event)
        elif isinstance(event, Text):
            run.on_text(
                compiled, step, event.text, [g for g in guess if isinstance(g, str)] if isinstance(guess, list) else ()
            )
        elif isinstance(event, Command) and event.name == "skip":
            run.on_skip(compiled, step)
        elif isinstance(event, Unsupported):
            run.ask_again(compiled, step, note="unsupported", kind=event.kind)
        else:
            run.ask_again(compiled, step, note="reask_choice" if step.choices else "reask_empty")
        return run.result(moved=run.moved)

    def upgrade(self, state: SessionState) -> tuple[SessionState, Result | None]:
        """Carry a session saved under an older flow version to the current one.

        Each frame's step follows the flow's migrations. A step that is gone with no
        migration is never a crash and never a silent restart: the person is told the
        exercise changed and continues from its beginning, answers kept.

        Returns the carried state and, when the person must first be shown something
        (a notice, or a step that was entered anew), the result to show instead of
        handling their event. When the question they see still stands, the result is
        None and their answer applies to the carried state.
        """
        frames = (*state.stack, Frame(state.flow_id, state.flow_version, state.step_id))
        if all(
            f.flow_id in self.flows
            and self.flows[f.flow_id].flow.version == f.flow_version
            and f.step_id in self.flows[f.flow_id].flow.steps
            for f in frames
        ):
            return state, None
        variables = dict(state.vars)
        migrated: list[Frame] = []
        lost = False
        for frame in frames:
            compiled = self.flows.get(frame.flow_id)
            if compiled is None:
                migrated = []
                break
            flow = compiled.flow
            step_id = frame.step_id
            for migration in sorted(flow.migrations, key=lambda m: m.version):
                if migration.version > frame.flow_version:
                    step_id = migration.steps.get(step_id, step_id)
                    for name, value in migration.vars.items():
                        variables.setdefault(name, value)
            if step_id not in flow.steps:
                lost = True
                log.warning(
                    "session step missing after migration",
                    extra={
                        "fields": {
                            "flow": flow.id,
                            "version": f"{frame.flow_version}->{flow.version}",
                            "step": step_id,
                        }
                    },
                )
                step_id = flow.start
            migrated.append(Frame(flow.id, flow.version, step_id, frame.resume, frame.asked))
        run = self._run(state)
        if not migrated:
            run.say("flow_gone", {})
            run.state = replace(state, status="stopped")
            run.effects.append(FlowEnded(state.flow_id, "stopped"))
            return state, run.result(moved=True)
        top = migrated[-1]
        run.state = replace(
            state,
            flow_id=top.flow_id,
            flow_version=top.flow_version,
            step_id=top.step_id,
            stack=tuple(migrated[:-1]),
            vars=variables,
        )
        compiled = self.flows[top.flow_id]
        step = compiled.flow.steps[top.step_id]
        if step.waits and not lost:
            return run.state, None  # same question, carried forward: the answer applies
        if lost:
            run.say("flow_changed", {"title": compiled.flow.title})
        if step.waits:
            run.ask_again(compiled, step, note=None)
        else:
            run.enter(compiled, Cursor(step.id, variables))
        return run.state, run.result(moved=True)


def without_guess(state: SessionState) -> SessionState:
    """The session without a "did you mean" guess: it stands for one answer only."""
    if GUESS_VAR not in state.vars:
        return state
    return replace(state, vars={k: v for k, v in state.vars.items() if k != GUESS_VAR})
