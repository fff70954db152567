"""Prometheus metrics: what one process did, counted, for `/metrics`.

A leaf like `bot/errors.py`: every layer that counts something imports it, and it imports
nothing of ours. Labels are a small, fixed vocabulary written in the code (an event kind, an
outcome, a Bot API method, a crisis category): never a chat id, never what a person wrote,
never a hash of either, so a series can neither identify anyone nor grow without bound
(`label` folds anything unexpected into "other").

Each process counts for itself; several replicas are summed by Prometheus (its `instance`
label tells them apart), so nothing here needs to be shared. Work that later moves to a
budget shared between replicas (sends nobody asked for) keeps these names and adds its own.

    hedgehog_updates_total{kind,outcome}          events handled (text, command, choice, ...)
    hedgehog_update_failures_total{kind,outcome}  updates that failed: retry, failed, quarantined
    hedgehog_step_seconds{kind}                   one event's step: transaction, engine, commit
    hedgehog_commit_seconds                       the commit of a chat's transaction alone
    hedgehog_bot_api_calls_total{method}          Bot API requests made
    hedgehog_bot_api_errors_total{method,error}   and those that failed (status, network, timeout)
    hedgehog_bot_api_seconds{method}              how long each took
    hedgehog_bot_api_retry_after_total{method}    429 Too Many Requests
    hedgehog_retry_wait_seconds_total{reason}     seconds told to wait (retry_after) or backed off
    hedgehog_followups_total{kind,outcome}        due, sent, postponed, taken elsewhere, cancelled
    hedgehog_crisis_signals_total{category,certainty}  crisis language seen (counts only)
    hedgehog_background_failures_total{loop}      failed rounds of a background loop
    hedgehog_updates_in_flight                    updates being handled now
    hedgehog_draining                             1 from SIGTERM until exit
    process_start_time_seconds                    (prometheus-client's process collector)
"""

from __future__ import annotations

import re

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "exposition", "label"]

_LABEL = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")

# Steps are a few milliseconds on SQLite, tens on PostgreSQL over a network; a second is trouble.
_STEP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_COMMIT_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
_API_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

UPDATES = Counter("hedgehog_updates", "Events handled, by kind and outcome.", ["kind", "outcome"])
UPDATE_FAILURES = Counter(
    "hedgehog_update_failures",
    "Updates whose handling failed: retry (will come again), failed (counted as a try), quarantined (given up).",
    ["kind", "outcome"],
)
STEP_SECONDS = Histogram(
    "hedgehog_step_seconds", "One event's step: transaction, engine and commit.", ["kind"], buckets=_STEP_BUCKETS
)
COMMIT_SECONDS = Histogram("hedgehog_commit_seconds", "The commit of a chat's transaction.", buckets=_COMMIT_BUCKETS)
BOT_API_CALLS = Counter("hedgehog_bot_api_calls", "Bot API requests, by method.", ["method"])
BOT_API_ERRORS = Counter(
    "hedgehog_bot_api_errors", "Bot API requests that failed, by method and error.", ["method", "error"]
)
BOT_API_SECONDS = Histogram("hedgehog_bot_api_seconds", "Bot API request time.", ["method"], buckets=_API_BUCKETS)
RETRY_AFTER = Counter("hedgehog_bot_api_retry_after", "429 Too Many Requests answers, by method.", ["method"])
RETRY_WAIT = Counter(
    "hedgehog_retry_wait_seconds",
    "Seconds Telegram told us to wait (retry_after) or we backed off after a network error.",
    ["reason"],
)
SEND_BUDGET_WAIT = Counter(
    "hedgehog_send_budget_wait_seconds",
    "Seconds messages nobody asked for (follow-ups, reminders) waited for the bot's shared send budget.",
)
FOLLOWUPS = Counter(
    "hedgehog_followups",
    "Follow-ups: due (listed), sent, postponed, elsewhere (another process took it), cancelled.",
    ["kind", "outcome"],
)
CRISIS = Counter(
    "hedgehog_crisis_signals", "Crisis language seen, by category (counts only).", ["category", "certainty"]
)
LOOP_FAILURES = Counter("hedgehog_background_failures", "Failed rounds of a background loop.", ["loop"])
IN_FLIGHT = Gauge("hedgehog_updates_in_flight", "Updates being handled now.")
DRAINING = Gauge("hedgehog_draining", "1 from SIGTERM until the process exits.")


def label(value: object) -> str:
    """A label value from our own vocabulary; anything else (too long, odd characters) is "other"."""
    text = str(value)
    return text if _LABEL.match(text) else "other"


def exposition() -> bytes:
    """Everything, in Prometheus's text format."""
    return generate_latest(REGISTRY)
