"""Webhook mode: a tornado server that checks Telegram's secret header and answers 200
only after the update is committed."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.errors import ConfigError, HedgehogError
from bot.transports.telegram.bot import TelegramBot

log = logging.getLogger("hedgehog.telegram")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str  # the public HTTPS address Telegram posts to
    host: str
    port: int
    secret: str


class WebhookHandler(tornado.web.RequestHandler):
    """Telegram POSTs one update per request. Without the right secret header: 403, and
    nothing is processed. With it: 200 only once the update's state change is committed
    (and its replies sent); 500 if it failed, so Telegram delivers it again."""

    def initialize(self, bot: TelegramBot, secret: str) -> None:
        self.bot = bot
        self.secret = secret

    def check_xsrf_cookie(self) -> None:
        return None

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused", extra={"fields": {"reason": "secret"}})
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.bot.app.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        failed = await self.bot.process([update])
        self.set_status(500 if failed else 200)


def webhook_secret(token: str, configured: str | None) -> str:
    """The secret Telegram sends with each webhook request. Derived from the token unless
    set, so every replica of one bot agrees without extra configuration."""
    if configured:
        if not SECRET_RE.match(configured):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may use only A-Z, a-z, 0-9, _ and -, 1 to 256 characters.")
        return configured
    return hmac.new(token.encode(), b"hedgehog-webhook-secret", hashlib.sha256).hexdigest()


def listen(bot: TelegramBot, webhook: Webhook) -> tornado.httpserver.HTTPServer:
    path = urlsplit(webhook.url).path or "/"
    app = tornado.web.Application([(re.escape(path), WebhookHandler, {"bot": bot, "secret": webhook.secret})])
    server = tornado.httpserver.HTTPServer(app, xheaders=True)
    try:
        server.listen(webhook.port, webhook.host)
    except OSError as exc:
        raise HedgehogError(
            f"Cannot listen on {webhook.host}:{webhook.port} ({exc.strerror or exc}); "
            "pick another --listen address or stop what is using it."
        ) from None
    return server


