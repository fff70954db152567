"""Health, readiness and metrics over HTTP, for a proxy, an orchestrator and Prometheus.

    GET /healthz   200 while the process lives (its event loop answers)
    GET /readyz    200 when it should get updates: the database answers, its schema is the
                   one this code expects, Telegram answered at start, and it is not draining
                   (from SIGTERM on); 503 otherwise. JSON, one entry per dependency.
    GET /metrics   Prometheus's text format (`bot.metrics`)

In webhook mode they are served by the webhook's own listener; with polling (or besides
the webhook, to keep them off the public port) on a side port, `HEDGEHOG_HEALTH_PORT`.
Nothing here names a chat or carries anything a person wrote."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import tornado.httpserver
import tornado.web

from bot import metrics
from bot.coach import Coach
from bot.errors import HedgehogError
from bot.transports.telegram.bot import TelegramBot

PATHS = ("/healthz", "/readyz", "/metrics")
CHECK_TIMEOUT = 3.0  # seconds the database has to answer a readiness check


class Health:
    """What the endpoints report: the coach's database, Telegram at start, the bot's state."""

    def __init__(self, coach: Coach, bot: TelegramBot) -> None:
        self.coach = coach
        self.bot = bot
        self.telegram: bool | None = None  # getMe at start: None until tried
        self.started = time.time()

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, dict[str, Any]] = {}
        began = time.perf_counter()
        try:
            current, head = await asyncio.wait_for(asyncio.to_thread(self.coach.schema), CHECK_TIMEOUT)
        except Exception as exc:  # the class only: a driver's message can name the host and user
            error = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
            checks["database"] = {"ok": False, "error": error}
            checks["migrations"] = {"ok": False, "error": "the database did not answer"}
        else:
            checks["database"] = {"ok": True, "ms": round((time.perf_counter() - began) * 1000, 2)}
            checks["migrations"] = {"ok": current == head, "current": current, "head": head}
        checks["telegram"] = {"ok": bool(self.telegram), "checked": "at start"}
        draining = self.bot.stopping.is_set()
        ready = not draining and all(check["ok"] for check in checks.values())
        loops = {
            name: {"failures": health.failures, "last_success": health.last_success}
            for name, health in self.bot.health.items()
        }
        body = {
            "status": "ready" if ready else "not ready",
            "draining": draining,
            "checks": checks,
            "loops": loops,
            "uptime_s": round(time.time() - self.started, 1),
        }
        return ready, body


class _Base(tornado.web.RequestHandler):
    def initialize(self, health: Health) -> None:
        self.health = health

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class Healthz(_Base):
    def get(self) -> None:
        self._json(200, {"status": "alive", "uptime_s": round(time.time() - self.health.started, 1)})


class Readyz(_Base):
    async def get(self) -> None:
        ready, body = await self.health.readiness()
        self._json(200 if ready else 503, body)


class Metrics(_Base):
    def get(self) -> None:
        self.set_header("Content-Type", metrics.CONTENT_TYPE_LATEST)
        self.set_header("Cache-Control", "no-store")
        self.finish(metrics.exposition())


def routes(health: Health) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]:
    handlers: tuple[type[_Base], ...] = (Healthz, Readyz, Metrics)
    return [(path, handler, {"health": health}) for path, handler in zip(PATHS, handlers, strict=True)]


def listen_health(health: Health, host: str, port: int) -> tornado.httpserver.HTTPServer:
    """The side port (polling mode, or to keep these off the webhook's public port)."""
    server = tornado.httpserver.HTTPServer(tornado.web.Application(routes(health)), max_body_size=64 * 1024)
    try:
        server.listen(port, host)
    except OSError as exc:
        raise HedgehogError(
            f"Cannot listen on {host}:{port} for health and metrics ({exc.strerror or exc}); "
            "set HEDGEHOG_HEALTH_PORT to a free port."
        ) from None
    return server
