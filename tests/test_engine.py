"""The pure engine, driven with the small flows in tests/dialogues/good/."""

from __future__ import annotations

import ast
import io
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import bot.engine.run
from bot.app import build_engine
from bot.config import PROJECT_ROOT, Settings
from bot.dialogue import load_checked
from bot.engine import (
    SYSTEM_PROMPTS,
    Choice,
    Command,
    Engine,
    Event,
    FlowEnded,
    MarkHomeworkDone,
    RecordAnswer,
    RecordJournal,
    Result,
    ScheduleFollowUp,
    SessionState,
    Text,
    Unsupported,
)
from bot.logs import configure

GOOD = Path(__file__).parent / "dialogues" / "good"


@pytest.fixture(scope="module")
def engine() -> Engine:
    library = load_checked([GOOD], [GOOD / "prompts", PROJECT_ROOT / "prompts"], SYSTEM_PROMPTS.values())
    return Engine(library)


def words(result: Result) -> str:
    return " ".join(r.text for r in result.replies)


def at_intensity(engine: Engine) -> Result:
    start = engine.start("sample")
    return engine.handle(start.state, Text("away"))


def test_start_asks_the_first_question_with_buttons_and_progress(engine: Engine) -> None:
    result = engine.start("sample")
    question = result.replies[-1]
    assert result.state.step_id == "urge"
    assert [b.label for b in question.buttons] == ["Toward", "Away 🐢"]
    assert question.step_id == "urge" and question.seq == result.state.seq
    assert question.progress is not None and question.progress[0] == 1
    assert result.state.vars == {"urge": "unsure"}


def test_a_typed_label_picks_its_button_ignoring_case_and_emoji(engine: Engine) -> None:
    result = at_intensity(engine)
    assert result.state.step_id == "intensity"
    assert result.state.vars["urge"] == "away"
    assert RecordAnswer("sample", "urge", "urge", "away") in result.effects


@pytest.mark.parametrize(
    "event",
    [Text("banana"), Text("   "), Text(""), Choice("nope", "urge", 1), Unsupported("a sticker")],
    ids=["text-for-button", "blank", "empty", "unknown-choice", "sticker"],
)
def test_unexpected_input_re_asks_and_changes_nothing(engine: Engine, event: object) -> None:
    start = engine.start("sample")
    result = engine.handle(start.state, event)  # type: ignore[arg-type]
    assert result.state == start.state
    assert not result.effects
    assert result.replies[-1].step_id == "urge"
    assert [b.id for b in result.replies[-1].buttons] == ["toward", "away"]
    assert len(result.replies) == 2  # a short note, then the question again


def test_a_button_from_an_old_message_is_not_applied(engine: Engine) -> None:
    start = engine.start("sample")
    moved = engine.handle(start.state, Choice("away", "urge", start.state.seq))
    stale = engine.handle(moved.state, Choice("toward", "urge", start.state.seq))
    assert stale.state == moved.state
    assert "earlier step" in words(stale)
    assert stale.replies[-1].step_id == "intensity"


def test_scale_accepts_typed_numbers_and_refuses_others(engine: Engine) -> None:
    question = at_intensity(engine)
    for bad in ("eleven", "11", "-1", "7 or 8", "dunno, a lot", "15/10"):
        again = engine.handle(question.state, Text(bad))
        assert again.state == question.state, bad
        assert "0 to 10" in words(again)
    for typed, value in (("7/10", 7), ("seven", 7), ("7.5", 8), ("a solid 3", 3), ("like a 5", 5)):
        answered = engine.handle(question.state, Text(typed))
        assert answered.state.vars["intensity"] == value, typed
        assert answered.state.step_id == ("feeling" if value < 8 else "breathe"), typed


def test_high_intensity_calls_another_flow_and_returns_to_the_caller(engine: Engine) -> None:
    question = at_intensity(engine)
    paused = engine.handle(question.state, Choice("9", "intensity", question.state.seq))
    assert (paused.state.flow_id, paused.state.step_id) == ("pause", "breathe")
    assert [f.flow_id for f in paused.state.stack] == ["sample"]
    assert "pause first" in words(paused)
    back = engine.handle(paused.state, Text("ready"))
    assert (back.state.flow_id, back.state.step_id, back.state.stack) == ("sample", "feeling", ())
    assert back.state.vars["paused"] is True
    assert words(back).startswith("Good.")


