"""Forgiving answers on Telegram: typed words instead of a button, a number in words, a
skipped scale, "did you mean" asked back with buttons, and a mistyped command. The real PTB
Application over real HTTP against the fake Bot API on loopback, with real SQLite."""

from __future__ import annotations

from tests.support.telegram import CHAT, Running, buttons


async def test_a_re_ask_is_the_question_alone_and_says_to_tap_or_type(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="which way are you pulled")
    assert "about 2 minutes" in fake.messages(CHAT)[0].text
    shown = running.count()
    fake.send_text(CHAT, "what's the weather like tomorrow")
    again = await running.question(containing="which way are you pulled", after=shown)
    note = fake.messages(CHAT)[-2].text or ""
    assert note == "I didn't quite catch which one you meant. Tap the button that fits best, or type its words."
    assert "about 2 minutes" not in (again.text or "")  # the question alone, not the screen before it
    assert set(buttons(again)) == set(buttons(urge))
    assert running.state() is not None and running.state().step_id == "urge"  # type: ignore[union-attr]


async def test_own_words_asked_back_then_a_typed_yes(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    await running.question(containing="which way are you pulled")
    shown = running.count()
    fake.send_text(CHAT, "i feel like calling him")
    asked = await running.question(containing="Did you mean: Toward them?", after=shown)
    assert list(buttons(asked)) == ["Yes", "No"]
    shown = running.count()
    fake.send_text(CHAT, "Yep!")
    await running.question(containing="0 (calm)", after=shown)
    state = running.state()
    assert state is not None and state.vars["urge"] == "toward"


async def test_a_scale_in_words_off_the_scale_and_skipped(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="which way are you pulled")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    intensity = await running.question(containing="0 (calm)", after=2)
    assert "Skip" in buttons(intensity)
    shown = running.count()
    fake.send_text(CHAT, "honestly 12/10")
    await running.question(containing="0 (calm)", after=shown)
    assert (fake.messages(CHAT)[-2].text or "").startswith("12 is off the scale: it goes from 0 to 10. Tap a number")
    shown = running.count()
    fake.send_text(CHAT, "seven")
    await running.question(containing="body", after=shown)
    state = running.state()
    assert state is not None and state.vars["intensity"] == 7


async def test_a_skipped_scale_by_its_button(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="which way are you pulled")
    fake.send_text(CHAT, "AWAY FROM THEM")
    intensity = await running.question(containing="0 (calm)", after=2)
    assert urge.message_id < intensity.message_id
    fake.press(CHAT, intensity.message_id, buttons(intensity)["Skip"])
    await running.question(containing="body", after=running.count())  # no break pressed on them
    state = running.state()
    assert state is not None and state.vars["intensity"] is None
    fake.send_text(CHAT, "Restles")  # a typo of a button's label
    await running.question(containing="What just happened", after=running.count())
    state = running.state()
    assert state is not None and state.vars["body"] == "feeling restless"


async def test_did_you_mean_a_mistyped_command_with_one_tap(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    await running.question(containing="which way are you pulled")
    shown = running.count()
    fake.send_command(CHAT, "/brake")
    asked = await running.question(containing="Did you mean /break?", after=shown)
    assert asked.text == "I don't know /brake. Did you mean /break?"
    shown = running.count()
    fake.press(CHAT, asked.message_id, buttons(asked)["Yes"])
    await running.question(containing="Take a break", after=shown)
    state = running.state()
    assert state is not None and state.flow_id == "break"
    assert [f.flow_id for f in state.stack] == ["checkin"]  # the check-in waits underneath


async def test_did_you_mean_answered_by_typing_no(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    await running.question(containing="which way are you pulled")
    fake.send_command(CHAT, "/reminder")
    await running.question(containing="Did you mean /reminders?", after=running.count())
    shown = running.count()
    fake.send_text(CHAT, "nah")
    await running.question(containing="which way are you pulled", after=shown)
    assert any("No problem. /help lists everything" in (m.text or "") for m in fake.messages(CHAT)[shown:])
    state = running.state()
    assert state is not None and (state.flow_id, state.step_id) == ("checkin", "urge")


async def test_a_break_answered_in_everyday_words(running: Running) -> None:
    """ "half an hour" is the 30-minute button and "i cant talk to him rn" the one that says so:
    neither is asked back."""
    fake = running.fake
    fake.send_command(CHAT, "/break")
    await running.question(containing="Take a break")
    shown = running.count()
    fake.send_text(CHAT, "ok yeah i need a pause")
    await running.question(containing="How long will you pause", after=shown)
    shown = running.count()
    fake.send_text(CHAT, "half an hour")
    await running.question(containing="let your partner know", after=shown)
    shown = running.count()
    fake.send_text(CHAT, "i cant talk to him rn")
    await running.question(containing="calm your body", after=shown)
    typed = [m.text or "" for m in fake.messages(CHAT)[shown:]]
    assert not [t for t in typed if "Did you mean" in t or "didn't quite catch" in t], typed
    state = running.state()
    assert state is not None and state.vars["break_len"] == "30 minutes"
