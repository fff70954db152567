"""`hedgehog run` as a real process against the fake Bot API: killed with SIGKILL in the
middle of a flow (or, aimed, between a step's commit and its reply), started again: the
person's button still works, every committed reply arrives once, and a /delete stays done."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.config import PROJECT_ROOT
from bot.storage import ChatKey, Store
from tests.support.fakebotapi import BotMessage, FakeBotAPI
from tests.support.processes import started
from tests.support.telegram import bot_environment, buttons, spawn_bot

CHAT = 31337


async def start_bot(fake: FakeBotAPI, tmp_path: Path, **extra: str) -> asyncio.subprocess.Process:
    env = bot_environment(
        fake,
        tmp_path,
        HEDGEHOG_LOG_LEVEL="INFO",
        HEDGEHOG_OUTBOX_LEASE="1",  # a killed process's replies are taken over a second later
        **extra,
    )
    before = len(fake.calls_to("getUpdates"))
    process = await spawn_bot(env, asyncio.subprocess.PIPE)
    started(process)
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > before, timeout=60)
    return process


async def last_question(fake: FakeBotAPI, containing: str) -> BotMessage:
    await fake.wait_for(
        lambda: (
            bool(fake.messages(CHAT))
            and fake.messages(CHAT)[-1].reply_markup is not None
            and containing in (fake.messages(CHAT)[-1].text or "")
        ),
        timeout=60,
    )
    return fake.messages(CHAT)[-1]


async def test_sigkill_mid_flow_then_restart_continues_from_the_button_the_person_sees(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/bot.sqlite3")  # someone who has used the bot before
    with store.chat(ChatKey("telegram", str(CHAT))) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    store.close()
    async with FakeBotAPI() as fake:
        first = await start_bot(fake, tmp_path)
        fake.send_command(CHAT, "/start")
        urge = await last_question(fake, "toward your partner")

        # The answer is committed, then its reply hangs in flight: kill the process right there.
        fake.slow_next("sendMessage", 30)
        sends = len(fake.calls_to("sendMessage"))
        pressed = fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) > sends, timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert pressed in fake.pending_updates  # never confirmed: Telegram will send it again

        second = await start_bot(fake, tmp_path)
        intensity = await last_question(fake, "0 (calm)")  # the resent press is not applied twice
        fake.press(CHAT, intensity.message_id, buttons(intensity)["5"])
        body = await last_question(fake, "body")
        fake.press(CHAT, body.message_id, buttons(body)["Racing heart"])
        await last_question(fake, "What just happened")
        fake.send_text(CHAT, "a very private sentence 7c1e")
        meaning = await last_question(fake, "tell yourself")
        fake.send_command(CHAT, "/skip")
        underneath = await last_question(fake, "softer feeling")
        assert meaning.message_id < underneath.message_id
        fake.press(CHAT, underneath.message_id, buttons(underneath)["Scared"])
        offer = await last_question(fake, "stop here")
        fake.press(CHAT, offer.message_id, buttons(offer)["Stop here for now"])
        await fake.wait_for(lambda: "Stopping here is fine" in (fake.messages(CHAT)[-1].text or ""), timeout=60)

        second.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(second.communicate(), timeout=60)
        assert second.returncode == 0, stderr.decode()
        assert not fake.pending_updates  # a clean stop confirms what it handled
        logs = stderr.decode()
        assert "outcome=duplicate" in logs and "step=" in logs
        assert fake.token not in logs and fake.token.split(":")[1] not in logs
        assert "a very private sentence" not in logs and str(CHAT) not in logs


async def test_a_webhook_port_in_use_is_one_clear_sentence(tmp_path: Path) -> None:
    async with FakeBotAPI() as fake:
        blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = blocker.sockets[0].getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=fake.url,
            HEDGEHOG_DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--webhook",
            "https://bot.example.org/hook",
            "--listen",
            f"127.0.0.1:{port}",
            env=env,
            cwd=PROJECT_ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        blocker.close()
        await blocker.wait_closed()
    lines = [line for line in stderr.decode().splitlines() if line.startswith("hedgehog:")]
    assert process.returncode == 2
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "Traceback" not in stderr.decode()
    assert fake.token not in stderr.decode()


def onboarded(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/bot.sqlite3")  # someone who has used the bot before
    with store.chat(ChatKey("telegram", str(CHAT))) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    store.close()


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    return stderr.decode()


def texts(fake: FakeBotAPI) -> list[str]:
    return [m.text or "" for m in fake.messages(CHAT)]


async def test_a_kill_between_the_commit_and_the_reply_loses_no_crisis_line_and_no_help(tmp_path: Path) -> None:
    onboarded(tmp_path)
    async with FakeBotAPI() as fake:
        # The process kills itself right after committing the step, before sending anything.
        first = await start_bot(fake, tmp_path, HEDGEHOG_TEST_CRASH_AT="after-commit:1")
        words = fake.send_text(CHAT, "Honestly some days I just want to die")
        await asyncio.wait_for(first.wait(), timeout=60)
        assert first.returncode == -signal.SIGKILL
        assert fake.messages(CHAT) == [] and words in fake.pending_updates  # nothing shown, not confirmed

        # Its first after-commit is the redelivered message, the second /sos, the third /help.
        second = await start_bot(fake, tmp_path, HEDGEHOG_TEST_CRASH_AT="after-commit:3")
        await fake.wait_for(lambda: any("Find A Helpline" in t for t in texts(fake)), timeout=60)
        crisis = [t for t in texts(fake) if "crisis service" in t]
        assert len(crisis) == 1  # the committed crisis reply, with its lines, exactly once
        await last_question(fake, "")  # and the grounding step after it
        shown = len(fake.messages(CHAT))

        fake.send_command(CHAT, "/sos")
        await fake.wait_for(lambda: len(fake.messages(CHAT)) > shown, timeout=60)
        shown = len(fake.messages(CHAT))
        fake.send_command(CHAT, "/help")  # killed before /help's reply
        await asyncio.wait_for(second.wait(), timeout=60)
        third = await start_bot(fake, tmp_path)
        await fake.wait_for(lambda: any("/checkin start a check-in" in t for t in texts(fake)[shown:]), timeout=60)
        await stop(third)
        assert sum("/checkin start a check-in" in t for t in texts(fake)) == 1
        assert sum("crisis service" in t for t in texts(fake)) == 1


async def test_a_kill_right_after_delete_re_creates_nothing(tmp_path: Path) -> None:
    onboarded(tmp_path)
    async with FakeBotAPI() as fake:
        first = await start_bot(fake, tmp_path, HEDGEHOG_TEST_CRASH_AT="after-commit:3")
        fake.send_command(CHAT, "/start")
        await last_question(fake, "toward your partner")
        fake.send_command(CHAT, "/delete")
        confirm = await last_question(fake, "erases everything")
        erase = fake.press(CHAT, confirm.message_id, buttons(confirm)["Yes, delete everything"])
        await asyncio.wait_for(first.wait(), timeout=60)  # erased and committed; killed before the reply
        assert erase in fake.pending_updates

        second = await start_bot(fake, tmp_path)
        await fake.wait_for(lambda: any("Clear history" in t for t in texts(fake)), timeout=60)
        await fake.wait_for(lambda: erase not in fake.pending_updates, timeout=60)
        fake.resend(erase)  # and Telegram, unsure, sends it once more
        await fake.wait_for(lambda: fake.redeliveries_waiting == 0, timeout=60)
        await stop(second)
    assert sum("Clear history" in t for t in texts(fake)) == 1
    assert not any("already finished" in t for t in texts(fake))
    store = Store.open(f"sqlite:///{tmp_path}/bot.sqlite3")
    try:
        with store.engine.connect() as connection:
            for table in ("chat", "session", "journal", "processed_update", "outbox"):
                assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
    finally:
        store.close()
