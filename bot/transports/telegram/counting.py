"""Every Bot API request counted: calls and errors by method, their time, Telegram's 429s and
the waits they ask for (`bot.metrics`). A subclass of python-telegram-bot's own HTTP layer,
so every call is seen once, whoever makes it (replies, edits, getUpdates, the rate
limiter's retries). The method is the last part of the URL path, lower-cased (the Bot API
does not care about case); the token in the path never leaves this function."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

from bot import metrics

_METHOD = re.compile(r"^[A-Za-z]{1,40}$")
_STATUSES = {400: "400", 401: "401", 403: "403", 404: "404", 409: "409", 413: "413", 429: "429"}


def api_method(url: str) -> str:
    name = url.rstrip("/").rpartition("/")[2]
    return name.lower() if _METHOD.match(name) else "other"


def error_of(status: int) -> str:
    return _STATUSES.get(status) or ("5xx" if status >= 500 else "other")


def retry_after(payload: bytes) -> float | None:
    """Seconds a 429 answer asks to wait (`parameters.retry_after`), if it says."""
    try:
        data = json.loads(payload)
        value = data["parameters"]["retry_after"]
    except (ValueError, TypeError, KeyError):
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else None


class CountingRequest(HTTPXRequest):
    # Told of every 429's retry_after (seconds): the shared send budget pauses every replica.
    on_retry_after: Callable[[float], None] | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = api_method(url)
        metrics.BOT_API_CALLS.labels(name).inc()
        started = time.perf_counter()
        try:
            status, payload = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        except TimedOut:
            metrics.BOT_API_ERRORS.labels(name, "timeout").inc()
            raise
        except NetworkError:
            metrics.BOT_API_ERRORS.labels(name, "network").inc()
            raise
        finally:
            metrics.BOT_API_SECONDS.labels(name).observe(time.perf_counter() - started)
        if not 200 <= status < 300:
            metrics.BOT_API_ERRORS.labels(name, error_of(status)).inc()
            if status == 429:
                metrics.RETRY_AFTER.labels(name).inc()
                wait = retry_after(payload)
                if wait is not None:
                    metrics.RETRY_WAIT.labels("retry_after").inc(wait)
                    if self.on_retry_after is not None:
                        self.on_retry_after(wait)
        return status, payload
