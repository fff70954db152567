"""Follow-ups on Telegram: /reminders lists what is planned with a Cancel button for each,
/stop cancels only what this visit planned and says what, /restart asks first with two
buttons. The real PTB Application over real HTTP against the fake Bot API, real SQLite."""

from __future__ import annotations

from bot.contract import Incoming
from bot.engine.state import Text
from bot.storage import ChatKey
from tests.support.fakebotapi import BotMessage
from tests.support.telegram import CHAT, Running, buttons

KEY = ChatKey("telegram", str(CHAT))


def plan_a_step(running: Running, words: str, timing: str) -> None:
    """An earlier visit: a turn toward, finished (through the coach, as its own test does)."""
    running.coach.open(KEY, "turn-toward")
    for line in ("Yes, I feel safe", "Answer a bid", words, timing):
        running.coach.handle(Incoming(KEY, Text(line)))
    assert running.state() is None


def pending(running: Running) -> list[str]:
    with running.coach.transaction(KEY) as tx:
        return [f.target_flow for f in tx.pending_followups()]


async def said_since(running: Running, count: int, containing: str) -> BotMessage:
    fake = running.fake
    await fake.wait_for(lambda: any(containing in (m.text or "") for m in fake.messages(CHAT)[count:]))
    return next(m for m in fake.messages(CHAT)[count:] if containing in (m.text or ""))


async def test_reminders_lists_each_follow_up_and_a_button_cancels_it(running: Running) -> None:
    fake = running.fake
    plan_a_step(running, "Sorry, I was miles away. Tell me again?", "Now")
    plan_a_step(running, "ask him how his day went", "Tomorrow")
    fake.send_command(CHAT, "/reminders")
    listed = await running.question(containing="What I've planned")
    assert "1. the check-in in about 2 hours about your plan: “Sorry, I was miles away. Tell me again?”" in (
        listed.text or ""
    )
    assert "2. the check-in tomorrow around this time" in (listed.text or "")
    assert "I don't know your time zone yet" in (listed.text or "")
    assert list(buttons(listed)) == ["Cancel 1", "Cancel 2", "Change check-in times", "Keep them all"]
    count = running.count()
    cancel = buttons(listed)["Cancel 2"]  # kept: the keyboard goes once a button is pressed
    fake.press(CHAT, listed.message_id, cancel)
    done = await said_since(running, count, "Done: I've cancelled")
    assert "“ask him how his day went”" in (done.text or "")
    assert pending(running) == ["follow-up"]
    # The same press again (a double tap, an old message): nothing else is cancelled.
    count = running.count()
    fake.press(CHAT, listed.message_id, cancel)
    await said_since(running, count, "isn't planned any more")
    assert pending(running) == ["follow-up"]


async def test_stop_cancels_only_this_visits_check_in_and_names_it(running: Running) -> None:
    fake = running.fake
    plan_a_step(running, "ask him how his day went", "Tomorrow")
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    count = running.count()
    fake.send_command(CHAT, "/break")
    question = await running.question(after=count)
    for label in ("OK, let's pause", "20 minutes", "They know already", "A short walk", "I'll try"):
        count = running.count()
        fake.press(CHAT, question.message_id, buttons(question)[label])
        question = await running.question(after=count)
    assert "toward your partner" in (question.text or "") and question.message_id != urge.message_id
    assert sorted(pending(running)) == ["checkin", "follow-up"]
    count = running.count()
    fake.send_command(CHAT, "/stop")
    stopped = await said_since(running, count, "we've stopped")
    assert "I've cancelled the check-in in about 20 minutes after “Take a break”" in (stopped.text or "")
    assert "The other check-in I've planned stays" in (stopped.text or "")
    assert pending(running) == ["follow-up"]


async def test_restart_asks_first_and_keep_going_changes_nothing(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    before = running.state()
    count = running.count()
    fake.send_command(CHAT, "/restart")
    asked = await running.question(containing="again from the beginning", after=count)
    assert list(buttons(asked)) == ["Yes, start again", "Keep going"]
    now = running.state()
    assert now is not None and before is not None  # nothing cleared; only that the question is open
    assert ({k: v for k, v in now.vars.items() if k != "@restart"}, now.step_id) == (before.vars, before.step_id)
    count = running.count()
    fake.press(CHAT, asked.message_id, buttons(asked)["Keep going"])
    await running.question(containing="0 (calm)", after=count)
    assert running.state() is not None and running.state().step_id == "intensity"  # type: ignore[union-attr]
    count = running.count()
    fake.send_command(CHAT, "/restart")
    asked = await running.question(containing="again from the beginning", after=count)
    count = running.count()
    fake.press(CHAT, asked.message_id, buttons(asked)["Yes, start again"])
    await running.question(containing="toward your partner", after=count)
    state = running.state()
    assert state is not None and state.step_id == "urge" and state.vars.get("urge") != "away"  # cleared


async def test_restart_answered_in_words_yes_or_nah(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Toward them"])
    await running.question(containing="0 (calm)", after=2)
    before = running.state()
    count = running.count()
    fake.send_command(CHAT, "/restart")
    await running.question(containing="again from the beginning", after=count)
    count = running.count()
    fake.send_text(CHAT, "nah")  # no: keep going, nothing cleared
    await said_since(running, count, "carrying on where you were")
    await running.question(containing="0 (calm)", after=count)
    state = running.state()
    assert state is not None and before is not None and (state.step_id, state.vars) == (before.step_id, before.vars)
    count = running.count()
    fake.send_command(CHAT, "/restart")
    await running.question(containing="again from the beginning", after=count)
    count = running.count()
    fake.send_text(CHAT, "Yes please")
    await running.question(containing="toward your partner", after=count)
    state = running.state()
    assert state is not None and state.step_id == "urge" and state.vars.get("urge") != "toward"  # cleared


async def test_a_yes_after_keep_going_answers_the_question_not_the_restart(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    count = running.count()
    fake.send_command(CHAT, "/restart")
    asked = await running.question(containing="again from the beginning", after=count)
    count = running.count()
    fake.press(CHAT, asked.message_id, buttons(asked)["Keep going"])
    await running.question(containing="0 (calm)", after=count)
    count = running.count()
    fake.send_text(CHAT, "8")  # the scale, then on: the restart question is closed
    await fake.wait_for(lambda: running.count() > count)
    state = running.state()
    assert state is not None and state.vars.get("urge") == "away" and state.vars.get("intensity") == 8
    assert "@restart" not in state.vars


async def test_reminders_answered_in_words(running: Running) -> None:
    fake = running.fake
    plan_a_step(running, "Sorry, I was miles away. Tell me again?", "Now")
    plan_a_step(running, "ask him how his day went", "Tomorrow")
    fake.send_command(CHAT, "/reminders")
    await running.question(containing="What I've planned")
    count = running.count()
    fake.send_text(CHAT, "cancel 2")  # typed, with no question open underneath
    done = await said_since(running, count, "Done: I've cancelled")
    assert "“ask him how his day went”" in (done.text or "")
    assert pending(running) == ["follow-up"]
