"""Three real `hedgehog run --webhook` replicas on one PostgreSQL database, with Telegram
in front of them: forty people walk a check-in at once, some updates reach two replicas
at the same moment, one replica is SIGKILLed in the middle of a request (between its
commit and its reply) and Telegram sends what got no 200 to another, and forty
follow-ups fall due meanwhile. Everyone sees what one person alone would see: every
message once, in order, every follow-up once, nothing lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.fakebotapi import FakeBotAPI
from tests.support.replicas import (
    WALK,
    WALKING_WORDS,
    Replica,
    Telegram,
    onboard,
    plan_followups,
    shown,
    start_replica,
    stop_replica,
    walk,
)

pytestmark = pytest.mark.postgres

WALKERS = [700_000 + n for n in range(40)]  # people walking a check-in
REMINDED = [800_000 + n for n in range(40)]  # people a follow-up falls due for
FOLLOW_UP = "I said I'd check in"


async def test_three_replicas_on_one_database_answer_everyone_once_in_order_through_a_kill(
    postgres_url: str, tmp_path: Path
) -> None:
    onboard(postgres_url, WALKERS)
    settings = {
        # The killed replica's committed replies are taken over ten seconds later (a lease
        # shorter than a reply's sends take on a busy machine would send some twice).
        "HEDGEHOG_OUTBOX_LEASE": "10",
        "HEDGEHOG_FOLLOWUP_INTERVAL": "0.5",
        "HEDGEHOG_FOLLOWUP_LEASE": "10",  # and a batch of follow-ups a replica had
        "HEDGEHOG_SEND_RATE": "200",
        "HEDGEHOG_LOG_LEVEL": "INFO",
    }
    async with FakeBotAPI() as fake:
        # The first replica kills itself (SIGKILL) the 25th time it has committed an
        # update and not yet replied: the request in flight never gets its 200. It is
        # given one update at a time and no follow-ups, so that request is all it has in
        # flight: a message already sent and not yet marked sent when a process dies is
        # sent again once its lease runs out (at least once across a crash, see
        # ARCHITECTURE.md), and this test counts every message exactly.
        doomed_settings = {**settings, "HEDGEHOG_FOLLOWUP_INTERVAL": "3600"}
        doomed, *others = await asyncio.gather(
            start_replica(fake, tmp_path, postgres_url, HEDGEHOG_TEST_CRASH_AT="after-commit:25", **doomed_settings),
            *(start_replica(fake, tmp_path, postgres_url, **settings) for _ in range(2)),
        )
        replicas: list[Replica] = [doomed, *others]
        # Forty follow-ups fall due two seconds into the walks.
        plan_followups(postgres_url, REMINDED, datetime.now(UTC) + timedelta(seconds=2))
        telegram = Telegram(fake, replicas)
        telegram.serial[doomed.port] = asyncio.Lock()
        # Every fifth person's second and fifth steps reach two replicas at the same moment.
        twice = {(chat, index) for chat in WALKERS[::5] for index in (1, 4)}
        try:
            await asyncio.gather(*(walk(fake, telegram, chat, twice) for chat in WALKERS))
            await fake.wait_for(
                lambda: all(any(FOLLOW_UP in (m.text or "") for m in fake.messages(c)) for c in REMINDED), timeout=60
            )
            await asyncio.sleep(1.5)  # anything sent twice would show by now
        finally:
            await telegram.close()
        assert doomed.process.returncode is not None and doomed.process.returncode < 0  # it was killed
        assert telegram.redelivered >= 1  # and Telegram sent what it had in hand to another replica
        logs = await asyncio.gather(*(stop_replica(r) for r in others))

    # Every person's chat reads exactly as one person's alone would: each question once, in order.
    alone = shown(fake.messages(WALKERS[0]))
    assert [w for w in (s.then for s in WALK) if any(w in line for line in alone)] == [s.then for s in WALK]
    for chat in WALKERS:
        assert shown(fake.messages(chat)) == alone, chat
    # Every follow-up came once: its greeting and the check-in's first messages, nothing twice.
    reminded = shown(fake.messages(REMINDED[0]))
    assert sum(FOLLOW_UP in t for t in reminded) == 1 and "which way are you pulled" in reminded[-1]
    for chat in REMINDED:
        assert shown(fake.messages(chat)) == reminded, chat
    # Nothing lost, nothing left: every reply was sent, every follow-up taken once.
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            statuses = dict(connection.execute(sa.text("SELECT status, count(*) FROM outbox GROUP BY status")).all())
            followups = dict(connection.execute(sa.text("SELECT status, count(*) FROM followup GROUP BY status")).all())
            ledger = connection.execute(sa.text("SELECT count(*) FROM processed_update")).scalar_one()
    finally:
        engine.dispose()
    assert set(statuses) == {"sent"}
    assert followups == {"sent": len(REMINDED)}
    assert ledger == len(WALKERS) * len(WALK)
    # Each live replica did part of the work, and none wrote what a person said or the token.
    for log in logs:
        assert "outcome=" in log
        assert WALKING_WORDS not in log and fake.token.split(":")[1] not in log
