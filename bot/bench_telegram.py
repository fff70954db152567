"""`hedgehog bench --telegram`: Hedgehog's full step through python-telegram-bot against
a bare PTB echo handler, measured in one run.

Updates go through `Application.process_update` (and the per-chat update processor);
the Bot API is replaced by `RecordingRequest`, which answers every call at once and
keeps a count, so the figures are Hedgehog's and PTB's own work: parsing the update,
engine, rendering, the durable SQLite commit, building and "sending" the replies.

A third side shows the floor under Hedgehog's figure: the same `TelegramBot` fed the
same updates, with `Coach.process` replaced by the results the full side got (no
engine, no database). What is left is PTB parsing the update and making Hedgehog's Bot
API calls (a button press: answerCallbackQuery, editMessageText and sendMessage, against
the echo's one sendMessage), each result parsed into PTB objects, plus building the
keyboards. The sides alternate over several rounds; each figure is the median.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import statistics
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

from bot.config import Settings

TOKEN = "123456:BENCH-token-not-real"
CHAT = 7070


_ANSWERED = json.dumps({"ok": True, "result": True}).encode()
_ME = json.dumps(
    {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Hedgehog", "username": "bench_bot"}}
).encode()
_SENT = '{"ok":true,"result":{"message_id":%d,"date":0,"text":"x","chat":{"id":%d,"type":"private"}}}'


class RecordingRequest(BaseRequest):
    """A Bot API that is never reached: every call is counted and answered at once. The
    answers are prepared bytes, so the fake server's own work stays out of both sides'
    figures (PTB still encodes every request and parses every answer)."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.last_markup: dict[str, Any] | None = None
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        self.calls[name] = self.calls.get(name, 0) + 1
        params = request_data.json_parameters if request_data else {}
        if name in ("sendMessage", "editMessageText"):
            self._message_id += 1
            if name == "sendMessage":  # the keyboard a person will press next
                self.last_markup = json.loads(params["reply_markup"]) if "reply_markup" in params else None
            return 200, (_SENT % (self._message_id, CHAT)).encode()
        return 200, _ME if name == "getMe" else _ANSWERED


def _message(update_id: int, text: str) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "entities": entities,
            "chat": {"id": CHAT, "type": "private", "first_name": "B"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "B"},
        },
    }


def _press(update_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "chat_instance": "1",
            "data": data,
            "from": {"id": CHAT, "is_bot": False, "first_name": "B"},
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "q",
                "chat": {"id": CHAT, "type": "private"},
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": data}]]},
            },
        },
    }


