"""Start-up: the token and address checks, the PTB application, and `serve`."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, ApplicationBuilder
from telegram.request import BaseRequest

from bot import metrics
from bot.coach import Coach
from bot.errors import ConfigError, HedgehogError
from bot.transports.telegram.bot import DEFAULT_RATE, FOLLOWUP_INTERVAL, FOLLOWUP_LEASE, PerChatProcessor, TelegramBot
from bot.transports.telegram.counting import CountingRequest
from bot.transports.telegram.health import Health, listen_health
from bot.transports.telegram.menu import MENU
from bot.transports.telegram.ordering import AnyApplication
from bot.transports.telegram.webhook import Webhook, listen

log = logging.getLogger("hedgehog.telegram")
REPLY_WORKERS = 12  # threads for replies' database work (follow-ups have their own: `loops`)
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
        # Only 429s are retried here (and groups kept to their 20 a minute): the bot-wide
        # cap is the send budget every replica shares (`budget`), not one per process.
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=0, max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # PTB's own HTTP layer and pool sizes, every call counted (`counting`)
        builder = builder.request(CountingRequest(connection_pool_size=256)).get_updates_request(
            CountingRequest(connection_pool_size=1)
        )
    if api_base:
        base = api_base.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    return builder.build()


@dataclass(frozen=True, slots=True)
class Drain:
    """A graceful stop. From SIGTERM on, readiness answers 503; for `grace` seconds the
    webhook still takes updates (a proxy checking /readyz every few seconds still sends
    some here), then it answers 503 to new ones (Telegram, or the proxy, sends them again)
    while those in flight finish, for up to `timeout` seconds."""

    grace: float = 0.0
    timeout: float = 25.0


async def serve(
    coach: Coach,
    token: str,
    api_base: str | None,
    stopping: asyncio.Event | None = None,
    webhook: Webhook | None = None,
    followup_interval: float = FOLLOWUP_INTERVAL,
    resend_interval: float | None = None,
    crash_at: str | None = None,
    health: tuple[str, int] | None = None,
    drain: Drain | None = None,
    send_rate: float = DEFAULT_RATE,
    followup_lease: float = FOLLOWUP_LEASE.total_seconds(),
) -> None:
    """Run until SIGTERM or SIGINT (or `stopping` is set); updates in flight finish and
    are confirmed first. Long polling, or a webhook server when `webhook` is given.
    `health`: a side port for /healthz, /readyz and /metrics (the webhook's listener
    serves them too). `crash_at`: the chaos test's aimed self-kill (HEDGEHOG_TEST_CRASH_AT).
    `send_rate`: messages a second for this bot, all replicas together; `followup_lease`:
    seconds a batch of due follow-ups is this process's alone."""
    drain = drain or Drain()
    loop = asyncio.get_running_loop()
    # Database work waits on the network, not the processor: more threads than Python's
    # default (cores + 4), so marking a message sent never queues behind new updates.
    loop.set_default_executor(ThreadPoolExecutor(REPLY_WORKERS, thread_name_prefix="replies"))
    application = build_application(token, api_base)
    bot = TelegramBot(coach, application, crash_at=crash_at, send_rate=send_rate)
    bot.loops.lease = timedelta(seconds=followup_lease)
    request = application.bot.request
    if isinstance(request, CountingRequest):  # a 429 anywhere pauses every replica's sends
        request.on_retry_after = bot.budget.pause
    if stopping is not None:
        bot.stopping = stopping
    shown_base = api_base or "https://api.telegram.org"
    checks = Health(coach, bot)
    side = listen_health(checks, *health) if health is not None else None  # alive before Telegram answers
    try:
        try:
            await application.initialize()
        except InvalidToken:
            raise ConfigError("Telegram refused the token in TELEGRAM_BOT_TOKEN; check it with @BotFather.") from None
        except NetworkError as exc:
            raise HedgehogError(
                f"Cannot reach the Telegram Bot API at {shown_base} ({type(exc).__name__}). "
                "Check the network, or TELEGRAM_API_BASE_URL if you use your own Bot API server."
            ) from None
        checks.telegram = True
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, bot.stopping.set)
        await _serve(bot, application, coach, webhook, checks, drain, followup_interval, resend_interval)
    finally:
        if side is not None:
            side.stop()
            await side.close_all_connections()


async def _serve(
    bot: TelegramBot,
    application: AnyApplication,
    coach: Coach,
    webhook: Webhook | None,
    checks: Health,
    drain: Drain,
    followup_interval: float,
    resend_interval: float | None,
) -> None:
    loop = asyncio.get_running_loop()
    server: tornado.httpserver.HTTPServer | None = None
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in MENU])
        # Homework links open this bot with the token as the /start payload.
        coach.write_links(lambda token: f"https://t.me/{application.bot.username}?start={token}")
        if webhook is None:
            await application.bot.delete_webhook(drop_pending_updates=False)
        else:
            server = listen(bot, webhook, checks)
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
            asyncio.create_task(bot.settle_budget()),
        ]
        try:
            if webhook is None:
                await bot.poll()  # returns once the batch in hand is processed and confirmed
            else:
                await bot.stopping.wait()
        finally:
            bot.stopping.set()
            metrics.DRAINING.set(1)
            log.info("draining", extra={"fields": {"in_flight": bot.in_flight, "grace_s": drain.grace}})
            if webhook is not None and drain.grace:
                await asyncio.sleep(drain.grace)
            bot.taking = False
            if not await bot.drained(drain.timeout):
                log.warning("stopped with updates in flight", extra={"fields": {"in_flight": bot.in_flight}})
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
