"""Database work from the event loop: at once where that is cheap, else in a worker thread.

On SQLite (`Coach.local`) a transaction is a few hundred microseconds of local work, and
the hand-off to a thread and back costs about as much again, so it runs right on the loop
(`Coach.try_now`). Only if another connection holds the write lock would it have to wait;
then it begins nothing (`Busy`) and runs in a worker thread instead, so the loop never
stalls. On PostgreSQL (every statement a network round trip) it always goes to a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any, TypeVar

from bot.coach import Coach
from bot.contract import Busy

T = TypeVar("T")


async def soon(
    coach: Coach, work: Callable[..., T], *args: Any, at_once: bool = True, pool: Executor | None = None
) -> T:
    """`work(*args)`, on the loop if it can begin without waiting, else in a thread (of
    `pool`, if given: background work keeps its own threads, so replies never queue
    behind it for one)."""
    if at_once and coach.local:
        try:
            return coach.try_now(work, *args)
        except Busy:
            pass
    return await asyncio.get_running_loop().run_in_executor(pool, partial(work, *args))
