"""Forgiving answers through `hedgehog chat` (its `TerminalChat`, and once the real process):
what a person types instead of a button, a number or a command, and what they see back.
The real coach, the shipped flows, the sentence encoder, real SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_coach
from bot.coach import Coach
from bot.config import Settings
from bot.contract import Reply
from bot.transports.terminal import TerminalChat, plain, render


@pytest.fixture
def coach(sqlite_url: str) -> Iterator[Coach]:
    coach = build_coach(Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent")))
    yield coach
    coach.store.close()


def seen(replies: list[Reply]) -> str:
    """The screen, as the terminal prints it."""
    return "\n\n".join(plain(render(r)) for r in replies)


def onboarded(coach: Coach, name: str = "sam") -> TerminalChat:
    chat = TerminalChat(coach, name)
    with coach.transaction(chat.chat) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})
    return chat


def step(coach: Coach, chat: TerminalChat) -> str:
    state = coach.peek(chat.chat)
    assert state is not None
    return f"{state.flow_id}:{state.step_id}"


def test_onboarding_answered_in_plain_words(coach: Coach) -> None:
    chat = TerminalChat(coach, "new")
    chat.open()
    for typed, then in [
        ("ok!", "onboarding:age"),
        ("Yes", "onboarding:data"),  # "are you 18 or older?"
        ("yeah ok", "onboarding:safety"),  # "Is that OK?"
        ("nope", "onboarding:country"),  # "do you ever feel afraid of your partner?"
        ("UK", "onboarding:lean"),
        ("toward", "onboarding:timing"),
        ("daytime", "onboarding:clock"),
        ("skip", "onboarding:done"),
        ("yes please", "checkin:urge"),  # "Shall we do one now?" [Start a check-in] [Not now]
    ]:
        chat.send(typed)
        assert step(coach, chat) == then, typed
    with coach.transaction(chat.chat) as tx:
        assert tx.country == "GB"
        assert tx.followups == "daytime"
        assert not tx.violence_noted


@pytest.mark.parametrize("typed", ["no", "Nope.", "nah", "n", "👎", "No, I'm not", "under 18"])
def test_no_to_are_you_18_ends_kindly(coach: Coach, typed: str) -> None:
    chat = TerminalChat(coach, "young")
    chat.open()
    chat.send("sounds good")
    shown = seen(chat.send(typed))
    assert "I'm made for adults, so I won't go on" in shown
    assert coach.peek(chat.chat) is None


def test_the_persons_own_words_at_toward_or_away(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    chat.send("I want to text him like 10 times")
    assert step(coach, chat) == "checkin:intensity"
    state = coach.peek(chat.chat)
    assert state is not None and state.vars["urge"] == "toward"

    other = onboarded(coach, "lee")
    other.open("checkin")
    other.send("i just want to run away")
    state = coach.peek(other.chat)
    assert state is not None and (state.step_id, state.vars["urge"]) == ("intensity", "away")


def test_words_that_could_be_two_buttons_are_asked_back(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    shown = seen(chat.send("maybe something in between?"))
    assert "Did you mean one of these?" in shown
    assert "Something else" in shown
    assert step(coach, chat) == "checkin:urge"
    # "no": every button again, with the question alone.
    shown = seen(chat.send("no"))
    assert "Which of these fits best" in shown
    assert "[1] Toward them" in shown and "[5] I'm too flooded to think" in shown
    assert "about 5 minutes" not in shown


def test_a_guess_asked_back_is_taken_with_a_typed_yes_or_a_number(coach: Coach) -> None:
    for name, answer in (("ari", "yes"), ("bo", "Yep!"), ("cy", "1")):
        chat = onboarded(coach, name)
        chat.open("checkin")
        shown = seen(chat.send("i feel like calling him"))
        assert "Did you mean: Toward them?" in shown
        assert "[1] Yes" in shown and "[2] No" in shown
        assert step(coach, chat) == "checkin:urge"
        chat.send(answer)
        state = coach.peek(chat.chat)
        assert state is not None and (state.step_id, state.vars["urge"]) == ("intensity", "toward"), answer
        assert "@guess" not in state.vars


def test_a_label_with_a_typo_where_own_words_are_welcome_too(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("set-it-free")
    assert step(coach, chat) == "set-it-free:pull"
    chat.send("text or call agian")
    state = coach.peek(chat.chat)
    assert state is not None and state.vars["pull"] == "text or call them again"
    other = onboarded(coach, "kai")
    other.open("set-it-free")
    other.send("I want to write him a long email")  # their own words are the answer here
    state = coach.peek(other.chat)
    assert state is not None and state.vars["pull"] == "I want to write him a long email"


def test_a_guess_at_the_crisis_path_is_asked_never_taken(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("crisis")
    shown = seen(chat.send("im fine now honestly"))
    assert "Did you mean" in shown
    assert step(coach, chat) == "crisis:safe-now"


def test_crisis_words_at_a_question_with_buttons_come_before_any_reading(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    shown = seen(chat.send("i just want to die"))
    assert "Did you mean" not in shown
    state = coach.peek(chat.chat)
    assert state is not None and state.flow_id != "checkin"  # the crisis path (or its question) first
    assert state.stack and state.stack[-1].step_id == "urge"  # and the question waits, unanswered
    assert "urge" not in {k for k, v in state.vars.items() if v not in (None, "unsure")}


def test_a_scale_in_words_and_off_it(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    chat.send("away")
    assert step(coach, chat) == "checkin:intensity"
    shown = seen(chat.send("like 15/10 honestly"))
    assert "15 is off the scale: it goes from 0 to 10." in shown
    assert "Type a number from 0 to 10, like 7, or type skip." in shown
    assert "tap" not in shown.casefold()
    chat.send("about a six")
    state = coach.peek(chat.chat)
    assert state is not None and state.vars["intensity"] == 6


def test_a_skipped_scale_goes_on_without_a_number(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    chat.send("Away from them")
    shown = seen(chat.send("I'd rather not say"))
    assert "Where do you notice it in your body" in shown  # no break pressed on them
    chat.send("/skip")
    chat.send("pass")
    chat.send("skip")
    state = coach.peek(chat.chat)
    assert state is not None and state.step_id == "underneath"
    assert state.vars["intensity"] is None


def test_a_re_ask_is_the_question_alone_and_says_to_type_a_number(coach: Coach) -> None:
    chat = TerminalChat(coach, "new")
    chat.open()
    chat.send("sounds good")
    chat.send("yes")
    shown = seen(chat.send("what do you do with my data exactly"))
    assert "I didn't quite catch which one you meant. Type the number of the one that fits best." in shown
    assert "Is that OK?" in shown
    assert "What I keep, and why" not in shown  # not the whole screen again
    assert "[1] I agree" in shown


@pytest.mark.parametrize(("typed", "meant"), [("/brake", "break"), ("/chekin", "checkin"), ("/reminder", "reminders")])
def test_did_you_mean_for_a_mistyped_command(coach: Coach, typed: str, meant: str) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    shown = seen(chat.send(typed))
    assert f"I don't know {typed}. Did you mean /{meant}?" in shown
    assert "[1] Yes" in shown and "[2] No" in shown
    chat.send("yep")
    state = coach.peek(chat.chat)
    assert state is not None
    expected = {"break": "break", "checkin": "checkin", "reminders": "reminders"}[meant]
    assert state.flow_id == expected


def test_no_to_did_you_mean_goes_back_to_the_question(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    chat.send("/brake")
    shown = seen(chat.send("2"))
    assert "No problem. /help lists everything I understand." in shown
    assert "which way are you pulled" in shown
    assert step(coach, chat) == "checkin:urge"


def test_a_command_sent_at_did_you_mean_answers_it(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    chat.send("/brake")
    chat.send("/break")
    state = coach.peek(chat.chat)
    assert state is not None and state.flow_id == "break"
    assert [f.flow_id for f in state.stack] == ["checkin"]  # the question "did you mean" is gone


def test_commands_in_capitals_just_work(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    shown = seen(chat.send("/STOP"))
    assert "Did you mean" not in shown
    assert coach.peek(chat.chat) is None


def test_an_unknown_command_with_nothing_near_says_so(coach: Coach) -> None:
    chat = onboarded(coach)
    chat.open("checkin")
    shown = seen(chat.send("/dance"))
    assert "I don't know /dance. Send /help" in shown
    assert "Did you mean" not in shown


def test_hedgehog_chat_itself(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    env = {**base, "HEDGEHOG_DATA_DIR": str(tmp_path / "data")}
    lines = "sounds good\nYES\nhmm what\nok\n/chekin\ny\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as", "ash"],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "I didn't quite catch which one you meant. Type the number of the one that fits best." in out
    assert out.count("What I keep, and why") == 1
    assert "I don't know /chekin. Did you mean /checkin?" in out
