"""Replies as Telegram shows them: HTML split under 4,096 characters, inline keyboards
whose buttons carry `step|seq|choice`, the progress line."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.dialogue.model import callback_payload
from bot.engine.state import Button, Reply


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at paragraph, then line, then word boundaries so no piece is over `limit`."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = next(
            (at for at in (rest.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " ")) if at > limit // 2), limit
        )
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [p for p in pieces if p]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if reply.step_id is None or reply.seq is None:
        return None
    buttons: list[Button] = list(reply.buttons)
    if reply.scale is not None:
        low, high = reply.scale
        buttons = [Button(str(n), str(n)) for n in range(low, high + 1)] + buttons
    if not buttons:
        return None
    step, seq = reply.step_id, reply.seq

    def button(b: Button) -> InlineKeyboardButton:
        return InlineKeyboardButton(b.label, callback_data=callback_payload(step, seq, b.id))

    if reply.scale is not None:
        numbers = [b for b in buttons if b.id.isdigit()]
        half = (len(numbers) + 1) // 2
        rows = [numbers[:half], numbers[half:], [b for b in buttons if not b.id.isdigit()]]
    else:
        width = 1 if any(len(b.label) > 18 for b in buttons) else 2
        rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup([[button(b) for b in row] for row in rows if row])


def with_progress(reply: Reply) -> str:
    if reply.progress is None:
        return reply.text
    done, total = reply.progress
    return f"{reply.text}\n\n<i>{done} of about {total}</i>"



def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


