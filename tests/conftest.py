"""Shared fixtures: real databases. PostgreSQL tests create their own database and drop it;
without a reachable server they skip with the reason, except under CI=true, where they fail."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from bot.app import build_engine
from bot.coach import Coach
from bot.config import Settings
from bot.engine.engine import Engine
from bot.engine.state import Reply
from bot.storage import Store
from tests.support.processes import kill_left

POSTGRES_ADMIN = os.environ.get("HEDGEHOG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reads the developer's settings or writes to their data or cache folder (the
    checked flows are kept for the whole run in one folder of its own)."""
    for name in list(os.environ):
        if name.startswith("HEDGEHOG_") and name not in ("HEDGEHOG_TEST_POSTGRES", "HEDGEHOG_CHAOS_SEED"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HEDGEHOG_DATA_DIR", str(tmp_path / "hedgehog-data"))
    monkeypatch.setenv("HEDGEHOG_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hedgehog-cache"))


@pytest.fixture(autouse=True)
def _no_process_left() -> Iterator[None]:
    """A failing test leaves no `hedgehog run` behind (`tests/support/processes.py`)."""
    yield
    kill_left()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/hedgehog.sqlite3"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_ADMIN}: {str(exc).strip().splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    name = f"hh_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()


# ------------------------------------------------------------------ a coach on a real store

COACH_NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # the clock of the `coach` fixture


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(Settings.load(environ={}, dotenv=Path("/nonexistent")))


@pytest.fixture
def coach(engine: Engine, store: Store) -> Iterator[Coach]:
    yield Coach(engine, store, "checkin", clock=lambda: COACH_NOW, log_salt="test-salt")


def ask(replies: list[Reply]) -> Reply:
    """The reply that asks the person something (the step they are on)."""
    return next(r for r in reversed(replies) if r.step_id is not None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--walked",
        metavar="FILE",
        help="save what the golden transcripts walked to FILE (JSON; `hedgehog coverage --walked FILE` reads it)",
    )
    parser.addoption(
        "--update-transcripts",
        action="store_true",
        help="rewrite the bot's lines of failing golden transcripts to what it says now, and show the diff",
    )
    parser.addoption(
        "--transcripts",
        metavar="DIR",
        help="play the golden transcripts in DIR instead of tests/transcripts/",
    )
    parser.addoption(
        "--transcript-report",
        metavar="FILE",
        help="save each golden transcript's outcome, diff and prompts rendered to FILE (JSON; `hedgehog transcripts`)",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = session.config.getoption("walked")
    if target:
        from tests.support.walked import WALKED

        WALKED.save(Path(target))
    report = session.config.getoption("transcript_report")
    if report:
        from tests.support.transcript import REPORT

        Path(report).write_text(json.dumps(REPORT, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Under --update-transcripts, what changed in each transcript, as a diff."""
    from tests.support.transcript import REPORT

    updated = {name: entry for name, entry in sorted(REPORT.items()) if entry["outcome"] == "updated"}
    if updated:
        terminalreporter.section(f"updated transcripts ({len(updated)})")
        for entry in updated.values():
            terminalreporter.write(entry["diff"])
