"""`hedgehog bench --telegram`: Hedgehog's durable step through python-telegram-bot against
the plain PTB way of writing the same check-in (`bot.bench.peer`), measured in one run.

Every side gets the same kind of updates (people pressing buttons and typing sentences
through the shipped check-in's six questions, then starting it again), many chats
interleaved, through `Application.update_processor` and `Application.process_update`. The
Bot API is `RecordingRequest`: it answers every call at once with prepared bytes and keeps
count, so the figures are each side's own work (PTB still encodes every call and parses
every answer). The sides:

- a bare PTB echo handler (the floor under any bot: one sendMessage an update);
- the check-in as a `ConversationHandler`, nothing saved;
- the same with `PicklePersistence` flushed after every update (the durable way PTB offers);
- Hedgehog, every step committed to SQLite before the reply;
- Hedgehog's Telegram side alone: the same bot fed the same updates, `Coach.process` handing
  back the results the full side got (no engine, no database), the floor under Hedgehog.

The sides alternate over several rounds (and the order turns round every other round), so a
noisy neighbour slows all alike; each figure is the median. Then: the same three through
PTB's rate limiter (Telegram's cap, so updates per second are the cap's, and CPU per update
is what differs), and the latency of one button press with a Bot API that takes 50 ms a call.
Nothing here asserts on time.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.bench import peer
from bot.config import Settings

TOKEN = "123456:BENCH-token-not-real"
FIRST_CHAT = 7000

_ANSWERED = json.dumps({"ok": True, "result": True}).encode()
_ME = json.dumps(
    {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Hedgehog", "username": "bench_bot"}}
).encode()
_SENT = '{"ok":true,"result":{"message_id":%d,"date":0,"text":"x","chat":{"id":%d,"type":"private"}}}'

# What people type at the check-in's open questions (what happened, what it seemed to mean).
SAID = (
    "he left me on read again after I asked about the weekend",
    "she said we'd talk tonight and then went to bed early",
    "that I'm too much for him, like always",
    "idk, that she doesn't really care?",
    "we had a fight about the dishes and he just walked out",
    "that I'll end up alone if I don't fix this now",
)


class RecordingRequest(BaseRequest):
    """A Bot API that is never reached: every call is counted and answered with prepared bytes
    (after `delay` seconds, to measure latency), so the fake server's own work stays out of
    every side's figures. It keeps each chat's last keyboard: the walker reads it."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: dict[str, int] = {}
        self.last_markup: dict[int, dict[str, Any] | None] = {}
        self.in_flight = 0
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
        name = url.rsplit("/", 1)[-1].lower()  # the Bot API's method names are case-insensitive
        self.calls[name] = self.calls.get(name, 0) + 1
        self.in_flight += 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            params = request_data.json_parameters if request_data else {}
            if name in ("sendmessage", "editmessagetext"):
                self._message_id += 1
                chat = int(params.get("chat_id", 0))
                if name == "sendmessage":  # the keyboard a person will press next
                    markup = json.loads(params["reply_markup"]) if "reply_markup" in params else None
                    self.last_markup[chat] = markup or self.last_markup.get(chat)
                return 200, (_SENT % (self._message_id, chat)).encode()
            return 200, _ME if name == "getme" else _ANSWERED
        finally:
            self.in_flight -= 1

    async def settled(self) -> None:
        """Back when no call is under way (Hedgehog sends from tasks of their own)."""
        await asyncio.sleep(0)
        while self.in_flight:
            await asyncio.sleep(0.001)


def _message(update_id: int, chat: int, text: str) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    person = {"id": chat, "is_bot": False, "first_name": "B"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "entities": entities,
            "chat": {"id": chat, "type": "private", "first_name": "B"},
            "from": person,
        },
    }


def _press(update_id: int, chat: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "chat_instance": "1",
            "data": data,
            "from": {"id": chat, "is_bot": False, "first_name": "B"},
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "q",
                "chat": {"id": chat, "type": "private"},
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": data}]]},
            },
        },
    }


