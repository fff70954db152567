"""What the Telegram tests share: the chats they talk in, a coach on a real database with
those people already past onboarding, a running bot seen from the fake Bot API, and a
message's buttons. Pytest's fixtures for them are in tests/telegram/conftest.py."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.config import PROJECT_ROOT, Settings
from bot.engine.state import SessionState
from bot.storage import ChatKey
from tests.support.fakebotapi import BotMessage, FakeBotAPI

CHAT = 4242
OTHER = 5151


@dataclass
class Running:
    fake: FakeBotAPI
    coach: Coach

    def state(self, chat: int = CHAT) -> SessionState | None:
        return self.coach.peek(ChatKey("telegram", str(chat)))

    async def question(self, chat: int = CHAT, containing: str = "", after: int = 0) -> BotMessage:
        """Wait for the newest message that asks something (has buttons), past `after` messages."""

        def ready() -> bool:
            messages = self.fake.messages(chat)
            return (
                len(messages) > after
                and messages[-1].reply_markup is not None
                and containing in (messages[-1].text or "")
            )

        await self.fake.wait_for(ready)
        return self.fake.messages(chat)[-1]

    def count(self, chat: int = CHAT) -> int:
        return len(self.fake.messages(chat))


def buttons(message: BotMessage) -> dict[str, str]:
    assert message.reply_markup is not None
    return {b["text"]: b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row}


def already_onboarded(coach: Coach, chat: int | ChatKey = CHAT) -> None:
    """These tests are about Telegram, not onboarding (which has transcripts of its own)."""
    key = chat if isinstance(chat, ChatKey) else ChatKey("telegram", str(chat))
    with coach.transaction(key) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})


def coach_for(url: str, lease: float = 15) -> Coach:
    settings = Settings.load(
        environ={"HEDGEHOG_DATABASE_URL": url, "HEDGEHOG_OUTBOX_LEASE": str(lease)}, dotenv=Path("/nonexistent")
    )
    coach = build_coach(settings)
    already_onboarded(coach)
    already_onboarded(coach, OTHER)
    return coach


def rows(coach: Coach, query: str) -> list[tuple[object, ...]]:
    with coach.store.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(query)).all()]


def bot_environment(fake: FakeBotAPI, folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a real `hedgehog run` against `fake`, its database in `folder`:
    this process's environment less every HEDGEHOG_ and TELEGRAM_ setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.url,
        HEDGEHOG_DATABASE_URL=f"sqlite:///{folder}/bot.sqlite3",
    )
    env.update(settings)
    return env


async def spawn_bot(env: dict[str, str], output: int) -> asyncio.subprocess.Process:
    """`python -m bot run` as a real process (`output`: PIPE or DEVNULL for both streams)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output
    )
