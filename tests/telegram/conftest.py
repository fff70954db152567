"""Fixtures of the Telegram tests: the fake Bot API on loopback, and the real PTB
Application polling it with a coach on real SQLite (the helpers are in
tests/support/telegram.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_coach
from bot.config import Settings
from bot.transports.telegram import serve
from tests.support.fakebotapi import FakeBotAPI
from tests.support.telegram import Running, already_onboarded


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def running(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[Running]:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    coach = build_coach(settings)
    already_onboarded(coach)
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping))
    await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")) or task.done())
    if task.done():
        task.result()
    try:
        yield Running(fake, coach)
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()
