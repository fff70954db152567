"""Draining due follow-ups at the bot's cap, on one process and on three.

`python -m bench.drain [--followups 10000] [--rate 300] [--processes 1 3] [--rounds 1]`

Telegram takes about 30 messages a second from one bot; the fake Bot API takes any rate,
so the cap is the setting under test (`HEDGEHOG_SEND_RATE`, scaled up here so a run takes
minutes, not the 17 the real cap would need for 10,000 follow-ups of three messages). For
each process count: a fresh PostgreSQL database with `--followups` people, each with a
check-in follow-up due now, `hedgehog run --webhook` replicas sharing one send budget,
and meanwhile people asking /help ten times a second. Printed: the drain's time against
the time the cap allows for every message sent meanwhile (the follow-ups' and the
replies'), and the replies' p50/p99 (webhook post to 200, which comes after the reply
was sent) without a drain and during it. With `--rounds N` the baseline and the drain take
turns N times (the follow-ups split among the drains), and each round's p99 ratio is printed
with their median: one slow moment on a shared machine moves one round, not the figure.
Nothing is asserted."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Sent, database, people, percentile
from tests.support.fakebotapi import FakeBotAPI
from tests.support.replicas import Telegram, start_replicas, stop_replica

PROBE_EVERY = 0.1  # seconds between two people's /help (`--probe-every`)
WARM_UP = 5.0  # seconds of replies not measured: each process's first ones load what they need
BASELINE = 120.0  # seconds of replies measured before the drain (about 1,200 at the default pace)


async def probe(
    fake: FakeBotAPI, telegram: Telegram, chats: list[int], until: asyncio.Event, every: float
) -> list[float]:
    """/help from people in turn every `every` seconds until `until`: seconds to each 200."""
    took: list[float] = []
    tasks: list[asyncio.Task[None]] = []

    async def one(chat: int) -> None:
        update = fake.send_command(chat, "/help")
        began = time.perf_counter()
        await telegram.deliver(update)
        took.append(time.perf_counter() - began)

    turn = 0
    while not until.is_set():
        tasks.append(asyncio.create_task(one(chats[turn % len(chats)])))
        turn += 1
        await asyncio.sleep(every)
    await asyncio.gather(*tasks)
    return took


MESSAGES_EACH = 3  # a follow-up's greeting, then the check-in's opening and first question


@dataclass
class Round:
    """One baseline window and the drain after it: the replies' seconds in each, the drain's
    seconds and the messages sent meanwhile."""

    alone: list[float]
    during: list[float]
    took: float
    messages: int

    @property
    def ratio(self) -> float:
        return percentile(self.during, 0.99) / percentile(self.alone, 0.99)


async def one_round(
    url: str, fake: FakeBotAPI, telegram: Telegram, askers: list[int], reminded: range, baseline: float, every: float
) -> Round:
    """Replies alone for `baseline` seconds, then `reminded` all due at once and replies
    until every one of their messages is sent."""
    loop = asyncio.get_running_loop()
    quiet = asyncio.Event()
    loop.call_later(baseline, quiet.set)
    alone = await probe(fake, telegram, askers, quiet, every)
    sent = Sent(fake, reminded)
    sent.count()
    before = sent.messages
    began = time.monotonic()
    people(url, list(reminded), followups_due=datetime.now(UTC) - timedelta(minutes=1))
    drained = asyncio.Event()
    probing = asyncio.create_task(probe(fake, telegram, askers, drained, every))
    while sent.count() < MESSAGES_EACH * len(reminded):
        await asyncio.sleep(0.2)
    drained.set()
    during = await probing
    return Round(alone, during, (sent.last or began) - began, sent.messages - before)


async def run(processes: int, followups: int, rate: float, every: float, rounds: int) -> None:
    askers = [2_000_000 + n for n in range(50)]
    each = followups // rounds
    with database() as url, tempfile.TemporaryDirectory() as folder:
        people(url, askers)
        async with FakeBotAPI() as fake:
            settings = {
                "HEDGEHOG_SEND_RATE": f"{rate:g}",
                "HEDGEHOG_FOLLOWUP_INTERVAL": "0.5",
                "HEDGEHOG_LOG_LEVEL": "WARNING",
            }
            replicas = await start_replicas(fake, Path(folder), url, processes, **settings)
            telegram = Telegram(fake, replicas)
            try:
                warm = asyncio.Event()
                asyncio.get_running_loop().call_later(WARM_UP, warm.set)
                await probe(fake, telegram, askers, warm, every)
                done = []
                for n in range(rounds):
                    reminded = range(1_000_000 + n * each, 1_000_000 + (n + 1) * each)
                    done.append(await one_round(url, fake, telegram, askers, reminded, BASELINE / rounds, every))
            finally:
                await telegram.close()
                for replica in replicas:
                    await stop_replica(replica)
    took = sum(one.took for one in done)
    messages = sum(one.messages for one in done)
    allowed = messages / rate
    print(
        f"{processes} process{'es' if processes > 1 else '  '}: {each * rounds} follow-ups in {rounds} round(s), "
        f"{messages} messages (with the replies meanwhile) in {took:.1f} s; the cap ({rate:g}/s) allows "
        f"{allowed:.1f} s: {took / allowed:.3f}x",
        flush=True,
    )
    for n, one in enumerate(done, 1):
        p50, p99 = percentile(one.alone, 0.5) * 1000, percentile(one.alone, 0.99) * 1000
        d50, d99 = percentile(one.during, 0.5) * 1000, percentile(one.during, 0.99) * 1000
        print(
            f"   round {n}: replies without a drain p50 {p50:.0f} ms, p99 {p99:.0f} ms ({len(one.alone)}); "
            f"during it p50 {d50:.0f} ms, p99 {d99:.0f} ms ({len(one.during)}); p99 ratio {one.ratio:.2f}",
            flush=True,
        )
    alone = [t for one in done for t in one.alone]
    during = [t for one in done for t in one.during]
    without, with_drain = percentile(alone, 0.99), percentile(during, 0.99)
    print(
        f"   all rounds: p99 without {without * 1000:.0f} ms, during {with_drain * 1000:.0f} ms, "
        f"pooled p99 ratio {with_drain / without:.2f}; "
        f"median of the rounds' ratios {statistics.median(one.ratio for one in done):.2f}",
        flush=True,
    )


async def main(counts: list[int], followups: int, rate: float, every: float, rounds: int) -> None:
    print(f"send budget {rate:g} messages/s; a person's /help every {every:g} s", flush=True)
    for processes in counts:
        await run(processes, followups, rate, every, rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=300.0, help="the send budget, messages a second")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--probe-every", type=float, default=PROBE_EVERY, help="seconds between two /help")
    parser.add_argument(
        "--rounds", type=int, default=1, help="baseline and drain windows in turn, the follow-ups split among them"
    )
    args = parser.parse_args()
    asyncio.run(main(args.processes, args.followups, args.rate, args.probe_every, args.rounds))
