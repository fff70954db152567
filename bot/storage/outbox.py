"""The outbox's rows as values: a `Reply` to JSON and back, and `Delivery`, one claimed row.

A step's replies are written to the `outbox` table in the step's own transaction, so
what the person is to see is committed with what they did; a transport sends each row
after the commit and marks it sent. Whatever a crash, a failed send or another replica
left unsent is claimed again later (a restart, the resend loop, the chat's next update),
oldest first. Attachments (an export, a chart) are kept inline, base64, until sent.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from bot.engine.state import Attachment, Button, Reply

MESSAGE = "message"
DELETE = "delete"  # /hide: message ids to remove from the chat


@dataclass(frozen=True, slots=True)
class Delivery:
    """One claimed outbox row: a message to send (`reply`) or messages to delete."""

    id: int
    kind: str
    reply: Reply | None
    delete: tuple[int, ...] = ()
    done: tuple[int, ...] = ()  # Telegram message ids of the parts already sent
    update_id: int | None = None
    forget: bool = False  # the chat was erased: the row goes once sent
    attempts: int = 1


def encode(reply: Reply, forget: bool = False) -> str:
    data: dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        data["buttons"] = [[b.id, b.label] for b in reply.buttons]
    if reply.expects != "nothing":
        data["expects"] = reply.expects
    if reply.step_id is not None:
        data["step"], data["seq"] = reply.step_id, reply.seq
    if reply.scale is not None:
        data["scale"] = list(reply.scale)
    if reply.progress is not None:
        data["progress"] = list(reply.progress)
    if reply.attachments:
        data["files"] = [[f.filename, f.media_type, base64.b64encode(f.content).decode()] for f in reply.attachments]
    if forget:
        data["forget"] = True
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encode_delete(message_ids: list[int], forget: bool = False) -> str:
    return json.dumps({"delete": message_ids, **({"forget": True} if forget else {})}, separators=(",", ":"))


def decode(row: tuple[Any, ...]) -> Delivery:
    """A row as `claim_outbox` returns it: id, kind, payload, message_ids, update_id, attempts."""
    row_id, kind, payload, message_ids, update_id, attempts = row
    data = json.loads(payload)
    done = tuple(json.loads(message_ids or "[]"))
    forget = bool(data.get("forget"))
    if kind == DELETE:
        return Delivery(
            row_id, kind, None, tuple(int(i) for i in data.get("delete", ())), done, update_id, forget, attempts
        )
    scale, progress = data.get("scale"), data.get("progress")
    reply = Reply(
        text=data.get("text", ""),
        buttons=tuple(Button(b[0], b[1]) for b in data.get("buttons", ())),
        expects=data.get("expects", "nothing"),
        step_id=data.get("step"),
        seq=data.get("seq"),
        scale=(scale[0], scale[1]) if scale else None,
        progress=(progress[0], progress[1]) if progress else None,
        attachments=tuple(Attachment(f[0], base64.b64decode(f[2]), f[1]) for f in data.get("files", ())),
    )
    return Delivery(row_id, kind, reply, (), done, update_id, forget, attempts)