def test_skip_sets_the_answer_to_none_and_moves_on(engine: Engine) -> None:
    question = engine.handle(at_intensity(engine).state, Text("3"))
    assert question.replies[-1].buttons[-1].id == "skip"
    for skip in (Command("skip"), Choice("skip", "feeling", question.state.seq), Text("Skip")):
        result = engine.handle(question.state, skip)
        assert result.state.status == "completed"
        assert result.state.vars["feeling"] is None
        assert "No words needed." in words(result)


def test_a_question_that_cannot_be_skipped_says_so(engine: Engine) -> None:
    question = engine.start("sample")  # buttons only: one of them is the answer
    result = engine.handle(question.state, Command("skip"))
    assert result.state == question.state
    assert "needs an answer" in words(result)


def test_every_scale_can_be_skipped_and_a_skipped_one_forces_nothing(engine: Engine) -> None:
    question = at_intensity(engine)
    assert [b.label for b in question.replies[-1].buttons] == ["Skip"]
    for typed in ("skip", "Pass", "I'd rather not say", "rather not say."):
        skipped = engine.handle(question.state, Text(typed))
        assert skipped.state.step_id == "feeling", typed  # not the pause an 8 would bring
        assert skipped.state.vars["intensity"] is None
    pressed = engine.handle(question.state, Choice("skip", "intensity", question.state.seq))
    assert pressed.state.step_id == "feeling"


def test_long_answers_are_cut_to_the_limit_with_a_note(engine: Engine) -> None:
    question = engine.handle(at_intensity(engine).state, Text("3"))
    result = engine.handle(question.state, Text("x" * 10_000))
    assert result.state.vars["feeling"] == "x" * 20
    assert "first 20 characters" in words(result)


def test_what_a_person_writes_is_escaped_in_replies(engine: Engine) -> None:
    question = engine.handle(at_intensity(engine).state, Text("3"))
    result = engine.handle(question.state, Text("<b>hi</b> & you"))
    assert "&lt;b&gt;hi&lt;/b&gt; &amp; you" in words(result)
    assert "<b>hi</b>" not in words(result)


def test_ending_returns_the_outcome_and_every_effect(engine: Engine) -> None:
    question = engine.handle(at_intensity(engine).state, Text("3"))
    result = engine.handle(question.state, Choice("angry", "feeling", question.state.seq))
    assert result.state.status == "completed"
    assert result.effects[-4:] == [
        RecordJournal("sample", "done", "cycle", {"urge": "away", "intensity": 3, "feeling": "angry"}),
        ScheduleFollowUp("sample", "done", "pause", "20m"),
        MarkHomeworkDone("sample", "done"),
        FlowEnded("sample", "completed"),
    ]
    assert "You leaned away at 3." in words(result)


def test_the_step_counter_grows_with_every_step(engine: Engine) -> None:
    start = engine.start("sample")
    moved = engine.handle(start.state, Text("away"))
    assert moved.state.seq > start.state.seq
    assert moved.replies[-1].seq == moved.state.seq


def test_a_session_on_a_renamed_step_follows_the_migration(engine: Engine) -> None:
    old = SessionState("sample", 1, "how-strong", {"urge": "away"}, seq=5)
    result = engine.show(old)
    assert (result.state.flow_version, result.state.step_id) == (2, "intensity")
    assert result.state.vars == {"urge": "away", "feeling": None}
    assert result.replies[-1].step_id == "intensity"
    assert "updated" not in words(result)


def test_a_session_on_a_vanished_step_is_told_and_keeps_its_answers(engine: Engine) -> None:
    old = SessionState("sample", 1, "gone-step", {"urge": "toward", "intensity": 4}, seq=5)
    result = engine.handle(old, Text("anything"))
    assert result.state.step_id == "urge"
    assert result.state.vars["intensity"] == 4
    assert "updated since you were last here" in words(result)


def test_the_engine_logs_flow_and_step_ids_in_the_line_never_the_answers(engine: Engine) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure("INFO", stream=stream)
    try:
        engine.handle(SessionState("sample", 1, "gone-step", {"feeling": "a secret 7c1e"}, seq=5), Text("hush 9b2a"))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    line = stream.getvalue()
    assert "session step missing after migration" in line
    assert "flow=sample version=1->2 step=gone-step" in line
    assert "7c1e" not in line and "9b2a" not in line


