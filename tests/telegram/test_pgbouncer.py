"""A real `hedgehog run` through a real PgBouncer in transaction mode: each transaction
may get another server connection, so nothing may live on one between transactions
(psycopg's prepared statements are switched off with `?prepare_threshold=none`, the
migration lock is transaction-scoped). Skipped where PgBouncer is not installed, except
under CI=true, where the README's test command installs it and the test must run."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.support.fakebotapi import BotMessage, FakeBotAPI
from tests.support.processes import started
from tests.support.replicas import WALK, free_port, onboard, shown
from tests.support.telegram import bot_environment

PGBOUNCER = shutil.which("pgbouncer") or next(
    (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if Path(p).exists()), None
)
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        PGBOUNCER is None and os.environ.get("CI") != "true",
        reason="PgBouncer is not installed (apt-get install pgbouncer)",
    ),
]
CHATS = [760_000 + n for n in range(4)]


@pytest.fixture
async def pgbouncer() -> AsyncIterator[int]:
    """PgBouncer in transaction mode in front of the test server, with two server
    connections for many clients; its port."""
    assert PGBOUNCER is not None, "CI=true: PgBouncer must be installed (the README's test command installs it)"
    # Started as root it runs as the postgres user, who cannot see into pytest's folders.
    folder = Path(tempfile.mkdtemp(prefix="hh-pgbouncer-"))
    folder.chmod(0o755)
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    for file in folder.iterdir():
        file.chmod(0o644)
    command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer will not run as root
        command[1:1] = ["-u", "postgres"]
    process = started(await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.PIPE))
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if process.returncode is not None:
                _, stderr = await process.communicate()
                pytest.fail(f"pgbouncer did not start: {stderr.decode()[-500:]}")
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        break
    try:
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


async def test_the_bot_runs_through_pgbouncer_in_transaction_mode(
    postgres_url: str, pgbouncer: int, tmp_path: Path
) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    through = f"postgresql://postgres@127.0.0.1:{pgbouncer}/{name}?prepare_threshold=none"
    onboard(through, CHATS)  # the schema migrated through PgBouncer too
    async with FakeBotAPI() as fake:
        env = bot_environment(fake, tmp_path, HEDGEHOG_DATABASE_URL=through, HEDGEHOG_LOG_LEVEL="INFO")
        process = started(
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, cwd=PROJECT_ROOT, stderr=asyncio.subprocess.PIPE
            )
        )
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), timeout=60)
        # Four people at once, each walking a check-in: every statement runs many times,
        # on whichever server connection PgBouncer hands out.
        questions: dict[int, BotMessage | None] = {chat: None for chat in CHATS}
        for step in WALK:
            counts = {chat: len(fake.messages(chat)) for chat in CHATS}
            for chat in CHATS:
                step.act(fake, chat, questions[chat])

            def arrived(counts: dict[int, int] = counts, words: str = step.then) -> bool:
                return all(
                    len(fake.messages(c)) > counts[c] and words in (fake.messages(c)[-1].text or "") for c in CHATS
                )

            await fake.wait_for(arrived, timeout=60)
            questions = {chat: fake.messages(chat)[-1] for chat in CHATS}
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    logs = stderr.decode()
    assert process.returncode == 0, logs[-3000:]
    assert "prepared statement" not in logs and "update failed" not in logs
    alone = shown(fake.messages(CHATS[0]))
    assert all(shown(fake.messages(chat)) == alone for chat in CHATS)
    assert all(any(step.then in line for line in alone) for step in WALK)
