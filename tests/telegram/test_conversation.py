"""A person on Telegram: messages, buttons, a check-in, the commands around it (/export,
/progress, /delete, /hide), and what is not an answer. The real PTB Application over real
HTTP against the fake Bot API on loopback, with real SQLite."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.engine.state import Reply
from bot.transports.telegram import keyboard
from tests.support.fakebotapi import BotMessage
from tests.support.telegram import CHAT, Running, buttons


async def test_a_check_in_with_buttons_and_free_text(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    assert "about 2 minutes" in fake.messages(CHAT)[0].text
    assert urge.parse_mode == "HTML" and "1 of about" in urge.text
    # The edit that shows the choice goes out alongside the next question, after the commit,
    # so either may land first (here the edit is slowed to make it last): wait for what the
    # person would see, the tapped message without its keyboard, not for the next question.
    fake.slow_next("editMessageText", 0.5)
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    intensity = await running.question(containing="0 (calm)", after=2)

    def pressed() -> BotMessage:
        return next(m for m in fake.messages(CHAT) if m.message_id == urge.message_id)

    await fake.wait_for(lambda: pressed().reply_markup is None)
    assert "→ <b>Away from them</b>" in (pressed().html or "")
    assert (pressed().text or "").startswith("Right now, which way")  # the question itself kept intact
    await fake.wait_for(lambda: bool(fake.calls_to("answerCallbackQuery")))
    assert set(buttons(intensity)) >= {str(n) for n in range(11)}
    assert "2 of about" in (intensity.text or "")  # one count, up by one per question
    fake.press(CHAT, intensity.message_id, buttons(intensity)["3"])
    body = await running.question(containing="body", after=running.count())
    fake.send_text(CHAT, "my jaw is clenched <tight> & hot")
    trigger = await running.question(containing="What just happened", after=running.count())
    assert body.message_id < trigger.message_id
    for _ in range(3):  # what happened, what it meant, the softer feeling
        count = running.count()
        fake.send_command(CHAT, "/skip")
        await fake.wait_for(lambda n=count: running.count() > n)
    offer = await running.question(containing="stop here", after=0)
    assert "my jaw is clenched &lt;tight&gt; &amp; hot" in (offer.html or "")  # read back, escaped
    assert "7 of about" in (offer.text or "")  # the seventh question, the exercise right after it
    fake.press(CHAT, offer.message_id, buttons(offer)["Stop here for now"])
    await fake.wait_for(lambda: running.state() is None)


async def test_a_button_from_an_old_message_is_not_applied(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    choices = buttons(urge)
    fake.press(CHAT, urge.message_id, choices["Toward them"])
    await running.question(containing="0 (calm)", after=2)
    before = running.state()
    fake.press(CHAT, urge.message_id, choices["Away from them"])
    await fake.wait_for(lambda: any("earlier step" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state() == before
    await running.question(containing="0 (calm)", after=running.count() - 1)


async def test_after_a_press_the_edit_and_the_next_question_do_not_wait_for_each_other(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")

    def keyboard_of(question: BotMessage) -> dict[str, object] | None:
        return next(m for m in fake.messages(CHAT) if m.message_id == question.message_id).reply_markup

    fake.slow_next("sendMessage", 1.0)
    shown = running.count()
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await fake.wait_for(lambda: keyboard_of(urge) is None)  # the choice shows...
    assert "→ <b>Away from them</b>" in (fake.messages(CHAT)[shown - 1].html or "")
    assert running.count() == shown  # ...while the next question is still on its way
    await fake.wait_for(lambda: bool(fake.calls_to("answerCallbackQuery")))
    intensity = await running.question(containing="0 (calm)", after=shown)

    fake.slow_next("editMessageText", 1.0)
    fake.press(CHAT, intensity.message_id, next(iter(buttons(intensity).values())))
    await running.question(after=running.count())  # the next question arrives...
    assert keyboard_of(intensity) is not None
    await fake.wait_for(lambda: keyboard_of(intensity) is None)  # ...and then the edit


@pytest.mark.parametrize(
    ("send", "words"),
    [("send_sticker", "stickers"), ("send_photo", "photos"), ("send_voice", "voice")],
)
async def test_things_that_are_not_answers_get_a_kind_word_and_change_nothing(
    running: Running, send: str, words: str
) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    await running.question(containing="toward your partner")
    before = running.state()
    getattr(fake, send)(CHAT)
    await fake.wait_for(lambda: any(words in (m.text or "") for m in fake.messages(CHAT)))
    await running.question(containing="toward your partner", after=running.count() - 1)
    assert running.state() == before


async def test_an_edited_message_is_not_taken_as_a_new_answer(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    before = running.state()
    fake.edit_text(CHAT, 1, "actually something else")
    await fake.wait_for(lambda: any("edited messages" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state() == before


async def test_in_a_group_it_says_once_that_it_is_for_private_chats(running: Running) -> None:
    fake = running.fake
    group = -100777
    fake.send_text(group, "hello bot", chat_type="group")
    await fake.wait_for(lambda: len(fake.messages(group)) == 1)
    assert "private" in (fake.messages(group)[0].text or "")
    fake.send_text(group, "are you there", chat_type="group")
    update = fake.send_command(group, "/start")
    await fake.wait_for(lambda: fake.confirmed_offset > update)
    await asyncio.sleep(0.3)
    assert len(fake.messages(group)) == 1


async def test_a_very_long_message_is_kept_up_to_the_limit_with_a_note(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    intensity = await running.question(containing="0 (calm)", after=2)
    fake.press(CHAT, intensity.message_id, buttons(intensity)["2"])
    await running.question(containing="body", after=running.count())
    fake.send_command(CHAT, "/skip")
    await running.question(containing="What just happened", after=running.count())
    fake.send_text(CHAT, "x" * 10_000)
    await fake.wait_for(lambda: any("first 500 characters" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state().vars["trigger"] == "x" * 500


def test_a_scale_becomes_two_rows_of_numbers() -> None:
    reply = Reply("How strong?", expects="scale", step_id="intensity", seq=4, scale=(0, 10))
    markup = keyboard(reply)
    assert markup is not None
    rows = [[b["text"] for b in row] for row in markup["inline_keyboard"]]
    assert rows == [[str(n) for n in range(6)], [str(n) for n in range(6, 11)]]
    assert markup["inline_keyboard"][0][3]["callback_data"] == "intensity|4|3"


async def test_export_arrives_as_two_documents(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    fake.send_command(CHAT, "/export")
    await fake.wait_for(lambda: sum(m.kind == "document" for m in fake.messages(CHAT)) == 2)
    names = sorted(m.text or "" for m in fake.messages(CHAT) if m.kind == "document")
    assert names[0].endswith(".json") and names[1].endswith(".md")
    [upload] = [c for c in fake.calls_to("sendDocument") if str(c.params.get("_filename", "")).endswith(".json")]
    assert b'"urge"' in upload.params["document"] and b'"away"' in upload.params["document"]


async def _check_in(running: Running, level: str, finish: bool) -> None:
    """A check-in by taps: away, `level` out of 10, the body skipped; then either the rest
    skipped to the offer and "Stop here for now", or /restart before the offer (left there)."""
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner", after=running.count())
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    intensity = await running.question(containing="0 (calm)", after=running.count())
    fake.press(CHAT, intensity.message_id, buttons(intensity)[level])
    await running.question(containing="body", after=running.count())
    fake.send_command(CHAT, "/skip")
    await running.question(containing="What just happened", after=running.count())
    if not finish:
        count = running.count()
        fake.send_command(CHAT, "/restart")  # whatever it answers (a fresh start, or "are you sure?"), left there
        await fake.wait_for(lambda: running.count() > count)
        return
    for _ in range(3):  # what happened, what it meant, the softer feeling
        count = running.count()
        fake.send_command(CHAT, "/skip")
        await fake.wait_for(lambda n=count: running.count() > n)
    offer = await running.question(containing="stop here", after=0)
    fake.press(CHAT, offer.message_id, buttons(offer)["Stop here for now"])
    await fake.wait_for(lambda: running.state() is None)


async def test_progress_and_export_count_only_the_check_in_that_reached_its_offer(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/progress")
    await fake.wait_for(lambda: any("check-in" in (m.text or "") for m in fake.messages(CHAT)))
    assert not any(m.kind == "photo" for m in fake.messages(CHAT))  # nothing to draw yet
    await _check_in(running, "6", finish=False)  # restarted before the offer: not a check-in
    fake.send_command(CHAT, "/stop")
    await fake.wait_for(lambda: running.state() is None)
    await _check_in(running, "3", finish=True)
    fake.send_command(CHAT, "/progress")
    await fake.wait_for(lambda: any(m.kind == "photo" for m in fake.messages(CHAT)))
    await fake.wait_for(lambda: any("Your progress" in (m.text or "") for m in fake.messages(CHAT)))
    [upload] = fake.calls_to("sendPhoto")
    assert upload.params["photo"].startswith(b"\x89PNG")
    said = " ".join(m.text or "" for m in fake.messages(CHAT))
    assert "1 check-in so far. Which way the pull went: away from them 1." in said
    assert "1, 3.0" in said  # this week: one check-in at 3, not the 6 that was restarted

    fake.send_command(CHAT, "/export")
    await fake.wait_for(lambda: sum(m.kind == "document" for m in fake.messages(CHAT)) == 2)
    [letter] = [c for c in fake.calls_to("sendDocument") if str(c.params.get("_filename", "")).endswith(".md")]
    text = letter.params["document"].decode()
    assert "So far: 1 check-in." in text
    assert "You noticed a pull away from them, about 3 out of 10. This check-in counts." in text
    assert "This check-in ended before the choice of what might help, so it isn't counted." in text
    for internal in ("intensity", "urge", "checkin", "True", "False", "None", "offer-"):
        assert internal not in text


async def test_delete_after_a_confirmation_erases_everything_and_says_how_to_clear_the_chat(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    fake.send_command(CHAT, "/delete")
    confirm = await running.question(containing="", after=running.count())
    assert set(buttons(confirm)) == {"Yes, delete everything", "No, keep it"}
    fake.press(CHAT, confirm.message_id, buttons(confirm)["Yes, delete everything"])
    await fake.wait_for(lambda: any("Clear history" in (m.text or "") for m in fake.messages(CHAT)))
    with running.coach.store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM chat")).scalar_one() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM journal")).scalar_one() == 0


async def test_hide_clears_the_chat_on_telegram_and_keeps_the_data(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=running.count())
    fake.send_text(CHAT, "7/10")
    await running.question(containing="body", after=running.count())
    fake.send_text(CHAT, "my chest is so tight right now")
    await running.question(containing="What just happened", after=running.count())
    assert fake.messages(CHAT) and fake.their_messages(CHAT)
    fake.send_command(CHAT, "/hide")
    await fake.wait_for(lambda: not fake.messages(CHAT) and not fake.their_messages(CHAT))
    await asyncio.sleep(0.3)
    assert fake.messages(CHAT) == []  # not even a line about it
    assert running.state().step_id == "trigger"  # type: ignore[union-attr]
    assert running.state().vars["body"] == "my chest is so tight right now"  # type: ignore[union-attr]
    fake.send_command(CHAT, "/resume")  # and everything is still there
    await running.question(containing="What just happened", after=0)


async def test_the_menu_lists_every_exercise_and_a_flooded_person_reaches_the_break_in_two_taps(
    running: Running,
) -> None:
    fake = running.fake
    [menu] = fake.calls_to("setMyCommands")
    listed = {c["command"]: c["description"] for c in menu.params["commands"]}
    assert {"break", "map", "startup", "pattern", "checkin"} <= set(listed)
    assert all(0 < len(words) <= 256 for words in listed.values())
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["I'm too flooded to think"])
    pause = await running.question(containing="stirred up", after=running.count() - 1)
    assert "OK, let's pause" in buttons(pause)
    state = running.state()
    assert state is not None and (state.flow_id, state.stack[-1].flow_id) == ("break", "checkin")
    count = running.count()
    fake.send_command(CHAT, "/map")
    await running.question(containing="What happened", after=count)
    state = running.state()
    assert state is not None and state.flow_id == "reflect"


def test_every_command_in_the_menu_is_answered_and_in_help() -> None:
    from pathlib import Path

    from bot.coach.commands import COMMANDS
    from bot.transports.telegram import MENU

    words = (Path(__file__).parents[2] / "prompts" / "system" / "help.j2").read_text(encoding="utf-8")
    for name, _ in MENU:
        assert name in COMMANDS or name == "skip", name  # /skip is the engine's
        assert f"/{name} " in words, name
