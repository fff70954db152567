"""Structured logs: one line per event, `key=value` or (`HEDGEHOG_LOG_FORMAT=json`) one JSON
object, no message text and no secrets.

Records carry their data in `extra={"fields": {...}}`: ids, step ids, outcomes, timings,
never what a person wrote. Only that mapping is printed (as `key=value`, or as the JSON
object's keys beside `time`, `level`, `logger` and `message`), so a library that logs with
other `extra` keys cannot put text in the line. A filter on the root handler
replaces any configured secret (the bot token appears in Bot API URLs that HTTP
libraries log) with `[redacted]`, whatever logger wrote it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import TextIO


class KeyValueFormatter(logging.Formatter):
    converter = staticmethod(time.gmtime)  # a function of the time, as the base class types it

    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        parts = [f"{stamp}Z", record.levelname.lower(), record.name, record.getMessage()]
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            parts += [f"{key}={value}" for key, value in fields.items()]
        if record.exc_info:
            # The type only: exception messages can quote SQL parameters, i.e. answers.
            parts.append("error=" + (record.exc_info[0].__name__ if record.exc_info[0] else "unknown"))
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector: the same fields as the `key=value`
    line (a field never overwrites `time`, `level`, `logger`, `message` or `error`)."""

    converter = staticmethod(time.gmtime)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                line.setdefault(str(key), value if isinstance(value, int | float | bool | None) else str(value))
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return json.dumps(line, ensure_ascii=False)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, "[redacted]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class ScrubLibraryArguments(logging.Filter):
    """Libraries sometimes log whole objects (PTB logs an `Update`, text and all, on some
    errors). For records from those loggers, any argument that is not a plain number or
    short identifier is replaced by its type name."""

    LIBRARIES = ("telegram", "httpx", "httpcore", "tornado", "apscheduler")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] in self.LIBRARIES and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(a if isinstance(a, int | float) else f"<{type(a).__name__}>" for a in args)
        return True


def configure(level: str, secrets: Iterable[str] = (), stream: TextIO | None = None, style: str = "text") -> None:
    """Every record to `stream` (stderr), as `key=value` lines or (`style="json"`) JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if style == "json" else KeyValueFormatter())
    handler.addFilter(ScrubLibraryArguments())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
