"""What a transport does with the outbox rows the coach claimed for it: mark one sent (with
its message ids), note a long reply's progress, give rows up, or let them wait. The
transport never touches the store; it asks here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from bot.storage import ChatKey, Delivery, Grant, Store


class Sending:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def sent(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        """Telegram took it (or the terminal showed it): done, its text cleared."""
        self.store.outbox_sent(delivery, list(message_ids), self.clock())

    def progress(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        """Some parts of a long reply went: a resend starts after them."""
        self.store.outbox_progress(delivery, list(message_ids))

    def failed(self, deliveries: Sequence[Delivery]) -> None:
        """Given up: refused, blocked, or tried too often."""
        self.store.outbox_failed(list(deliveries), self.clock())

    def retry(self, deliveries: Sequence[Delivery], after: timedelta) -> None:
        """Not taken now: these rows (and the chat's newer ones) wait this long."""
        self.store.outbox_retry(list(deliveries), self.clock() + after)

    def renew(self, deliveries: Sequence[Delivery]) -> None:
        """Still sending these: their lease starts again from now."""
        self.store.outbox_renew([d.id for d in deliveries], self.clock() + self.store.lease)

    def release(self, deliveries: Iterable[Delivery]) -> None:
        """This process is no longer sending them (whatever was not marked is left to the lease)."""
        self.store.sending.difference_update(d.id for d in deliveries)

    def unsent(self, chat: ChatKey) -> list[Delivery]:
        """The chat's outbox rows nobody is sending (a crash left them, or a send failed),
        claimed for this process, oldest first."""
        return self.store.claim_outbox(chat, self.clock())

    def waiting(self, transport: str) -> list[ChatKey]:
        """Chats with outbox rows nobody is sending."""
        return self.store.outbox_waiting(self.clock(), transport)

    def take_sends(self, name: str, want: int, owed: int, rate: float, now: float) -> Grant:
        """Up to `want` sends from the bot's budget shared by every process (`name`: the
        transport and the bot's id), after charging `owed` sends that did not wait; `now`
        is the wall clock (Unix seconds), never the coach's."""
        return self.store.take_sends(name, want, owed, rate, now)

    def pause_sends(self, name: str, until: float) -> None:
        """Telegram said 429: no process sends for this bot before `until` (Unix seconds)."""
        self.store.pause_sends(name, until)

    @property
    def lease(self) -> timedelta:
        """How long a sender holds the rows it claimed."""
        return self.store.lease
