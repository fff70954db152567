"""A shorter moment: how many questions a person answers, in a hard moment, before the
exercise that helps begins.

The walk drives the real engine over the shipped flows from the check-in's first message,
trying every answer at every question (each button, Skip, one typed answer, every number
on a scale), and notes for each exercise the longest way there, per intensity. A way that
comes back to the same question may do so once (a person who asks for help and is asked
again), never forever. Run with `-s` to see the figures and the longest way in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_engine
from bot.coach import Coach
from bot.coach.roles import Roles
from bot.config import Settings
from bot.contract import Incoming
from bot.engine import Engine
from bot.engine.state import Choice, Command, Event, Frame, Reply, SessionState, Text
from bot.storage import ChatKey, Store

LIMIT = 8  # questions before the exercise starts, at most, on any branch
CALMING = {"soothe"}  # the step of an exercise that calms the body (the break's, set it free's)
TYPED = "He hasn't answered my texts for 3 hours and I keep checking my phone."
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_WORDS = {"and", "or", "not", "in", "is", "none", "true", "false", "null"}


@dataclass(frozen=True)
class Way:
    """One way from the first message to an exercise: what was asked and what was answered."""

    steps: tuple[tuple[str, str, str], ...]  # (flow:step, the question's first line, the answer)

    def __len__(self) -> int:
        return len(self.steps)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(Settings.load(environ={}, dotenv=Path("/nonexistent")))


def exercises(engine: Engine) -> set[str]:
    """The flows the check-in starts to help in the moment (not the cycle map)."""
    roles = Roles(engine)
    called = engine.reachable_flows(roles["checkin"]) - {roles["checkin"], roles["map"]}
    return called | {roles["violence-support"]}


def routing_vars(engine: Engine) -> tuple[str, ...]:
    """Every variable a route's condition reads: two sessions that differ only in other
    answers go the same way from here."""
    names: set[str] = {"intensity"}
    for compiled in engine.flows.values():
        for step in compiled.flow.steps.values():
            for route in step.next:
                if route.when:
                    names |= set(_NAME.findall(re.sub(r'"[^"]*"', "", route.when))) - _WORDS
    return tuple(sorted(names))


def answers(reply: Reply) -> Iterator[tuple[str, Event]]:
    """Everything a person could answer to this question, each kind once."""
    if reply.expects == "scale" and reply.scale:
        for value in range(reply.scale[0], reply.scale[1] + 1):
            yield f"{value}", Text(f"{value}/10" if value % 2 else str(value))
        return
    for button in reply.buttons:
        yield button.label, Choice(button.id, reply.step_id, reply.seq)
    if reply.expects == "text":
        yield TYPED, Text(TYPED)


def asked(replies: list[Reply]) -> Reply:
    return [r for r in replies if r.step_id is not None][-1]


def walk(engine: Engine, not_safe: bool) -> tuple[dict[tuple[str, Any], Way], dict[str, Way], int]:
    """The longest way to each exercise's start per intensity (None: never asked), the
    shortest way to each, and the most calming exercises one visit went through. The walk
    goes on through an exercise to the end of the visit, in case another one follows."""
    roles = Roles(engine)
    targets = exercises(engine)
    keys = routing_vars(engine)
    redirect: dict[str, str] = {}
    variables: dict[str, Any] = {}
    if not_safe:
        gated = [f for f, c in engine.flows.items() if c.flow.tags.get("moves-toward-partner") is True]
        redirect = dict.fromkeys(gated, roles["violence-support"])
        variables = {"not_safe": True}
    longest: dict[tuple[str, Any], Way] = {}
    shortest: dict[str, Way] = {}
    ended: list[int] = []  # per way to the end of the visit: the calming exercises on it

    def place(state: SessionState) -> tuple[Any, ...]:
        return (state.flow_id, state.step_id, state.stack)

    def go(
        state: SessionState,
        question: Reply,
        way: tuple[tuple[str, str, str], ...],
        seen: dict[Any, int],
        entered: frozenset[str],
        calming: int,
    ) -> None:
        branches: dict[Any, tuple[SessionState, Reply, str]] = {}
        for label, event in answers(question):
            result = engine.handle(state, event, redirect=redirect)
            after = result.state
            if not result.moved:
                continue
            if after.status != "active":
                ended.append(calming)
                continue  # the visit is over
            key = (place(after), tuple(repr(after.vars.get(k)) for k in keys))
            branches.setdefault(key, (after, asked(result.replies), label))
        for after, reply, label in branches.values():
            line = (f"{state.flow_id}:{state.step_id}", question_line(question), label)
            here = (*way, line)
            now = entered
            flows_now = {after.flow_id, *(f.flow_id for f in after.stack)} & targets
            for exercise in flows_now - entered:  # an exercise starts: the questions so far
                found = (exercise, after.vars.get("intensity"))
                if found not in longest or len(here) > len(longest[found]):
                    longest[found] = Way(here)
                if exercise not in shortest or len(here) < len(shortest[exercise]):
                    shortest[exercise] = Way(here)
                now = now | {exercise}
            where = place(after)
            if seen.get(where, 0) >= 2:
                continue  # back at a question a second time: once is what a person would do
            calm = calming + (after.step_id in CALMING and after.flow_id in targets)
            go(after, reply, here, {**seen, where: seen.get(where, 0) + 1}, now, calm)

    start = engine.start(roles["checkin"], variables, redirect=redirect)
    go(start.state, asked(start.replies), (), {place(start.state): 1}, frozenset(), 0)
    return longest, shortest, max(ended, default=0)


def question_line(reply: Reply) -> str:
    """The line of a question that asks it, as a person reads it (no markup)."""
    lines = [re.sub(r"<[^>]+>", "", line).strip() for line in reply.text.strip().splitlines() if line.strip()]
    asking = [line for line in lines if line.endswith("?") or "?" in line]
    line = asking[-1] if asking else lines[0] if lines else ""
    return line if len(line) <= 110 else line[:107] + "..."


def report(title: str, found: dict[tuple[str, Any], Way]) -> str:
    lines = [title]
    by_exercise: dict[str, dict[Any, int]] = {}
    for (exercise, intensity), way in found.items():
        by_exercise.setdefault(exercise, {})[intensity] = len(way)
    for exercise, counts in sorted(by_exercise.items()):
        shown = ", ".join(
            f"{'not asked' if i is None else i}: {n}"
            for i, n in sorted(counts.items(), key=lambda x: (x[0] is not None, x[0] or 0))
        )
        lines.append(f"  {exercise:<16} longest {max(counts.values()):>2}   by intensity  {shown}")
    return "\n".join(lines)


def words(way: Way) -> str:
    return "\n".join(f"  {n}. {question}  -> {answer}" for n, (_, question, answer) in enumerate(way.steps, start=1))


@pytest.mark.parametrize("not_safe", [False, True], ids=["safe with their partner", "not safe with their partner"])
def test_every_exercise_starts_within_eight_questions_at_any_intensity(
    engine: Engine, not_safe: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    found, quickest, calming = walk(engine, not_safe)
    who = "not safe with their partner" if not_safe else "safe with their partner"
    longest = max(found.values(), key=len)
    with capsys.disabled():
        print()
        print(report(f"Questions before the exercise starts (someone {who}):", found))
        print(f"Longest way ({len(longest)} questions):\n{words(longest)}")
        for exercise, way in sorted(quickest.items()):
            print(f"Shortest way to {exercise} ({len(way)} questions):\n{words(way)}")
        print(f"Most calming exercises in one visit: {calming}")
    # Every exercise the check-in offers is reached, at every intensity it is offered at.
    reached = {exercise for exercise, _ in found}
    assert {"break"} <= reached and ("set-it-free" in reached)
    assert ("turn-toward" in reached) != not_safe
    assert {i for e, i in found if e == "break"} >= {None, 8, 9, 10}
    assert {i for e, i in found if e == "set-it-free"} >= set(range(8))
    too_long = {key: len(way) for key, way in found.items() if len(way) > LIMIT}
    assert not too_long, f"more than {LIMIT} questions before the exercise: {too_long}"
    assert calming == 1, "one calming exercise per visit"


# ---------------------------------------------------------------- one visit, told once


def answer(engine: Engine, state: SessionState, *typed: str) -> tuple[SessionState, list[Reply]]:
    """Type each line as a person would (labels in their own case, numbers, sentences)."""
    replies: list[Reply] = []
    for line in typed:
        result = engine.handle(state, Command("skip") if line == "/skip" else Text(line))
        assert result.moved, (state.step_id, line)
        state, replies = result.state, [*replies, *result.replies]
    return state, replies


def progress(replies: list[Reply]) -> tuple[int, int] | None:
    return asked(replies).progress


def test_a_flooded_person_gets_the_break_once_and_the_visit_ends_without_a_second_promise(engine: Engine) -> None:
    start = engine.start("checkin")
    state, replies = answer(engine, start.state, "toward them", "9")
    assert state.flow_id == "break" and progress(replies) == (3, progress(replies)[1])  # type: ignore[index]
    state, replies = answer(
        engine, state, "OK, let's pause", "20 minutes", "They know already", "a short walk", "I'll try"
    )
    said = "\n".join(r.text for r in replies)
    assert state.status == "completed" and state.flow_id == "checkin"
    # No flow promises a check-in in its own words: the coach says the break's, once, from the time
    # it stored (the `1~` lines of checkin-flooded-break and checkin-too-flooded.transcript).
    assert "check in with you" not in said, said
    assert "finish this check-in" not in said and "carry on" not in said.casefold()
    assert "at 9 out of 10" in said and "nothing more to answer" in said


def test_after_a_break_this_visit_there_is_no_second_calming_exercise(engine: Engine) -> None:
    """/break in the middle of a check-in, then back: still at 9 means the break already
    set up does its work (no second break); a pull toward them leads to set it free with
    no second soothing step."""
    start = engine.start("checkin")
    state, _ = answer(engine, start.state, "Toward them")
    on_top = engine.interrupt(state, "break")
    state, _ = answer(
        engine, on_top.state, "ok, let's pause", "30 minutes", "I can't say it now", "Slow breathing", "I've done a few"
    )
    state, _ = answer(engine, state, "Done", "I'll try")
    assert (state.flow_id, state.step_id) == ("checkin", "intensity")
    still, told = answer(engine, state, "9")
    assert still.status == "completed" and "nothing more to answer" in told[-1].text
    assert not any(r.step_id == "welcome" for r in told)  # no second break

    state, _ = answer(
        engine,
        state,
        "6/10",
        "My chest is tight and my hands are shaking",
        "He walked out in the middle of the conversation.",
        "That I'm too much for him.",
        "Scared",
        "Set it free",
        "Text or call again",
        "OK",
        "/skip",
    )
    assert (state.flow_id, state.step_id) == ("set-it-free", "own-life"), "no second soothing step"


def test_the_question_count_is_one_for_the_visit_and_an_interruption_counts_its_own(engine: Engine) -> None:
    start = engine.start("checkin")
    assert progress(start.replies) is not None and progress(start.replies)[0] == 1  # type: ignore[index]
    state, replies = answer(engine, start.state, "Away from them", "5", "numb", "/skip", "/skip")
    at, total = progress(replies)  # type: ignore[misc]
    assert (state.step_id, at) == ("underneath", 6) and total >= at
    state, replies = answer(engine, state, "overwhelmed", "Turn toward")
    assert state.flow_id == "turn-toward"
    n, m = progress(replies)  # type: ignore[misc]
    assert n == 8 and m <= total, "the exercise goes on from the check-in's count"
    on_top = engine.interrupt(state, "break")
    assert progress(on_top.replies) is not None and progress(on_top.replies)[0] == 1  # type: ignore[index]
    state, replies = answer(
        engine, on_top.state, "OK, let's pause", "1 hour", "I'll tell them", "Something calming", "I'll try"
    )
    assert (state.flow_id, progress(replies)) == ("turn-toward", (n, m)), "back where they were, same count"


@pytest.mark.parametrize(
    ("step", "stack", "lands"),
    [
        ("deeper", (), ("checkin", "underneath")),
        ("after-break", (), ("checkin", None)),
        ("after-early-break", (), ("checkin", None)),
        ("surface", (Frame("checkin", 2, "map"),), ("checkin", "offer-toward")),
    ],
    ids=["at go-deeper", "carry on after the break", "carry on after the early break", "mapping the loop"],
)
def test_a_check_in_saved_by_version_2_goes_on_sensibly(
    engine: Engine, step: str, stack: tuple[Frame, ...], lands: tuple[str, str | None]
) -> None:
    variables = {"urge": "toward", "body": "a tight chest", "intensity": 9, "trigger": "He left.", "meaning": None}
    flow, version = ("reflect", 1) if stack else ("checkin", 2)
    saved = SessionState(flow, version, step, {**variables, "trigger_asked": True}, stack, seq=9)
    if stack:  # in the cycle map: the rest of it, then the exercise, no question twice
        state, _ = answer(engine, saved, "Angry", "Kept texting or calling", "Scared", "To matter to them")
    else:
        result = engine.show(saved)
        state = result.state
        assert "has been updated" not in "\n".join(r.text for r in result.replies)
    assert state.flow_id == lands[0]
    if lands[1] is None:
        assert state.status == "completed"
    else:
        assert state.status == "active" and state.step_id == lands[1]


def test_the_count_is_kept_with_the_session_across_messages_and_an_interruption(coach: Coach, store: Store) -> None:
    """Through the service and a real database: every message loads the session afresh, so
    the count (and the number an interrupted question keeps) must be stored with it."""
    chat = ChatKey("telegram", "1313")
    with store.chat(chat) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "toward", "unsafe": False})

    def say(line: str) -> Reply:
        event = Command(line[1:]) if line.startswith("/") else Text(line)
        return asked(coach.handle(Incoming(chat, event)))

    assert say("/checkin").progress[0] == 1  # type: ignore[index]
    at_intensity = say("Toward them").progress
    assert at_intensity is not None and at_intensity[0] == 2
    assert say("/break").progress[0] == 1  # type: ignore[index]  # the break counts its own
    for line in ("OK, let's pause", "20 minutes", "They know already", "A short walk"):
        say(line)
    assert say("I'll try").progress == at_intensity  # back at the same question, same number
    for line in ("6", "my chest feels tight", "He went silent after our fight.", "That I'm too much.", "Scared"):
        say(line)
    first = say("Set it free")
    assert first.step_id == "pull" and first.progress is not None and first.progress[0] == 8
