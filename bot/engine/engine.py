"""The dialogue engine: (session state, event) -> (replies, effects, new state).

Pure: no Telegram, no database, no clock, no I/O besides reading templates once at
start. The service stores the new state, carries out the effects and only then lets
a transport show the replies.

Unexpected input (text where a button is expected, a stale or unknown button, an
empty message, a photo) gets a gentle re-ask and leaves the state exactly as it was.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.dialogue.model import SKIP_CHOICE, Flow, Library, Step
from bot.dialogue.templates import Templates
from bot.engine.machines import NEXT, CompiledFlow, Cursor, choose, compile_flow
from bot.engine.state import (
    Assign,
    Button,
    Choice,
    Command,
    Effect,
    EraseData,
    Event,
    FlowEnded,
    Frame,
    MarkHomeworkDone,
    NoteSafety,
    RecordAnswer,
    RecordJournal,
    Reply,
    ScheduleFollowUp,
    SessionState,
    SetCountry,
    SetFollowUps,
    Share,
    Text,
    Unsupported,
)
from bot.errors import UnknownFlowError

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
    "flow_changed": "system/flow-changed.j2",
    "flow_gone": "system/flow-gone.j2",
}
MAX_HOPS = 200  # steps entered for one event; more means a loop of messages

# Flows that must not run for this person, each with the flow to run instead (e.g. the
# exercises that move a person toward a partner they are not safe with).
Redirect = Mapping[str, str]
NO_REDIRECT: Redirect = {}

_NOT_WORD = re.compile(r"[^\w\s]+")


@dataclass(slots=True)
class Result:
    state: SessionState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    moved: bool = False  # the session went to another step (or ended)


class Engine:
    def __init__(self, library: Library, templates: Templates | None = None) -> None:
        self.library = library
        self.templates = templates or Templates(*library.prompts)
        self.flows: dict[str, CompiledFlow] = {
            fid: compile_flow(flow, self.templates) for fid, flow in library.flows.items()
        }
        self.system = {key: self.templates.file_prompt(name) for key, name in SYSTEM_PROMPTS.items()}

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
        self, flow_id: str, variables: Mapping[str, Any] | None = None, seq: int = 0, redirect: Redirect = NO_REDIRECT
    ) -> Result:
        """A new session at the flow's first step, run until it waits for the person.
        `redirect` replaces flows that must not run for this person (see `Redirect`)."""
        flow = self.flow(redirect.get(flow_id, flow_id))
        cursor = Cursor(flow.start, {**flow.vars, **(variables or {})})
        run = _Run(self, SessionState(flow.id, flow.version, flow.start, seq=seq), redirect)
        run.enter(self.flows[flow.id], cursor)
        return run.result(moved=True)

    def interrupt(
        self, state: SessionState | None, flow_id: str, variables: Mapping[str, Any] | None = None,
        redirect: Redirect = NO_REDIRECT,
    ) -> Result:
        """Run `flow_id` on top of the session; when it ends, the question the person was
        at is asked again, answers untouched. Without a session it simply starts."""
        if state is None or state.status != "active":
            return self.start(flow_id, variables, seq=state.seq if state else 0, redirect=redirect)
        state, _ = self.upgrade(state)
        flow = self.flow(redirect.get(flow_id, flow_id))
        frame = Frame(state.flow_id, state.flow_version, state.step_id, resume=True)
        run = _Run(self, replace(state, stack=(*state.stack, frame)), redirect)
        cursor = Cursor(flow.start, dict(state.vars))
        for name, value in flow.vars.items():
            cursor.vars.setdefault(name, value)
        cursor.vars.update(variables or {})
        run.enter(self.flows[flow.id], cursor)
        return run.result(moved=True)

    def names_a_button(self, state: SessionState | None, text: str) -> bool:
        """Whether typed text is one of the current question's buttons (then it is a
        choice the flow handles, not free text)."""
        if state is None or state.status != "active" or state.flow_id not in self.flows:
            return False
        step = self.flows[state.flow_id].flow.steps.get(state.step_id)
        wanted = _comparable(text)
        return step is not None and any(_comparable(c.label) == wanted for c in step.choices)

    def show(self, state: SessionState) -> Result:
        """The current step again, as if just arrived (for /resume and after a restart)."""
        upgraded, result = self.upgrade(state)
        if result is not None:
            return result
        compiled = self.flows[upgraded.flow_id]
        run = _Run(self, upgraded)
        run.ask_again(compiled, compiled.flow.steps[upgraded.step_id], note=None)
        return run.result(moved=upgraded != state)

    def handle(self, state: SessionState, event: Event, redirect: Redirect = NO_REDIRECT) -> Result:
        state, upgraded = self.upgrade(state)
        if upgraded is not None:
            return upgraded
        compiled = self.flows[state.flow_id]
        step = compiled.flow.steps[state.step_id]
        run = _Run(self, state, redirect)
        if isinstance(event, Choice):
            run.on_choice(compiled, step, event)
        elif isinstance(event, Text):
            run.on_text(compiled, step, event.text)
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
            f.flow_id in self.flows and self.flows[f.flow_id].flow.version == f.flow_version
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
                log.warning("session step missing after migration", extra={"flow": flow.id})
                step_id = flow.start
            migrated.append(Frame(flow.id, flow.version, step_id, frame.resume))
        run = _Run(self, state)
        if not migrated:
            run.say("flow_gone", {})
            run.state = replace(state, status="stopped")
            run.effects.append(FlowEnded(state.flow_id, "stopped"))
            return state, run.result(moved=True)
        top = migrated[-1]
        run.state = replace(
            state, flow_id=top.flow_id, flow_version=top.flow_version, step_id=top.step_id,
            stack=tuple(migrated[:-1]), vars=variables,
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


class _Run:
    """The work for one event: collects replies and effects, ends with a new state."""

    def __init__(self, engine: Engine, state: SessionState, redirect: Redirect = NO_REDIRECT) -> None:
        self.engine = engine
        self.state = state
        self.redirect = redirect
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.moved = False

    def result(self, moved: bool) -> Result:
        return Result(self.state, self.replies, self.effects, moved)

    def say(self, key: str, context: Mapping[str, Any]) -> None:
        self.replies.append(Reply(text=self.engine.system[key].render(context)))

    # ------------------------------------------------------------------ input

    def on_choice(self, compiled: CompiledFlow, step: Step, event: Choice) -> None:
        stale = (event.step_id is not None and event.step_id != step.id) or (
            event.seq is not None and event.seq != self.state.seq
        )
        if stale:
            self.ask_again(compiled, step, note="stale_button")
            return
        if step.scale is not None:
            self.on_scale(compiled, step, event.choice_id)
        elif event.choice_id == SKIP_CHOICE:
            self.on_skip(compiled, step)
        elif step.choice(event.choice_id) is not None:
            self.choose(compiled, step, event.choice_id)
        else:
            self.ask_again(compiled, step, note="stale_button")

    def on_text(self, compiled: CompiledFlow, step: Step, text: str) -> None:
        answer = text.strip()
        if not answer:
            self.ask_again(compiled, step, note="reask_empty")
            return
        label = _comparable(answer)
        for choice in step.choices:
            if _comparable(choice.label) == label or choice.id == answer.casefold():
                self.choose(compiled, step, choice.id)
                return
        if step.ask is not None and step.ask.skippable and label == "skip":
            self.on_skip(compiled, step)
        elif step.ask is not None:
            limit = step.ask.max_length
            if len(answer) > limit:
                self.say("truncated", {"limit": limit, "length": len(answer)})
                answer = answer[:limit].rstrip()
            self.answer(compiled, step, step.ask.var, answer)
        elif step.scale is not None:
            self.on_scale(compiled, step, answer)
        else:
            self.ask_again(compiled, step, note="reask_choice")

    def on_scale(self, compiled: CompiledFlow, step: Step, raw: str) -> None:
        scale = step.scale
        assert scale is not None
        match = re.fullmatch(r"\s*(\d{1,2})\s*(?:/\s*10)?\s*", raw)
        value = int(match.group(1)) if match else None
        if value is None or not scale.low <= value <= scale.high:
            self.ask_again(compiled, step, note="reask_scale")
            return
        self.answer(compiled, step, scale.var, value)

    def on_skip(self, compiled: CompiledFlow, step: Step) -> None:
        if step.ask is None or not step.ask.skippable:
            self.ask_again(compiled, step, note="cannot_skip")
            return
        cursor = Cursor(step.id, {**self.state.vars, step.ask.var: None})
        self.fire(compiled, cursor, NEXT)

    # ------------------------------------------------------------------ moving

    def choose(self, compiled: CompiledFlow, step: Step, choice_id: str) -> None:
        choice = step.choice(choice_id)
        assert choice is not None
        cursor = Cursor(step.id, {**self.state.vars, **choice.set})
        for name, value in choice.set.items():
            self.effects.append(RecordAnswer(compiled.flow.id, step.id, name, value))
        self.fire(compiled, cursor, choose(choice_id))

    def answer(self, compiled: CompiledFlow, step: Step, var: str, value: Any) -> None:
        cursor = Cursor(step.id, {**self.state.vars, var: value})
        self.effects.append(RecordAnswer(compiled.flow.id, step.id, var, value))
        self.fire(compiled, cursor, NEXT)

    def fire(self, compiled: CompiledFlow, cursor: Cursor, trigger: str) -> None:
        if not compiled.fire(cursor, trigger):
            # Only a flow that failed `hedgehog check` can get here; stay put, kindly.
            log.error("no transition", extra={"flow": compiled.flow.id, "step": cursor.state})
            self.effects = [e for e in self.effects if not isinstance(e, RecordAnswer)]
            self.ask_again(compiled, compiled.flow.steps[self.state.step_id], note="reask_choice")
            return
        self.moved = True
        self.enter(compiled, cursor)

    def enter(self, compiled: CompiledFlow, cursor: Cursor) -> None:
        """Enter `cursor.state` and keep going until a step waits for the person or all ends."""
        stack = list(self.state.stack)
        seq = self.state.seq
        for _ in range(MAX_HOPS):
            flow = compiled.flow
            step = flow.steps[cursor.state]
            seq += 1
            text = compiled.prompts[step.id].render(cursor.vars) if step.id in compiled.prompts else ""
            self.effects.extend(self.step_effects(flow, step, cursor.vars))
            if step.waits:
                self.state = SessionState(
                    flow.id, flow.version, step.id, cursor.vars, tuple(stack), seq, "active"
                )
                self.replies.append(self.question(compiled, step, text))
                return
            if text:
                self.replies.append(Reply(text=text))
            if step.call is not None:
                stack.append(Frame(flow.id, flow.version, step.id))
                compiled = self.engine.flows[self.redirect.get(step.call, step.call)]
                for name, value in compiled.flow.vars.items():
                    cursor.vars.setdefault(name, value)
                cursor.state = compiled.flow.start
                continue
            if step.end is not None:
                if not stack:
                    self.state = SessionState(
                        flow.id, flow.version, step.id, cursor.vars, (), seq, step.end
                    )
                    self.effects.append(FlowEnded(flow.id, step.end))
                    return
                frame = stack.pop()
                if frame.flow_id in self.redirect:
                    # Switched off for this person since it began (say, partner violence told
                    # during the interruption): its replacement runs in its place.
                    compiled = self.engine.flows[self.redirect[frame.flow_id]]
                    for name, value in compiled.flow.vars.items():
                        cursor.vars.setdefault(name, value)
                    cursor.state = compiled.flow.start
                    continue
                compiled = self.engine.flows[frame.flow_id]
                cursor.state = frame.step_id
                if frame.resume:  # back to the question that was interrupted
                    resumed = compiled.flow.steps[frame.step_id]
                    self.state = SessionState(
                        frame.flow_id, frame.flow_version, resumed.id, cursor.vars, tuple(stack), seq, "active"
                    )
                    self.replies.append(self.question(compiled, resumed, compiled.prompts[resumed.id].render(
                        cursor.vars)))
                    return
            if not compiled.fire(cursor, NEXT):
                break
        log.error("flow did not come to rest", extra={"flow": compiled.flow.id, "step": cursor.state})
        flow = compiled.flow
        self.state = SessionState(flow.id, flow.version, cursor.state, cursor.vars, (), seq, "stopped")
        self.effects.append(FlowEnded(flow.id, "stopped"))

    def step_effects(self, flow: Flow, step: Step, variables: Mapping[str, Any]) -> list[Effect]:
        effects: list[Effect] = []
        for effect in step.effects:
            if effect.kind == "journal":
                names = effect.params["vars"]
                values = {name: variables.get(name) for name in names}
                effects.append(RecordJournal(flow.id, step.id, effect.params["entry"], values))
            elif effect.kind == "follow_up":
                effects.append(
                    ScheduleFollowUp(flow.id, step.id, effect.params["flow"], effect.params["after"])
                )
            elif effect.kind == "delete_my_data":
                effects.append(EraseData(flow.id, step.id))
            elif effect.kind == "set_followups":
                when, local = effect.params["when"], effect.params.get("local_time")
                local_time = variables.get(local) if local else None
                effects.append(SetFollowUps(flow.id, step.id, variables.get(when), local_time))
            elif effect.kind == "assign":
                effects.append(Assign(flow.id, step.id, {k: variables.get(v) for k, v in effect.params.items()}))
            elif effect.kind == "set_country":
                effects.append(SetCountry(flow.id, step.id, variables.get(effect.params["country"])))
            elif effect.kind == "share":
                effects.append(Share(flow.id, step.id, variables.get(effect.params["level"])))
            elif effect.kind in ("note_unsafe", "clear_unsafe"):
                effects.append(NoteSafety(flow.id, step.id, unsafe=effect.kind == "note_unsafe"))
            else:
                effects.append(MarkHomeworkDone(flow.id, step.id))
        return effects

    # ------------------------------------------------------------------ replies

    def question(self, compiled: CompiledFlow, step: Step, text: str) -> Reply:
        buttons = tuple(Button(c.id, c.label) for c in step.choices)
        if step.ask is not None and step.ask.skippable:
            buttons += (Button(SKIP_CHOICE, "Skip"),)
        expects = "scale" if step.scale else "text" if step.ask else "choice"
        scale = (step.scale.low, step.scale.high) if step.scale else None
        return Reply(
            text=text, buttons=buttons, expects=expects, step_id=step.id, seq=self.state.seq,
            scale=scale, progress=compiled.progress.get(step.id),
        )

    def ask_again(self, compiled: CompiledFlow, step: Step, note: str | None, kind: str = "") -> None:
        """Show the current step again, optionally after a short note; the state is unchanged."""
        if note is not None:
            context = {
                "expects": "scale" if step.scale else "text" if step.ask else "choice",
                "skippable": bool(step.ask and step.ask.skippable),
                "low": step.scale.low if step.scale else 0,
                "high": step.scale.high if step.scale else 10,
                "kind": kind,
            }
            self.say(note, context)
        text = compiled.prompts[step.id].render(self.state.vars) if step.id in compiled.prompts else ""
        self.replies.append(self.question(compiled, step, text))


def _comparable(text: str) -> str:
    """Label matching ignores case, accents, emoji and punctuation."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())
