"""Webhook mode: a tornado server that checks Telegram's secret header before it reads a
body, reads at most 1 MB, and answers 200 only after the update is committed."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.errors import ConfigError, HedgehogError
from bot.transports.telegram.bot import TelegramBot
from bot.transports.telegram.health import PATHS, Health, routes

log = logging.getLogger("hedgehog.telegram")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_BODY = 1024 * 1024  # Telegram's updates are a few kilobytes: 1 MB is plenty


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str  # the public HTTPS address Telegram posts to
    host: str
    port: int
    secret: str


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """Telegram POSTs one update per request. The secret header is checked as soon as the
    headers arrive (`prepare`), before any of the body is read: without it 403, and the
    connection is closed unread. With it, at most `MAX_BODY` bytes are read (413 past
    that); a body that is not one update (a list, a string, null, `"message": 7`, deep
    nesting) is 400, since Telegram would retry a 500 forever. Then 200 only once the
    update's state change is committed (and its replies sent); 500 if it failed and
    should come again."""

    def initialize(self, bot: TelegramBot, secret: str) -> None:
        self.bot = bot
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0

    def check_xsrf_cookie(self) -> None:
        return None

    def prepare(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused", extra={"fields": {"reason": "secret"}})
            self._refuse(403)
            return
        if not self.bot.taking:
            # Shutting down: Telegram (or the proxy, on another replica) sends it again.
            log.info("webhook request refused", extra={"fields": {"reason": "draining"}})
            self.set_header("Retry-After", "5")
            self._refuse(503)
            return
        length = self.request.headers.get("Content-Length", "")
        if length and (not length.isascii() or not length.isdigit() or int(length) > MAX_BODY):
            log.warning("webhook request refused", extra={"fields": {"reason": "size"}})
            self._refuse(413)
            return
        # Without a Content-Length (chunked), tornado stops reading past this.
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]

    def _refuse(self, status: int) -> None:
        self.set_status(status)
        self.set_header("Connection", "close")
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_BODY:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.size > MAX_BODY:
            self.set_status(413)
            return
        update = self._update(b"".join(self.chunks))
        self.chunks = []
        if update is None:
            log.warning("webhook request refused", extra={"fields": {"reason": "not an update"}})
            self.set_status(400)
            return
        failed = await self.bot.process([update])
        self.set_status(500 if failed else 200)

    def _update(self, body: bytes) -> Update | None:
        try:
            data: Any = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self.bot.app.bot)
        except Exception:  # python-telegram-bot could not read it: never a traceback, never text
            self.bot.unreadable()
            return None


def webhook_secret(token: str, configured: str | None) -> str:
    """The secret Telegram sends with each webhook request. Derived from the token unless
    set, so every replica of one bot agrees without extra configuration."""
    if configured:
        if not SECRET_RE.match(configured):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may use only A-Z, a-z, 0-9, _ and -, 1 to 256 characters.")
        return configured
    return hmac.new(token.encode(), b"hedgehog-webhook-secret", hashlib.sha256).hexdigest()


def webhook_path(url: str) -> str:
    """The path Telegram posts to; never one of the health endpoints served beside it."""
    path = urlsplit(url).path or "/"
    if path.rstrip("/") in PATHS:
        raise ConfigError(
            f"The --webhook URL's path {path} is taken by health and metrics; use another, e.g. /telegram."
        )
    return path


def listen(bot: TelegramBot, webhook: Webhook, health: Health | None = None) -> tornado.httpserver.HTTPServer:
    """The webhook, and beside it (when given) /healthz, /readyz and /metrics."""
    path = webhook_path(webhook.url)
    handlers: list[Any] = [(re.escape(path), WebhookHandler, {"bot": bot, "secret": webhook.secret})]
    if health is not None:
        handlers = [*routes(health), *handlers]
    app = tornado.web.Application(handlers)
    # No request of any handler may carry more than this; the webhook's own cap is 1 MB.
    server = tornado.httpserver.HTTPServer(app, xheaders=True, max_body_size=MAX_BODY, max_buffer_size=4 * MAX_BODY)
    try:
        server.listen(webhook.port, webhook.host)
    except OSError as exc:
        raise HedgehogError(
            f"Cannot listen on {webhook.host}:{webhook.port} ({exc.strerror or exc}); "
            "pick another --listen address or stop what is using it."
        ) from None
    return server
