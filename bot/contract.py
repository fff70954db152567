"""What a transport imports of the bot, and nothing else: the values it builds (`Incoming`
and its events), the values it gets back (`Handled` with its flags, `Reply`, `Delivery`),
the chat's address (`ChatKey`), the button codec, and `Busy` (see `Coach.try_now`).

    transport --Incoming--> Coach.process --Handled(replies, deliveries, flags)--> transport

A transport reads `Handled`'s flags, never its `outcome`, which is words for the log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.dialogue.model import SKIP_CHOICE, button_target, callback_payload, parse_callback_payload
from bot.engine.state import Attachment, Button, Choice, Command, Event, Reply, Text, Unsupported
from bot.errors import Busy
from bot.storage import ChatKey, Delivery, DueFollowUp, Grant

__all__ = [
    "COACH_BUTTONS",
    "FOLLOWUP_BUTTON",
    "RESTART_BUTTON",
    "SHARE_BUTTON",
    "SKIP_CHOICE",
    "UNASSIGN_BUTTON",
    "Attachment",
    "Busy",
    "Button",
    "ChatKey",
    "Choice",
    "Command",
    "Delivery",
    "DueFollowUp",
    "Event",
    "Grant",
    "Handled",
    "Incoming",
    "Reply",
    "Role",
    "ServiceButton",
    "Text",
    "Unsupported",
    "callback_payload",
    "is_service_button",
    "parse_callback_payload",
    "service_button",
]

Role = Literal["therapist", "client"]

# The coach's own buttons (not a flow's): "@share-<assignment id>" with a sharing level as
# the choice, "@unassign-<assignment id>" with "end". Carried as a button's step id.
SHARE_BUTTON = "@share-"
UNASSIGN_BUTTON = "@unassign-"
# "@followup-0" with a follow-up's row id to cancel it, "settings" or "keep" (/reminders);
# "@restart-<seq>" with "yes" or "keep" (/restart's question, for the session at that seq).
FOLLOWUP_BUTTON = "@followup-"
RESTART_BUTTON = "@restart-"
COACH_BUTTONS = (SHARE_BUTTON, UNASSIGN_BUTTON, FOLLOWUP_BUTTON, RESTART_BUTTON)


@dataclass(frozen=True, slots=True)
class Incoming:
    chat: ChatKey
    event: Event
    update_id: int | None = None
    locale: str | None = None  # e.g. Telegram's language_code "en-GB": picks crisis lines
    message_id: int | None = None  # the person's own message on Telegram (for /hide)


@dataclass(frozen=True, slots=True)
class Handled:
    """What became of an event: the replies it made, what to send now (the chat's claimed
    outbox rows, oldest first: anything left unsent before, then these replies; for a
    duplicate, whatever of it is still unsent), and what a transport acts on:

    - `moved`: the event was taken as an answer and the session moved on (a pressed
      button's message then shows the choice);
    - `role_changed`: the chat's role is (newly, or again) "therapist" or "client", so its
      command menu follows.

    `outcome` names what happened in words for the log line (moved, stayed, duplicate,
    started, crisis, ...); transports do not branch on it."""

    replies: list[Reply]
    outcome: str
    deliveries: list[Delivery] = field(default_factory=list)
    moved: bool = False
    role_changed: Role | None = None


@dataclass(frozen=True, slots=True)
class ServiceButton:
    """A press on one of the coach's own buttons: which (`SHARE_BUTTON`, `UNASSIGN_BUTTON`,
    `FOLLOWUP_BUTTON`, `RESTART_BUTTON`) and the number it names."""

    prefix: str
    row_id: int


def is_service_button(event: Choice) -> bool:
    """The press is meant for the coach, not a flow (whether or not the rest reads)."""
    return (event.step_id or "").startswith(COACH_BUTTONS)


def service_button(event: Choice) -> ServiceButton | None:
    """The coach's own button a `Choice` pressed, read by the same strict rules as every
    button's data (ASCII digits, bounded lengths); None for a flow's button."""
    step = event.step_id or ""
    for prefix in COACH_BUTTONS:
        row_id = button_target(step, prefix)
        if row_id is not None:
            return ServiceButton(prefix, row_id)
    return None
