"""Database URLs, engines and schema migrations.

An operator writes `sqlite:///path` or `postgresql://user@host/db`; we pick the driver
(pysqlite, psycopg 3). SQLite runs in WAL mode and takes its write lock when a
transaction begins (`BEGIN IMMEDIATE`), so two writers never deadlock upgrading a
read lock. Migrations are Alembic's, run in code at start-up; on PostgreSQL under an
advisory lock so replicas starting together do not race.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.errors import Busy, DatabaseUnavailable, SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK = 0x4E4447  # "HDG": one key for every Hedgehog schema migration
SETTING = "HEDGEHOG_DATABASE_URL"
BUSY_TIMEOUT_MS = 30_000  # SQLite: how long a transaction waits for another connection's write lock
# Set by `without_waiting`: SQLite transactions begun meanwhile do not wait for the lock.
_NO_WAIT: ContextVar[bool] = ContextVar("hedgehog_sqlite_no_wait", default=False)
_WAITS = "hedgehog_busy_timeout_ms"  # a connection's busy timeout as last set, in its pool record's info


@contextmanager
def without_waiting() -> Iterator[None]:
    """SQLite transactions begun inside raise `Busy` as they begin, instead of waiting up
    to 30 s, when another connection holds the write lock. No effect on PostgreSQL."""
    token = _NO_WAIT.set(True)
    try:
        yield
    finally:
        _NO_WAIT.reset(token)


def default_database_url() -> str:
    data = os.environ.get("HEDGEHOG_DATA_DIR", "").strip()
    if not data:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        data = str(Path(xdg) / "hedgehog") if xdg else str(Path.home() / ".local" / "share" / "hedgehog")
    return f"sqlite:///{Path(data).expanduser() / 'hedgehog.sqlite3'}"


def normalize_url(raw: str | None) -> URL:
    text = (raw or "").strip() or default_database_url()
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{SETTING} is not a database URL; write sqlite:///path/to/file.sqlite3 or postgresql://user@host/db."
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url.set(drivername="sqlite+pysqlite")
    raise DatabaseUnavailable(
        f"{SETTING} names a '{backend}' database; Hedgehog supports sqlite:/// and postgresql:// URLs."
    )


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def create_engine(url: URL) -> sa.Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    url, prepare = prepare_threshold(url)
    # Enough connections for replies (a thread each) beside a drain of follow-ups.
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"connect_timeout": 5, "prepare_threshold": prepare},
    )


def prepare_threshold(url: URL) -> tuple[URL, int | None]:
    """psycopg prepares a statement on the server after it ran 5 times on a connection.
    Behind PgBouncer in transaction mode (before 1.21's `max_prepared_statements`) the
    next transaction may get another server connection, which lacks it: the operator
    writes `?prepare_threshold=none` in the URL and nothing is prepared (or a number, for
    psycopg's own threshold). The parameter is ours to read, not the server's."""
    raw = url.query.get("prepare_threshold")
    if raw is None:
        return url, 5
    value = raw[-1] if isinstance(raw, tuple) else raw
    url = url.difference_update_query(["prepare_threshold"])
    if value.strip().lower() in ("none", "off", "false", "no", ""):
        return url, None
    if value.strip().isdigit():
        return url, int(value)
    raise DatabaseUnavailable(
        f"{SETTING} has prepare_threshold={value}; write prepare_threshold=none (behind PgBouncer in "
        "transaction mode) or a whole number."
    )


def _sqlite_engine(url: URL) -> sa.Engine:
    database = url.database or ""
    if database and database != ":memory:":
        path = Path(database).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"Cannot open the database at {shown(url)} ({_reason(exc)}). Set {SETTING} to a writable location."
            ) from None
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(connection: Any, record: Any) -> None:
        connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", f"busy_timeout={BUSY_TIMEOUT_MS}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
        record.info[_WAITS] = BUSY_TIMEOUT_MS

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Straight to the driver: a whole SQLAlchemy execution here cost as much as the
        # per-message statements themselves. The connection keeps the busy timeout it was
        # last given, so one that keeps beginning the same way (the event loop's, always
        # at once) sets it once, not twice a transaction. With the write lock taken by
        # BEGIN IMMEDIATE, nothing later in the transaction waits on the timeout (WAL).
        fairy = connection.connection
        driver = fairy.dbapi_connection
        assert driver is not None
        wanted = 0 if _NO_WAIT.get() else BUSY_TIMEOUT_MS
        if fairy.info.get(_WAITS) != wanted:
            driver.execute(f"PRAGMA busy_timeout={wanted}")
            fairy.info[_WAITS] = wanted
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if wanted == 0 and exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                raise Busy() from None  # another connection holds the write lock
            raise

    return engine


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(getattr(exc, "orig", exc)).splitlines()[0]
    return text.strip().rstrip(".") or type(exc).__name__


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(?:[\"']([^\"']+)[\"']|None)", re.MULTILINE)


@functools.cache
def _revisions() -> dict[str, str | None]:
    """Each migration's revision and the one it follows, read from the files' own lines
    (`revision = "..."`, `down_revision = "..."`): a start that has nothing to migrate
    never imports Alembic (10 MiB and a tenth of a second)."""
    found: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        fields = {match[1]: match[2] for match in _REVISION.finditer(path.read_text(encoding="utf-8"))}
        found[fields["revision"]] = fields.get("down_revision")
    return found


@functools.cache
def head_revision() -> str:
    revisions = _revisions()
    (head,) = set(revisions) - set(revisions.values())  # the one no migration follows
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(_revisions())


def current_revision(engine: sa.Engine, url: URL) -> str | None:
    """The schema revision the database is at (None: empty). DatabaseUnavailable if it cannot be read."""
    try:
        with engine.connect() as connection:
            current = _stamped(connection)
            connection.rollback()
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"Cannot open the database at {shown(url)} ({_reason(exc)}). "
            f"Check {SETTING} and that the database is running and writable."
        ) from None
    return current


def _stamped(connection: sa.Connection) -> str | None:
    """The revision in Alembic's own table, None before the first migration."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def read_revision(engine: sa.Engine) -> str | None:
    """The schema revision, read without beginning a transaction (so on SQLite without
    waiting for the write lock): for a readiness check. Raises whatever the driver raises."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT version_num FROM alembic_version")
            row = cursor.fetchone()
        finally:
            cursor.close()
        connection.rollback()
    finally:
        connection.close()
    return str(row[0]) if row else None


def upgrade(engine: sa.Engine, url: URL) -> bool:
    """Bring the schema to the newest revision; refuse, untouched, one that is newer.
    On PostgreSQL under a transaction-scoped advisory lock: replicas starting together
    take turns, and Alembic, reading the revision again under the lock, finds nothing
    left to do for the later ones. True if this call ran migrations."""
    known = known_revisions()
    current = current_revision(engine, url)
    if current is not None and current not in known:
        raise SchemaTooNew(
            f"The database at {shown(url)} was written by a newer Hedgehog (schema {current}). "
            f"Upgrade Hedgehog, or point {SETTING} at another database."
        )
    if current == head_revision():
        return False
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        # (SQLite: BEGIN IMMEDIATE took the write lock.) Another process may have done it meanwhile.
        if _stamped(connection) == head_revision():
            return False
        from alembic import command

        command.upgrade(alembic_config(connection), "head")
    return True
