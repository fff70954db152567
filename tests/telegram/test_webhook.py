"""The webhook: the secret, answering only after the commit, refusing before reading a body
that is too big, 400s for what is not an update, and one update on two replicas."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build_coach
from bot.config import Settings
from bot.storage import ChatKey
from bot.transports.telegram import Webhook, serve
from tests.support.fakebotapi import FakeBotAPI
from tests.support.telegram import CHAT, already_onboarded, coach_for


async def test_webhook_refuses_requests_without_the_secret_and_answers_only_after_commit(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port: int
) -> None:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    coach = build_coach(settings)
    already_onboarded(coach)
    hook = Webhook("https://bot.example.org/telegram", "127.0.0.1", unused_tcp_port, "s3cr3t-token_1")
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, webhook=hook))
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("setWebhook")) or task.done())
        [registered] = fake.calls_to("setWebhook")
        assert registered.params["url"] == hook.url and registered.params["secret_token"] == hook.secret
        assert not fake.calls_to("getUpdates")
        local = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        update = fake.send_command(CHAT, "/start")
        assert await fake.post_webhook(local, update, None) == 403
        assert await fake.post_webhook(local, update, "not-the-secret") == 403
        assert fake.messages(CHAT) == [] and coach.peek(ChatKey("telegram", str(CHAT))) is None

        fake.slow_next("sendMessage", 1.0)
        started = asyncio.get_running_loop().time()
        assert await fake.post_webhook(local, update, hook.secret) == 200
        assert asyncio.get_running_loop().time() - started >= 1.0  # the 200 waited for the work
        shown = len(fake.messages(CHAT))
        assert shown >= 2 and coach.peek(ChatKey("telegram", str(CHAT))) is not None

        assert await fake.post_webhook(local, update, hook.secret) == 200  # Telegram retrying
        state = coach.peek(ChatKey("telegram", str(CHAT)))
        assert state is not None and state.step_id == "urge"
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


async def test_the_same_update_on_two_replicas_sends_its_replies_once(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port_factory: object
) -> None:
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]  # type: ignore[operator]
    coaches = [coach_for(sqlite_url), coach_for(sqlite_url)]
    stopping = asyncio.Event()
    tasks = [
        asyncio.create_task(
            serve(
                c,
                fake.token,
                fake.url,
                stopping,
                webhook=Webhook("https://bot.example.org/tg", "127.0.0.1", p, "s3cret"),
            )
        )
        for c, p in zip(coaches, ports, strict=True)
    ]
    try:
        await fake.wait_for(lambda: len(fake.calls_to("setWebhook")) == 2)
        update = fake.send_command(CHAT, "/checkin")
        codes = await asyncio.gather(*(fake.post_webhook(f"http://127.0.0.1:{p}/tg", update, "s3cret") for p in ports))
        assert codes == [200, 200]
        await fake.wait_for(lambda: any(m.reply_markup for m in fake.messages(CHAT)))
        await asyncio.sleep(0.5)
        texts = [m.text for m in fake.messages(CHAT)]
        assert len(texts) == len(set(texts)) == 2  # the check-in's opening and its first question, once
    finally:
        stopping.set()
        await asyncio.gather(*tasks)
        for coach in coaches:
            coach.store.close()


async def _raw_post(port: int, headers: str, body: bytes = b"") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"POST /tg HTTP/1.1\r\nHost: bot.example.org\r\n{headers}\r\n".encode() + body)
        await writer.drain()
        return await asyncio.wait_for(reader.read(200), timeout=15)
    finally:
        writer.close()


async def test_the_webhook_refuses_before_reading_and_answers_400_to_what_is_not_an_update(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port: int
) -> None:
    coach = coach_for(sqlite_url)
    stopping = asyncio.Event()
    hook = Webhook("https://bot.example.org/tg", "127.0.0.1", unused_tcp_port, "s3cret")
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, webhook=hook))
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("setWebhook")))
        huge = "Content-Type: application/json\r\nContent-Length: 99614720\r\n"  # 95 MB announced, none sent
        assert (await _raw_post(unused_tcp_port, huge)).startswith(b"HTTP/1.1 403")  # answered unread
        wrong = huge + "X-Telegram-Bot-Api-Secret-Token: guess\r\n"
        assert (await _raw_post(unused_tcp_port, wrong)).startswith(b"HTTP/1.1 403")
        right = huge + "X-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
        assert (await _raw_post(unused_tcp_port, right)).startswith(b"HTTP/1.1 413")
        import httpx

        url = f"http://127.0.0.1:{unused_tcp_port}/tg"
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret", "Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            for body in (
                "[1, 2]",
                '"hello"',
                "null",
                '{"update_id": 5, "message": 7}',
                "[" * 100_000 + "]" * 100_000,
                '{"message": {"text": "no id"}}',
                "not json at all",
                '{"update_id": 6, "message": {}}',
            ):
                response = await client.post(url, content=body, headers=secret)
                assert response.status_code == 400, body[:40]
                assert "Traceback" not in response.text
            update = fake.send_command(CHAT, "/help")  # and a real one still works
            assert await fake.post_webhook(url, update, "s3cret") == 200
        assert any("/checkin" in (m.text or "") for m in fake.messages(CHAT))
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()
