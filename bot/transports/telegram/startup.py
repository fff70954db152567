"""Start-up: the token and address checks, the PTB application, and `serve`."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, ApplicationBuilder
from telegram.request import BaseRequest

from bot.coach import Coach
from bot.errors import ConfigError, HedgehogError
from bot.transports.telegram.bot import FOLLOWUP_INTERVAL, PerChatProcessor, TelegramBot
from bot.transports.telegram.menu import MENU
from bot.transports.telegram.ordering import AnyApplication
from bot.transports.telegram.webhook import Webhook, listen

log = logging.getLogger("hedgehog.telegram")
TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{6,}$")


def check_token(token: str | None) -> str:
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather, then export TELEGRAM_BOT_TOKEN=<its token>."
        )
    if not TOKEN_RE.match(token.strip()):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters and digits); "
            "copy it again from @BotFather."
        )
    return token.strip()


def parse_listen(listen: str) -> tuple[str, int]:
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--listen takes HOST:PORT, e.g. 127.0.0.1:8443, not '{listen}'.")
    return host.strip("[]") or "0.0.0.0", int(port)


def build_application(
    token: str, api_base: str | None, request: BaseRequest | None = None, rate_limit: bool = True
) -> AnyApplication:
    """The PTB application; `request` replaces the HTTP layer (the benchmark records calls)."""
    # Opt in to PTB's coming behaviour: durations such as RetryAfter.retry_after are
    # timedeltas. Without it every 429 also raises a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(token).updater(None).concurrent_updates(PerChatProcessor())
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if api_base:
        base = api_base.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    return builder.build()


async def serve(
    coach: Coach,
    token: str,
    api_base: str | None,
    stopping: asyncio.Event | None = None,
    webhook: Webhook | None = None,
    followup_interval: float = FOLLOWUP_INTERVAL,
    resend_interval: float | None = None,
    crash_at: str | None = None,
) -> None:
    """Run until SIGTERM or SIGINT (or `stopping` is set); updates in flight finish and
    are confirmed first. Long polling, or a webhook server when `webhook` is given.
    `crash_at`: the chaos test's aimed self-kill (HEDGEHOG_TEST_CRASH_AT)."""
    application = build_application(token, api_base)
    bot = TelegramBot(coach, application, crash_at=crash_at)
    if stopping is not None:
        bot.stopping = stopping
    shown_base = api_base or "https://api.telegram.org"
    try:
        await application.initialize()
    except InvalidToken:
        raise ConfigError("Telegram refused the token in TELEGRAM_BOT_TOKEN; check it with @BotFather.") from None
    except NetworkError as exc:
        raise HedgehogError(
            f"Cannot reach the Telegram Bot API at {shown_base} ({type(exc).__name__}). "
            "Check the network, or TELEGRAM_API_BASE_URL if you use your own Bot API server."
        ) from None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bot.stopping.set)
    server: tornado.httpserver.HTTPServer | None = None
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in MENU])
        # Homework links open this bot with the token as the /start payload.
        coach.write_links(lambda token: f"https://t.me/{application.bot.username}?start={token}")
        if webhook is None:
            await application.bot.delete_webhook(drop_pending_updates=False)
        else:
            server = listen(bot, webhook)
            await application.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
            )
        await application.start()
        mode = "polling" if webhook is None else "webhook"
        log.info("bot started", extra={"fields": {"username": application.bot.username, "mode": mode}})
        # Resends look as often as the lease allows, so a restart's leftovers go out soon.
        resend_every = resend_interval or bot.resend_every
        loops = [
            asyncio.create_task(bot.dispatch_followups(followup_interval)),
            asyncio.create_task(bot.resend_outbox(resend_every)),
        ]
        try:
            if webhook is None:
                await bot.poll()
            else:
                await bot.stopping.wait()
        finally:
            bot.stopping.set()
            await asyncio.gather(*loops)
    finally:
        if server is not None:
            server.stop()
            await server.close_all_connections()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if application.running:
            await application.stop()
        await application.shutdown()
        log.info("bot stopped")
