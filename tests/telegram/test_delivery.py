"""Getting replies onto Telegram: waiting out 429s and retrying 5xx, a person who blocked
the bot, a reply Telegram did not take going first once it does, splitting long replies
(never inside a tag or an entity), and long read-backs full of escapes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.storage import ChatKey
from bot.transports.telegram import split_text
from bot.transports.telegram.delivery import RETRY_SEND
from tests.support.telegram import CHAT, Running, buttons


async def test_too_many_requests_is_waited_out_and_the_reply_arrives(running: Running) -> None:
    fake = running.fake
    fake.fail_next("sendMessage", status=429, retry_after=1)
    fake.send_command(CHAT, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)))
    attempts = fake.calls_to("sendMessage")
    assert len(attempts) >= 2 and attempts[-1].at - attempts[0].at >= 0.9


async def test_server_errors_and_slow_answers_are_retried(running: Running) -> None:
    fake = running.fake
    fake.fail_next("sendMessage", status=500, times=2)
    fake.slow_next("sendMessage", 1.5)
    fake.send_command(CHAT, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)), timeout=30)
    assert len(fake.calls_to("sendMessage")) >= 3


async def test_a_person_who_blocked_the_bot_gets_nothing_more(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    await running.question(containing="toward your partner")
    key = ChatKey("telegram", str(CHAT))
    with running.coach.store.chat(key) as tx:
        tx.schedule_followup(
            source_flow="break", source_step="done", target_flow="checkin", due_at=datetime.now(UTC), dedupe_key="t-1"
        )
    fake.block(CHAT)
    update = fake.send_text(CHAT, "are you still there?")
    await fake.wait_for(lambda: fake.confirmed_offset > update)
    await asyncio.sleep(0.3)
    with running.coach.store.engine.connect() as connection:
        active = connection.execute(sa.text("SELECT active FROM chat WHERE address = :a"), {"a": str(CHAT)}).scalar()
        statuses = connection.execute(sa.text("SELECT status FROM followup")).scalars().all()
    assert not active
    assert statuses == ["cancelled"]


async def test_a_reply_that_could_not_be_sent_goes_first_once_telegram_takes_it(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.fail_next("sendMessage", status=502, times=5)  # down for longer than the bot's retries
    update = fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await fake.wait_for(lambda: fake.confirmed_offset > update, timeout=60)
    assert running.state().step_id == "intensity"  # the answer was kept, and the update confirmed
    shown = running.count()
    resume = fake.send_command(CHAT, "/resume")
    await fake.wait_for(lambda: fake.confirmed_offset > resume, timeout=60)
    assert running.count() == shown  # handled, and its answer waits behind the question not yet shown
    # The retry's time comes: the question Telegram did not take goes first, then /resume's answer.
    running.coach.clock = lambda: datetime.now(UTC) + RETRY_SEND + timedelta(seconds=1)
    intensity = await running.question(containing="0 (calm)", after=shown + 2)
    said = [m.text or "" for m in fake.messages(CHAT)[shown:]]
    assert len(said) == 3 and "0 (calm)" in said[0] and "Welcome back" in said[1]
    assert "|" in next(iter(buttons(intensity).values()))


def test_long_replies_are_split_under_telegrams_limit_at_paragraphs() -> None:
    paragraphs = [f"Paragraph {n}: " + "words " * 150 for n in range(12)]
    pieces = split_text("\n\n".join(paragraphs))
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == "".join(paragraphs).replace(" ", "")


HOSTILE = "&<>\"' " * 100  # a person's answer that grows five-fold when escaped


@pytest.mark.parametrize("limit", [4096, 300, 40])
def test_splitting_never_cuts_a_tag_or_an_entity_and_counts_as_telegram_does(limit: int) -> None:
    from markupsafe import escape as escape_html

    from bot.transports.telegram.render import split_text
    from tests.support.fakebotapi import parse_html

    text = "\n\n".join(
        f'<b>Step {n}</b>: <i>{escape_html(HOSTILE)} 😭 and <a href="https://example.org/?a=1&amp;b=2">this</a></i>'
        for n in range(30)
    )
    pieces = split_text(text, limit)
    assert len(pieces) > 1
    shown = []
    for piece in pieces:
        visible, _ = parse_html(piece)  # raises on a cut tag or an unclosed one, as Telegram answers 400
        assert 0 < len(visible.encode("utf-16-le")) // 2 <= limit
        shown.append(visible)
    whole, _ = parse_html(text)
    assert "".join(shown).replace(" ", "").replace("\n", "") == whole.replace(" ", "").replace("\n", "")


def test_a_message_written_past_the_limit_but_shown_within_it_goes_whole() -> None:
    # Telegram counts what it shows: 1,000 escaped ampersands are 5,007 characters written
    # and 1,000 shown, one message; a message written within the limit is never looked into.
    escaped = "<b>" + "&amp;" * 1000 + "</b>"
    assert split_text(escaped) == [escaped]
    assert split_text("a" * 4096) == ["a" * 4096]
    assert split_text("😭" * 2049) != ["😭" * 2049]  # 4,098 UTF-16 units shown: two messages


async def test_a_long_read_back_full_of_escapes_still_shows_the_question_and_resume_works(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    intensity = await running.question(containing="0 (calm)", after=running.count())
    fake.press(CHAT, intensity.message_id, buttons(intensity)["4"])
    await running.question(containing="body", after=running.count())
    fake.send_text(CHAT, HOSTILE[:300])
    await running.question(containing="What just happened", after=running.count())
    fake.send_text(CHAT, HOSTILE[:500])
    await running.question(containing="tell yourself", after=running.count())
    fake.send_text(CHAT, "They <don't> care & I'm \"never\" enough " + HOSTILE[:460])
    await running.question(containing="softer feeling", after=running.count())
    fake.send_text(CHAT, '<scared> & "small" ' + HOSTILE[:180])
    offer = await running.question(containing="stop here", after=running.count())
    assert "&amp;&lt;&gt;" in (offer.html or "")  # their words, escaped, read back in full
    fake.send_command(CHAT, "/resume")
    again = await running.question(containing="stop here", after=running.count())
    assert again.message_id > offer.message_id
