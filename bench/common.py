"""What the process benchmarks share: a PostgreSQL database of their own (created and
dropped), many people planned in bulk, and a running count of what the fake Bot API sent."""

from __future__ import annotations

import os
import secrets
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import sqlalchemy as sa

from bot.storage import Store
from bot.storage.statements import CHAT, FOLLOWUP, JOURNAL
from tests.support.fakebotapi import FakeBotAPI

POSTGRES_ADMIN = os.environ.get("HEDGEHOG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def database() -> Iterator[str]:
    """A fresh PostgreSQL database (migrated), dropped afterwards."""
    name = f"hh_bench_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        try:
            Store.open(url).close()
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def people(url: str, chats: list[int], followups_due: datetime | None = None) -> None:
    """Onboarded people in bulk (one statement a table), each with a check-in follow-up
    due at `followups_due` if given."""
    store = Store.open(url)
    now = datetime.now(UTC)
    try:
        with store.engine.begin() as connection:
            connection.execute(
                sa.insert(CHAT),
                [
                    {"transport": "telegram", "address": str(c), "created_at": now, "last_seen_at": now, "active": True}
                    for c in chats
                ],
            )
            ids = dict(
                connection.execute(
                    sa.select(CHAT.c.address, CHAT.c.id).where(CHAT.c.address.in_([str(c) for c in chats]))
                ).all()
            )
            connection.execute(
                sa.insert(JOURNAL),
                [
                    {
                        "chat_id": ids[str(c)],
                        "flow_id": "onboarding",
                        "step_id": "done",
                        "kind": "entry",
                        "name": "onboarding",
                        "value": '{"lean": "away", "unsafe": false}',
                        "created_at": now - timedelta(days=1),
                    }
                    for c in chats
                ],
            )
            if followups_due is not None:
                connection.execute(
                    sa.insert(FOLLOWUP),
                    [
                        {
                            "chat_id": ids[str(c)],
                            "source_flow": "turn-toward",
                            "source_step": "done",
                            "target_flow": "checkin",
                            "due_at": followups_due,
                            "status": "pending",
                            "dedupe_key": f"bench-{c}",
                            "created_at": now - timedelta(days=1),
                            "kind": "flow",
                        }
                        for c in chats
                    ],
                )
    finally:
        store.close()


class Sent:
    """Messages the fake Bot API took, counted as they come (cheaply: only new calls are
    read): all of them, and those to `chats` (with the time of the last)."""

    def __init__(self, fake: FakeBotAPI, chats: range) -> None:
        self.fake = fake
        self.chats = chats
        self.seen = 0
        self.messages = 0
        self.theirs = 0
        self.last: float | None = None

    def count(self) -> int:
        calls = self.fake.calls
        for call in calls[self.seen :]:
            if call.method == "sendMessage":
                self.messages += 1
                if call.params.get("chat_id") in self.chats:
                    self.theirs += 1
                    self.last = call.at
        self.seen = len(calls)
        return self.theirs


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
