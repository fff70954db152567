"""The `hedgehog run` processes a test starts: registered here, killed after each test by
the autouse fixture in `tests/conftest.py`, so a failing test leaves none behind."""

from __future__ import annotations

import asyncio
import contextlib

STARTED: list[asyncio.subprocess.Process] = []


def started(process: asyncio.subprocess.Process) -> asyncio.subprocess.Process:
    """Register a process the test started; it is killed after the test if still running."""
    STARTED.append(process)
    return process


def kill_left() -> None:
    while STARTED:
        process = STARTED.pop()
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
