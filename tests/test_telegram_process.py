"""`hedgehog run` as a real process against the fake Bot API: killed with SIGKILL in the
middle of a flow, started again, the person's button still works and the flow finishes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.storage import ChatKey, Store
from tests.fakebotapi import BotMessage, FakeBotAPI

CHAT = 31337


def buttons(message: BotMessage) -> dict[str, str]:
    assert message.reply_markup is not None
    return {b["text"]: b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row}


async def start_bot(fake: FakeBotAPI, tmp_path: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.url,
        HEDGEHOG_DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3",
        HEDGEHOG_LOG_LEVEL="INFO",
    )
    before = len(fake.calls_to("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > before, timeout=60)
    return process


async def last_question(fake: FakeBotAPI, containing: str) -> BotMessage:
    await fake.wait_for(
        lambda: bool(fake.messages(CHAT)) and fake.messages(CHAT)[-1].reply_markup is not None
        and containing in (fake.messages(CHAT)[-1].text or ""),
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
        body = await last_question(fake, "body")  # the resent press is not applied twice
        fake.press(CHAT, body.message_id, buttons(body)["Racing heart"])
        intensity = await last_question(fake, "0 (calm)")
        fake.press(CHAT, intensity.message_id, buttons(intensity)["5"])
        await last_question(fake, "What just happened")
        fake.send_text(CHAT, "a very private sentence 7c1e")
        meaning = await last_question(fake, "tell yourself")
        fake.send_command(CHAT, "/skip")
        deeper = await last_question(fake, "go a little deeper")
        assert meaning.message_id < deeper.message_id
        fake.press(CHAT, deeper.message_id, buttons(deeper)["Straight to an exercise"])
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
        env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.url,
                   HEDGEHOG_DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--webhook", "https://bot.example.org/hook",
            "--listen", f"127.0.0.1:{port}", env=env, cwd=PROJECT_ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        blocker.close()
        await blocker.wait_closed()
    lines = [line for line in stderr.decode().splitlines() if line.startswith("hedgehog:")]
    assert process.returncode == 2
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "Traceback" not in stderr.decode()
    assert fake.token not in stderr.decode()
