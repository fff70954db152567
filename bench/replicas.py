"""Throughput of 1, 2 and 3 `hedgehog run --webhook` replicas on one PostgreSQL database.

`python -m bench.replicas [--people 60] [--replicas 1 2 3]`

People walk the first six steps of a check-in at once (each step once the question
before it arrived, as a person would), Telegram's webhook posts spread round robin over
the replicas. Printed: updates a second for all replicas together and per process. The
fake Bot API and the people run in this process, on the same cores as the replicas, so
on a small machine the figures are a floor. The send budget is set out of the way
(10,000 a second): this measures the work of a step, not Telegram's cap."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.common import database, people
from tests.support.fakebotapi import FakeBotAPI
from tests.support.replicas import WALK, Telegram, start_replicas, stop_replica, walk


async def measure(count: int, walkers: int) -> tuple[float, int]:
    """Seconds for `walkers` people to walk `WALK` through `count` replicas, and the updates."""
    chats = [900_000 + n for n in range(walkers)]
    with database() as url, tempfile.TemporaryDirectory() as folder:
        people(url, chats)
        async with FakeBotAPI() as fake:
            settings = {"HEDGEHOG_SEND_RATE": "10000", "HEDGEHOG_LOG_LEVEL": "WARNING"}
            replicas = await start_replicas(fake, Path(folder), url, count, **settings)
            telegram = Telegram(fake, replicas)
            try:
                began = time.perf_counter()
                await asyncio.gather(*(walk(fake, telegram, chat, set(), timeout=300) for chat in chats))
                took = time.perf_counter() - began
            finally:
                await telegram.close()
                for replica in replicas:
                    await stop_replica(replica)
    return took, walkers * len(WALK)


async def main(counts: list[int], walkers: int) -> None:
    print(f"{walkers} people, {len(WALK)} steps each, webhook replicas on one PostgreSQL")
    print(f"{'replicas':>8}  {'updates':>7}  {'seconds':>7}  {'updates/s':>9}  {'per process':>11}")
    for count in counts:
        took, updates = await measure(count, walkers)
        rate = updates / took
        print(f"{count:>8}  {updates:>7}  {took:>7.1f}  {rate:>9.1f}  {rate / count:>11.1f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    asyncio.run(main(args.replicas, args.people))
