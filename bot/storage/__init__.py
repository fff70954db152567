"""Storage: sqlmodel tables, Alembic migrations, and the per-chat transaction API."""

from bot.storage.db import default_database_url, normalize_url
from bot.storage.outbox import Delivery
from bot.storage.store import ChatKey, ChatTx, DueFollowUp, FollowUpRow, Grant, JournalRow, Store

__all__ = [
    "ChatKey",
    "ChatTx",
    "Delivery",
    "DueFollowUp",
    "FollowUpRow",
    "Grant",
    "JournalRow",
    "Store",
    "default_database_url",
    "normalize_url",
]