def next_update(update_id: int, recorder: RecordingRequest) -> dict[str, Any]:
    """What a person does next, from the keyboard the bot last sent."""
    markup = recorder.last_markup
    if not markup:
        return _message(update_id, "/checkin")
    buttons = [b for row in markup["inline_keyboard"] for b in row]
    numbers = [b for b in buttons if b["text"].isdigit()]
    if numbers:
        return _press(update_id, numbers[len(numbers) // 3]["callback_data"])
    if len(buttons) == 1 and buttons[0]["callback_data"].endswith("|skip"):
        return _message(update_id, "I sent a message and no reply came for hours.")
    return _press(update_id, buttons[0]["callback_data"])


ROUNDS = 5


class _Side:
    """One application under test: the next update it gets, and its time per round."""

    def __init__(self, name: str, app: Application, make: Any) -> None:
        self.name = name
        self.app = app
        self.make = make
        self.next_id = 0
        self.seconds: list[float] = []

    async def run(self, count: int) -> float:
        processor, app, make = self.app.update_processor, self.app, self.make
        first = self.next_id
        self.next_id += count
        gc.collect()
        started = time.perf_counter()
        for n in range(first, first + count):
            update = Update.de_json(make(n), app.bot)
            await processor.process_update(update, app.process_update(update))
        return time.perf_counter() - started


async def _bench(settings: Settings, count: int, rounds: int) -> tuple[list[_Side], RecordingRequest]:
    """Seconds per round for the echo bot, Hedgehog, and Hedgehog's Telegram side alone.
    The rounds alternate (and alternate which side goes first), so a noisy neighbour on a
    shared machine slows every side alike instead of whichever happened to run then."""
    from bot.app import build_coach, build_engine
    from bot.coach import Coach
    from bot.contract import Handled, Incoming
    from bot.storage import Store
    from bot.transports.telegram import TelegramBot, build_application

    # Bare PTB: one handler that echoes the text back.
    echo_app = build_application(TOKEN, None, request=RecordingRequest(), rate_limit=False)

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    echo_app.add_handler(MessageHandler(filters.TEXT, reply))

    # Hedgehog: the whole step, on a fresh SQLite file. Each update and its result are
    # kept until the third side (which always runs next) has replayed them.
    played: deque[tuple[dict[str, Any], Handled]] = deque()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        coach = build_coach(settings, engine=build_engine(settings), store=store)
        recorder = RecordingRequest()
        app = build_application(TOKEN, None, request=recorder, rate_limit=False)
        pending: list[dict[str, Any]] = []

        def process_and_keep(incoming: Incoming) -> Handled:
            handled = Coach.process(coach, incoming)
            played.append((pending.pop(), handled))
            return handled

        coach.process = process_and_keep  # type: ignore[method-assign]
        TelegramBot(coach, app)

        def next_for_hedgehog(n: int) -> dict[str, Any]:
            pending[:] = [next_update(n, recorder)]
            return pending[0]

        # The Telegram side alone: the same bot, updates and results; Coach.process hands
        # back what the full side got, touching no engine and no database.
        replay_app = build_application(TOKEN, None, request=RecordingRequest(), rate_limit=False)
        replaying = copy.copy(coach)
        results: list[Handled] = []

        def replay(incoming: Incoming) -> Handled:
            return results.pop()

        replaying.process = replay  # type: ignore[method-assign]
        TelegramBot(replaying, replay_app)

        def next_for_alone(n: int) -> dict[str, Any]:
            update, handled = played.popleft()
            results[:] = [handled]
            return update

        echo = _Side("echo", echo_app, lambda n: _message(n, "hello there"))
        hedgehog = _Side("hedgehog", app, next_for_hedgehog)
        telegram = _Side("telegram", replay_app, next_for_alone)
        sides = [echo, hedgehog, telegram]
        for side in sides:
            await side.app.initialize()
        try:
            for side in sides:  # warm up: imports, caches, the first sessions
                await side.run(min(max(count // 10, 50), 200))
            recorder.calls.clear()
            for round_ in range(rounds):
                order = sides if round_ % 2 == 0 else [hedgehog, telegram, echo]
                for side in order:
                    side.seconds.append(await side.run(count))
        finally:
            for side in sides:
                await side.app.shutdown()
            store.close()
    return sides, recorder


def run_telegram_benchmark(settings: Settings, updates: int = 2000, rounds: int = ROUNDS) -> int:
    (echo, hedgehog, alone), recorder = asyncio.run(_bench(settings, updates, rounds))

    def rate(seconds: list[float]) -> str:
        median = statistics.median(seconds)
        return f"{updates / median:>10,.0f} updates/s  {median / updates * 1e6:>8.1f} us each"

    print(
        f"hedgehog bench --telegram: {rounds} alternating rounds of {updates} updates each side, "
        "through Application.process_update"
    )
    for n, (echo_s, hedgehog_s) in enumerate(zip(echo.seconds, hedgehog.seconds, strict=True), 1):
        print(
            f"  round {n}: echo {updates / echo_s:>7,.0f}/s  Hedgehog {updates / hedgehog_s:>7,.0f}/s  "
            f"ratio {echo_s / hedgehog_s:.2f}"
        )
    print(f"  bare PTB echo handler (median):          {rate(echo.seconds)}")
    print(
        "  Hedgehog full step (engine, render, SQLite commit, replies), median:"
        f"\n                                           {rate(hedgehog.seconds)}"
    )
    ratios = [e / h for e, h in zip(echo.seconds, hedgehog.seconds, strict=True)]
    print(
        f"    Hedgehog / bare echo throughput:       {statistics.median(ratios):>10.2f}  "
        f"(median of the rounds' ratios, {min(ratios):.2f} to {max(ratios):.2f}; target 0.5 or better)"
    )
    calls = ", ".join(f"{name} {count}" for name, count in sorted(recorder.calls.items()))
    print(f"    Bot API calls Hedgehog made: {calls}")
    print(
        "  Hedgehog's Telegram side alone (same updates and replies; no engine, no database), median:"
        f"\n                                           {rate(alone.seconds)}"
    )
    ceiling = [e / t for e, t in zip(echo.seconds, alone.seconds, strict=True)]
    print(
        f"    its / bare echo throughput:            {statistics.median(ceiling):>10.2f}  "
        "(the most the full step could reach with those Bot API calls)"
    )
    return 0