def next_update(update_id: int, chat: int, recorder: RecordingRequest) -> dict[str, Any]:
    """What a person in `chat` does next, from the keyboard the bot last sent there: the
    first button (a middle number on a scale), a sentence where only Skip is offered (Skip
    at the onboarding's clock question), and /checkin again once the exercise is offered."""
    markup = recorder.last_markup.get(chat)
    if not markup:
        return _message(update_id, chat, "/checkin")
    buttons = [b for row in markup["inline_keyboard"] for b in row if "callback_data" in b]
    step = buttons[0]["callback_data"].split("|")[0] if buttons else ""
    if not buttons or step.startswith("offer"):
        recorder.last_markup[chat] = None
        return _message(update_id, chat, "/checkin")
    numbers = [b for b in buttons if b["text"].isdigit()]
    if numbers:
        return _press(update_id, chat, numbers[len(numbers) // 3]["callback_data"])
    if len(buttons) == 1 and buttons[0]["callback_data"].endswith("|skip") and not step.startswith("clock"):
        return _message(update_id, chat, SAID[update_id % len(SAID)])
    return _press(update_id, chat, buttons[0]["callback_data"])


ROUNDS = 5


class _Side:
    """One application under test, the chats it talks to, and its time per round."""

    def __init__(
        self,
        name: str,
        app: Application[Any, Any, Any, Any, Any, Any],
        recorder: RecordingRequest,
        chats: int,
        flush: bool = False,
    ) -> None:
        self.name = name
        self.app = app
        self.recorder = recorder
        self.chats = [FIRST_CHAT + n for n in range(chats)]
        self.flush = flush  # PicklePersistence written after every update
        self.make: Callable[[int, int], dict[str, Any]] = lambda n, chat: next_update(n, chat, recorder)
        self.next_id = 1
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    async def run(self, count: int, settle: bool = False) -> float:
        processor, app, make, chats = self.app.update_processor, self.app, self.make, self.chats
        first = self.next_id
        self.next_id += count
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(first, first + count):
            update = Update.de_json(make(n, chats[n % len(chats)]), app.bot)
            await processor.process_update(update, app.process_update(update))
            if self.flush:
                await app.update_persistence()
        if settle:
            await self.recorder.settled()
        self.cpu.append(time.process_time() - cpu)
        return time.perf_counter() - started

    async def round(self, count: int) -> None:
        self.seconds.append(await self.run(count))


def _hedgehog(
    settings: Settings, folder: Path, recorder: RecordingRequest, rate_limit: bool = False
) -> tuple[Application[Any, Any, Any, Any, Any, Any], Any]:
    """Hedgehog's bot on a fresh SQLite file: the application and its coach."""
    from bot.app import build_coach, build_engine
    from bot.storage import Store
    from bot.transports.telegram import TelegramBot, build_application

    store = Store.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    coach = build_coach(settings, engine=build_engine(settings), store=store)
    app = build_application(TOKEN, None, request=recorder, rate_limit=rate_limit)
    TelegramBot(coach, app)
    return app, coach


async def _throughput(settings: Settings, count: int, rounds: int, chats: int, folder: Path) -> list[_Side]:
    """Seconds per round for every side, in alternating order."""
    from bot.coach import Coach
    from bot.contract import Handled, Incoming
    from bot.transports.telegram import TelegramBot, build_application

    echo_recorder = RecordingRequest()
    echo = _Side("echo", peer.echo_application(echo_recorder, TOKEN), echo_recorder, chats)
    echo.make = lambda n, chat: _message(n, chat, SAID[n % len(SAID)])
    plain_recorder = RecordingRequest()
    plain = _Side("plain", peer.checkin_application(plain_recorder, TOKEN), plain_recorder, chats)
    pickled_recorder = RecordingRequest()
    pickled_app = peer.checkin_application(pickled_recorder, TOKEN, persistence=folder / "peer.pickle")
    pickled = _Side("pickled", pickled_app, pickled_recorder, chats, flush=True)

    # Hedgehog, with each update and its result kept until the Telegram side alone (which
    # always runs next) has replayed them.
    recorder = RecordingRequest()
    app, coach = _hedgehog(settings, folder, recorder)
    played: deque[tuple[dict[str, Any], Handled]] = deque()
    pending: list[dict[str, Any]] = []

    def process_and_keep(incoming: Incoming) -> Handled:
        handled = Coach.process(coach, incoming)
        played.append((pending.pop(), handled))
        return handled

    coach.process = process_and_keep
    hedgehog = _Side("hedgehog", app, recorder, chats)

    def next_for_hedgehog(n: int, chat: int) -> dict[str, Any]:
        pending[:] = [next_update(n, chat, recorder)]
        return pending[0]

    hedgehog.make = next_for_hedgehog

    replay_recorder = RecordingRequest()
    replay_app = build_application(TOKEN, None, request=replay_recorder, rate_limit=False)
    replaying = copy.copy(coach)
    results: list[Handled] = []
    replaying.process = lambda incoming: results.pop()
    TelegramBot(replaying, replay_app)
    alone = _Side("alone", replay_app, replay_recorder, chats)

    def next_for_alone(n: int, chat: int) -> dict[str, Any]:
        update, handled = played.popleft()
        results[:] = [handled]
        return update

    alone.make = next_for_alone
    sides = [echo, plain, pickled, hedgehog, alone]
    for side in sides:
        await side.app.initialize()
    try:
        # Warm up: imports, caches, and every chat through Hedgehog's onboarding (about ten
        # updates each) and into its first check-ins, so the rounds measure check-ins.
        for side in sides:
            await side.run(max(chats * 12, min(count, 200)))
        for side in sides:
            side.recorder.calls.clear()
            side.cpu.clear()
        for round_ in range(rounds):
            order = sides if round_ % 2 == 0 else [hedgehog, alone, pickled, plain, echo]
            for side in order:
                await side.round(count)
    finally:
        for side in sides:
            await side.app.shutdown()
        coach.store.close()
    return sides


async def _rate_limited(settings: Settings, count: int, chats: int, folder: Path) -> list[_Side]:
    """The same with each side's own limiter: PTB's `AIORateLimiter` in front of the peers, and
    Hedgehog's set-up (that limiter only retrying a 429; replies never wait for the send budget,
    which follow-ups and notices do, in `loops`): wall time and CPU time for `count` updates,
    every reply sent."""
    echo_recorder, plain_recorder, recorder = RecordingRequest(), RecordingRequest(), RecordingRequest()
    echo = _Side("echo", peer.echo_application(echo_recorder, TOKEN, rate_limit=True), echo_recorder, chats)
    echo.make = lambda n, chat: _message(n, chat, SAID[n % len(SAID)])
    plain_app = peer.checkin_application(plain_recorder, TOKEN, rate_limit=True)
    plain = _Side("plain", plain_app, plain_recorder, chats)
    app, coach = _hedgehog(settings, folder, recorder, rate_limit=True)
    hedgehog = _Side("hedgehog", app, recorder, chats)
    sides = [echo, plain, hedgehog]
    try:
        for side in sides:
            await side.app.initialize()
        # Hedgehog's chats through onboarding first, without the limiter's waits.
        unlimited = RecordingRequest()
        warm_app, warm_coach = _hedgehog(settings, folder, unlimited)
        warm = _Side("warm", warm_app, unlimited, chats)
        await warm_app.initialize()
        await warm.run(chats * 12, settle=True)
        await warm_app.shutdown()
        warm_coach.store.close()
        recorder.last_markup.update(unlimited.last_markup)
        hedgehog.next_id = warm.next_id
        for side in sides:
            side.cpu.clear()
            side.seconds.append(await side.run(count, settle=True))
    finally:
        for side in sides:
            await side.app.shutdown()
        coach.store.close()
    return sides


async def _press_latency(settings: Settings, folder: Path, presses: int, delay: float = 0.05) -> tuple[float, float]:
    """Median seconds from a button press to its last Bot API call answered, with a Bot API
    that takes `delay` a call: Hedgehog, then the ConversationHandler."""
    figures = []
    for name in ("hedgehog", "plain"):
        recorder = RecordingRequest(delay=delay)
        if name == "hedgehog":
            app, coach = _hedgehog(settings, folder, recorder)
        else:
            app, coach = peer.checkin_application(recorder, TOKEN), None
        side = _Side(name, app, recorder, 1)
        await app.initialize()
        try:
            if coach is not None:  # through onboarding into the check-in
                await side.run(12, settle=True)
            times: list[float] = []
            while len(times) < presses:
                update = next_update(side.next_id, side.chats[0], recorder)
                side.next_id += 1
                started = time.perf_counter()
                parsed = Update.de_json(update, app.bot)
                await app.update_processor.process_update(parsed, app.process_update(parsed))
                await recorder.settled()
                if "callback_query" in update and not update["callback_query"]["data"].startswith("offer"):
                    times.append(time.perf_counter() - started)
        finally:
            await app.shutdown()
            if coach is not None:
                coach.store.close()
        figures.append(statistics.median(times))
    return figures[0], figures[1]


def run_telegram_benchmark(
    settings: Settings, updates: int = 2000, rounds: int = ROUNDS, chats: int = 500, limited: int = 90, presses: int = 8
) -> int:
    chats = max(1, min(chats, updates))
    with tempfile.TemporaryDirectory() as folder:
        sides = asyncio.run(_throughput(settings, updates, rounds, chats, Path(folder) / "fast"))
    echo, plain, pickled, hedgehog, alone = sides
    print(
        f"hedgehog bench --telegram: {rounds} alternating rounds of {updates} updates a side, {chats} chats "
        "interleaved, through Application.process_update and a Bot API answered at once"
    )

    def rate(side: _Side) -> str:
        median = statistics.median(side.seconds)
        return f"{updates / median:>9,.0f} updates/s {median / updates * 1e6:>8.1f} us each"

    def ratio(side: _Side, to: _Side) -> str:
        ratios = [t / s for s, t in zip(side.seconds, to.seconds, strict=True)]
        return f"{statistics.median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f})"

    rows = (
        (echo, "bare PTB echo handler"),
        (plain, "PTB ConversationHandler, nothing saved"),
        (pickled, "ConversationHandler + PicklePersistence"),
        (hedgehog, "Hedgehog, every step committed"),
        (alone, "Hedgehog's Telegram side alone"),
    )
    print(f"  {'median of the rounds':<42}{'throughput':>19}{'time':>17}   to echo             to ConversationHandler")
    for side, label in rows:
        print(f"  {label:<42}{rate(side)}   {ratio(side, echo):<20}{ratio(side, plain)}")
    for side, label in rows[1:4]:
        calls = sum(side.recorder.calls.values()) / (updates * rounds)
        print(f"    Bot API calls an update, {label}: {calls:.2f}")
    print(
        "  Goal: Hedgehog / ConversationHandler (nothing saved) at 1.00 or more; "
        f"measured {ratio(hedgehog, plain).split()[0]}. Hedgehog also reads every typed answer for crisis "
        "language (the patterns, then the sentence model), which the peers do not"
    )

    limited = max(3, limited)
    with tempfile.TemporaryDirectory() as folder:
        echo, plain, hedgehog = asyncio.run(_rate_limited(settings, limited, min(chats, limited), Path(folder)))
    print(
        f"  Rate-limited, {limited} updates a side: the peers behind PTB's AIORateLimiter; Hedgehog as it runs, "
        "where a reply never waits and the send budget (in the database loops, not here) holds back only what "
        "nobody asked for, so its figure is not throttled:"
    )
    for side, label in ((echo, "bare PTB echo handler"), (plain, "PTB ConversationHandler"), (hedgehog, "Hedgehog")):
        seconds, cpu = side.seconds[0], side.cpu[0]
        calls = sum(side.recorder.calls.values()) / limited
        print(
            f"    {label:<42}{limited / seconds:>9,.1f} updates/s {cpu / limited * 1e6:>8.0f} us CPU each  "
            f"{calls:.2f} calls each"
        )

    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = asyncio.run(_press_latency(settings, Path(folder), presses))
    print(f"  A button press, Bot API taking 50 ms a call (median of {presses} presses):")
    print(f"    Hedgehog (answer, edit and next question at once): {ours * 1000:>6.0f} ms")
    print(f"    PTB ConversationHandler (one call after another):  {theirs * 1000:>6.0f} ms")
    return 0
