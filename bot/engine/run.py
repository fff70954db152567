"""One event's run through the flows: match the event to the waiting step, enter steps
until one waits for the person, and collect the replies and effects on the way.

`Engine` (in `engine.py`) is the public face; a `Run` lives for one event and is handed
what it reads: the compiled flows and the engine's own words. It never sees the `Engine`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.dialogue import CONFIRM_GUESSES_TAG, NOT_SAFE_VAR, SKIP_CHOICE, Prompt, Step, answers
from bot.engine.effects import build
from bot.engine.machines import NEXT, CompiledFlow, Cursor, choose
from bot.engine.state import (
    Button,
    Choice,
    Effect,
    Expects,
    FlowEnded,
    Frame,
    NoteSafety,
    RecordAnswer,
    Reply,
    SessionState,
    UndoSafety,
)

log = logging.getLogger("bot.engine.engine")

MAX_HOPS = 200  # steps entered for one event; more means a loop of messages

# Flows that must not run for this person, each with the flow to run instead (e.g. the
# exercises that move a person toward a partner they are not safe with).
Redirect = Mapping[str, str]
NO_REDIRECT: Redirect = {}

# The choice id of "No" / "Something else" under a "did you mean", and the session variable
# that keeps the one button asked about (so a typed "yes" takes it). Neither can be written
# in a flow: ids and variables there are plain words.
NOT_IT = "@not-it"
GUESS_VAR = "@guess"
# How close a typed label must be to a button's to be taken: a question that also takes
# free text needs it closer, since the words may simply be the person's answer.
TYPO = answers.TYPO_RATIO
TYPO_WITH_ASK = 0.88
TYPO_LIMIT = 80  # characters: longer text is no button's label mistyped
MEANING_LIMIT = 300  # characters read for meaning; longer text at a buttons-only question is asked again


@dataclass(slots=True)
class Result:
    state: SessionState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    moved: bool = False  # the session went to another step (or ended)


class Run:
    """The work for one event: collects replies and effects, ends with a new state."""

    def __init__(
        self,
        flows: Mapping[str, CompiledFlow],
        system: Mapping[str, Prompt],
        state: SessionState,
        redirect: Redirect = NO_REDIRECT,
        meaning: answers.Meaning | None = None,
        surface: str = "",
    ) -> None:
        self.flows = flows
        self.system = system
        self.state = state
        self.redirect = redirect
        self.meaning = meaning  # how alike in meaning words are (the sentence encoder), if any
        self.surface = surface  # "terminal" or "telegram": how a re-ask says to answer
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.moved = False

    def result(self, moved: bool) -> Result:
        return Result(self.state, self.replies, self.effects, moved)

    def say(self, key: str, context: Mapping[str, Any]) -> None:
        self.replies.append(Reply(text=self.system[key].render(context)))

    # ------------------------------------------------------------------ input

    def on_choice(self, compiled: CompiledFlow, step: Step, event: Choice) -> None:
        stale = (event.step_id is not None and event.step_id != step.id) or (
            event.seq is not None and event.seq != self.state.seq
        )
        if stale:
            self.ask_again(compiled, step, note="stale_button")
        elif event.choice_id == SKIP_CHOICE:
            self.on_skip(compiled, step)
        elif event.choice_id == NOT_IT:
            self.ask_again(compiled, step, note="not_it")
        elif step.scale is not None:
            self.on_scale(compiled, step, event.choice_id)
        elif step.choice(event.choice_id) is not None:
            self.choose(compiled, step, event.choice_id)
        else:
            self.ask_again(compiled, step, note="stale_button")

    def on_text(self, compiled: CompiledFlow, step: Step, text: str, guess: Sequence[str] = ()) -> None:
        """Typed text, read the forgiving way (`bot.dialogue.answers`): a button's label in any
        case or with a typo, the words it also accepts, a yes or a no, "skip", a number for a
        scale, and at a question with only buttons the person's own words by meaning (asked
        back when unclear). `guess`: the buttons the bot just asked "did you mean" about."""
        answer = text.strip()
        if not answer:
            self.ask_again(compiled, step, note="reask_empty")
            return
        said = answers.polarity(answer)
        if said is None and step.ask is None:
            said = answers.lead_polarity(answer)  # "nah not like that, I just meant I'm exhausted"
        guessed = [g for g in guess if step.choice(g) is not None]
        if guessed and said == "no":
            self.ask_again(compiled, step, note="not_it")
            return
        if len(guessed) == 1 and said == "yes":
            self.choose(compiled, step, guessed[0])
            return
        label = answers.fold(answer)
        for choice in step.choices:
            if label in answers.names(choice) or choice.id == answer.casefold():
                self.choose(compiled, step, choice.id)
                return
        meant = answers.by_polarity(step.choices, said) if said is not None else None
        if meant is None and step.ask is None and step.choices:
            meant = answers.by_words(answer, step.choices)
        if meant is None and len(label) <= TYPO_LIMIT:
            typo = answers.closest(
                answer, [answers.names(c) for c in step.choices], TYPO_WITH_ASK if step.ask else TYPO
            )
            meant = step.choices[typo] if typo is not None else None
        if meant is not None:
            self.choose(compiled, step, meant.id)
        elif self.skippable(step) and answers.wants_skip(answer):
            self.on_skip(compiled, step)
        elif step.ask is not None:
            limit = step.ask.max_length
            if len(answer) > limit:
                self.say("truncated", {"limit": limit, "length": len(answer)})
                answer = answer[:limit].rstrip()
            self.answer(compiled, step, step.ask.var, answer)
        elif step.scale is not None:
            self.on_scale(compiled, step, answer)
        elif step.choices and self.meaning is not None and len(answer) <= MEANING_LIMIT:
            ids, clear = answers.nearest(answer, step.choices, self.meaning)
            if clear and not compiled.flow.tags.get(CONFIRM_GUESSES_TAG):
                self.choose(compiled, step, ids[0])
            elif ids:
                self.ask_back(step, ids)
            else:
                self.ask_again(compiled, step, note="reask_choice")
        else:
            self.ask_again(compiled, step, note="reask_choice")

    def on_scale(self, compiled: CompiledFlow, step: Step, raw: str) -> None:
        scale = step.scale
        assert scale is not None
        value = answers.scale_value(raw)
        if value is None or not scale.low <= value <= scale.high:
            self.ask_again(compiled, step, note="reask_scale", outside=value)
            return
        self.answer(compiled, step, scale.var, value)

    @staticmethod
    def skippable(step: Step) -> bool:
        return bool((step.ask is not None and step.ask.skippable) or (step.scale is not None and step.scale.skippable))

    def on_skip(self, compiled: CompiledFlow, step: Step) -> None:
        if not self.skippable(step):
            self.ask_again(compiled, step, note="cannot_skip")
            return
        var = step.ask.var if step.ask is not None else step.scale.var if step.scale is not None else ""
        cursor = Cursor(step.id, {**self.state.vars, var: None})
        self.fire(compiled, cursor, NEXT)

    def ask_back(self, step: Step, ids: list[str]) -> None:
        """ "Did you mean: Text or call again?" with Yes and No, or the few buttons it could be
        and "Something else". The guess is kept with the session, so a typed "yes" takes it
        (and a "no" shows every button again)."""
        guessed = [c for c in (step.choice(i) for i in ids) if c is not None]
        buttons: tuple[Button, ...]
        self.state = replace(self.state, vars={**self.state.vars, GUESS_VAR: [c.id for c in guessed]})
        if len(guessed) == 1:
            buttons = (Button(guessed[0].id, "Yes"), Button(NOT_IT, "No"))
        else:
            buttons = (*(Button(c.id, c.label) for c in guessed), Button(NOT_IT, "Something else"))
        text = self.system["did_you_mean"].render({"labels": [c.label for c in guessed]})
        self.replies.append(Reply(text=text, buttons=buttons, expects="choice", step_id=step.id, seq=self.state.seq))

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
            log.error("no transition", extra={"fields": {"flow": compiled.flow.id, "step": cursor.state}})
            self.effects = [e for e in self.effects if not isinstance(e, RecordAnswer)]
            self.ask_again(compiled, compiled.flow.steps[self.state.step_id], note="reask_choice")
            return
        self.moved = True
        self.enter(compiled, cursor)

    def enter(self, compiled: CompiledFlow, cursor: Cursor) -> None:
        """Enter `cursor.state` and keep going until a step waits for the person or all ends."""
        stack = list(self.state.stack)
        seq = self.state.seq
        asked = self.state.asked
        for _ in range(MAX_HOPS):
            flow = compiled.flow
            step = flow.steps[cursor.state]
            seq += 1
            text = compiled.prompts[step.id].render(cursor.vars) if step.id in compiled.prompts else ""
            called = bool(stack) and not stack[-1].resume
            entered = self.step_effects(compiled, step, cursor.vars, called)
            self.effects.extend(entered)
            self.note_safety(entered, cursor.vars)
            if step.waits:
                asked += 1
                self.state = SessionState(
                    flow.id, flow.version, step.id, cursor.vars, tuple(stack), seq, "active", asked
                )
                self.replies.append(self.question(compiled, step, text))
                return
            if text:
                self.replies.append(Reply(text=text))
            if step.call is not None:
                stack.append(Frame(flow.id, flow.version, step.id))
                compiled = self.flows[self.redirect.get(step.call, step.call)]
                for name, value in compiled.flow.vars.items():
                    cursor.vars.setdefault(name, value)
                cursor.state = compiled.flow.start
                continue
            if step.end is not None:
                if not stack:
                    self.state = SessionState(flow.id, flow.version, step.id, cursor.vars, (), seq, step.end, asked)
                    self.effects.append(FlowEnded(flow.id, step.end))
                    return
                frame = stack.pop()
                if frame.flow_id in self.redirect:
                    # Switched off for this person since it began (say, partner violence told
                    # during the interruption): its replacement runs in its place.
                    compiled = self.flows[self.redirect[frame.flow_id]]
                    for name, value in compiled.flow.vars.items():
                        cursor.vars.setdefault(name, value)
                    cursor.state = compiled.flow.start
                    continue
                compiled = self.flows[frame.flow_id]
                cursor.state = frame.step_id
                if frame.resume:  # back to the question that was interrupted
                    resumed = compiled.flow.steps[frame.step_id]
                    asked = max(frame.asked - 1, 0)  # if passed by, the next question follows it
                    if (
                        resumed.toward_partner
                        and cursor.vars.get(NOT_SAFE_VAR)
                        and resumed.next
                        and compiled.fire(cursor, NEXT)
                    ):
                        # Not for someone not safe with their partner (they may have said so
                        # during the interruption): passed by, as its own routes allow.
                        continue
                    self.state = SessionState(
                        frame.flow_id,
                        frame.flow_version,
                        resumed.id,
                        cursor.vars,
                        tuple(stack),
                        seq,
                        "active",
                        frame.asked,  # that question was counted when it was first asked
                    )
                    self.replies.append(
                        self.question(compiled, resumed, compiled.prompts[resumed.id].render(cursor.vars))
                    )
                    return
            if not compiled.fire(cursor, NEXT):
                break
        log.error("flow did not come to rest", extra={"fields": {"flow": compiled.flow.id, "step": cursor.state}})
        flow = compiled.flow
        self.state = SessionState(flow.id, flow.version, cursor.state, cursor.vars, (), seq, "stopped")
        self.effects.append(FlowEnded(flow.id, "stopped"))

    def step_effects(
        self, compiled: CompiledFlow, step: Step, variables: Mapping[str, Any], called: bool = False
    ) -> list[Effect]:
        def render(name: str) -> str:
            return compiled.words[name].text(variables)

        return [build(effect, compiled.flow.id, step.id, variables, called, render) for effect in step.effects]

    def note_safety(self, effects: list[Effect], variables: dict[str, Any]) -> None:
        """A step that notes or lifts "not safe with a partner" changes what the rest of this
        run shows: the variable the bot fills, and (when lifted) the redirect."""
        for effect in effects:
            if isinstance(effect, NoteSafety):
                variables[NOT_SAFE_VAR] = effect.unsafe
                if not effect.unsafe:
                    self.redirect = {}
            elif isinstance(effect, UndoSafety) and effect.set_here is True:
                variables[NOT_SAFE_VAR] = False
                self.redirect = {}

    # ------------------------------------------------------------------ replies

    def question(self, compiled: CompiledFlow, step: Step, text: str) -> Reply:
        buttons = tuple(Button(c.id, c.label) for c in step.choices)
        if self.skippable(step):
            buttons += (Button(SKIP_CHOICE, "Skip"),)
        expects: Expects = "scale" if step.scale else "text" if step.ask else "choice"
        scale = (step.scale.low, step.scale.high) if step.scale else None
        return Reply(
            text=text,
            buttons=buttons,
            expects=expects,
            step_id=step.id,
            seq=self.state.seq,
            scale=scale,
            progress=self.progress(compiled, step),
        )

    def progress(self, compiled: CompiledFlow, step: Step) -> tuple[int, int] | None:
        """ "Question N of about M" for the visit, one count across the flows it called:
        N is how many questions the person has been put so far (this one included); M adds
        the longest way on from here, in this flow and in each caller once it returns. So
        N goes up by one per question and M never grows. An interruption (/break on top
        of a check-in) counts on its own. None when there is only the one question."""
        asked = max(self.state.asked, 1)
        total = asked - 1 + compiled.ahead.get(step.id, 1)
        for frame in reversed(self.state.stack):
            if frame.resume:
                break
            caller = self.flows.get(frame.flow_id)
            if caller is not None:
                total += caller.onward.get(frame.step_id, 0)
        total = max(total, asked)
        return (asked, total) if total > 1 else None

    def ask_again(
        self,
        compiled: CompiledFlow,
        step: Step,
        note: str | None,
        kind: str = "",
        outside: int | None = None,
    ) -> None:
        """Show the current step again; the state is unchanged. After a note (a re-ask), only
        the question itself is repeated, not the words before it."""
        text = compiled.prompts[step.id].render(self.state.vars) if step.id in compiled.prompts else ""
        if note is not None:
            context = {
                "expects": "scale" if step.scale else "text" if step.ask else "choice",
                "skippable": self.skippable(step),
                "low": step.scale.low if step.scale else 0,
                "high": step.scale.high if step.scale else 10,
                "kind": kind,
                "outside": outside,
                "surface": self.surface,
                "buttons": bool(step.choices),
            }
            self.say(note, context)
            text = answers.question_of(text)
        self.replies.append(self.question(compiled, step, text))


def comparable(text: str) -> str:
    """Label matching ignores case, accents, emoji and punctuation."""
    return answers.fold(text)