def test_a_session_in_a_flow_that_no_longer_exists_ends_kindly(engine: Engine) -> None:
    old = SessionState("retired", 3, "somewhere", {"x": 1})
    result = engine.show(old)
    assert result.state.status == "stopped"
    assert "no longer available" in words(result)


def test_a_caller_frame_is_migrated_too(engine: Engine) -> None:
    question = at_intensity(engine)
    paused = engine.handle(question.state, Text("9"))
    old_caller = replace(paused.state.stack[0], flow_version=1)
    result = engine.handle(replace(paused.state, stack=(old_caller,)), Text("ready"))
    assert (result.state.flow_id, result.state.step_id) == ("sample", "feeling")


def test_a_redirected_flow_started_on_its_own_runs_in_place_of_the_one_asked_for(engine: Engine) -> None:
    result = engine.start("sample", redirect={"sample": "pause"})
    assert (result.state.flow_id, result.state.step_id) == ("pause", "breathe")
    interrupted = engine.interrupt(at_intensity(engine).state, "sample", redirect={"sample": "pause"})
    assert (interrupted.state.flow_id, interrupted.state.step_id) == ("pause", "breathe")


def test_importing_the_engine_pulls_in_neither_telegram_nor_the_database() -> None:
    code = (
        "import sys, bot.engine.engine, bot.dialogue.check, bot.dialogue.graph;"
        "bad = [m for m in ('telegram', 'sqlalchemy', 'sqlmodel', 'bot.storage', 'bot.coach')"
        " if m in sys.modules]; print(','.join(bad))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_a_run_is_handed_the_compiled_flows_and_never_imports_the_engine() -> None:
    tree = ast.parse(Path(bot.engine.run.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"bot.engine", "bot.engine.engine"}


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return build_engine(Settings.load(environ={}, dotenv=Path("/nonexistent")))


@pytest.mark.parametrize(
    "flow", ["checkin", "reflect", "softened-startup", "demon-dialogues", "onboarding", "weekly-review", "assign"]
)
@pytest.mark.parametrize("how", ["first button", "skip"])
def test_the_question_count_goes_up_by_one_across_called_flows_and_its_total_never_grows(
    shipped: Engine, flow: str, how: str
) -> None:
    """ "Question 3 of about 8": one count for the visit, through every flow it calls (the
    check-in's exercise goes on from the check-in's number), up by one per question, the
    total never growing whichever optional questions are skipped, and the last question
    is "N of N"."""
    result = shipped.start(flow)
    seen: list[tuple[int, int]] = []
    flows: set[str] = set()
    for _ in range(80):
        if result.state.status != "active":
            break
        flows.add(result.state.flow_id)
        asked = [r for r in result.replies if r.step_id is not None][-1]
        assert asked.progress is not None, (result.state.flow_id, result.state.step_id)
        seen.append(asked.progress)
        event: Event
        if asked.expects == "scale":
            event = Text("4")
        elif how == "skip" and any(b.id == "skip" for b in asked.buttons):
            event = Command("skip")
        elif asked.buttons:
            event = Choice(asked.buttons[0].id, asked.step_id, asked.seq)
        else:
            event = Text("a few words of my own")
        result = shipped.handle(result.state, event)
    numbers = [n for n, _ in seen]
    totals = [total for _, total in seen]
    assert len(seen) >= 3 and numbers == list(range(1, len(seen) + 1)), seen
    assert totals == sorted(totals, reverse=True), seen
    assert all(n <= total for n, total in seen) and seen[-1][0] == seen[-1][1], seen
    if flow == "checkin":
        assert len(flows) > 1, "the walk went on into the exercise the check-in called"


def test_ten_thousand_characters_at_a_question_with_buttons_are_asked_again(engine: Engine) -> None:
    question = engine.start("sample")
    for typed in ("x" * 10_000, "toward " * 2_000, "🙂" * 5_000):
        again = engine.handle(question.state, Text(typed))
        assert again.state == question.state
        assert [b.label for b in again.replies[-1].buttons] == [b.label for b in question.replies[-1].buttons]
