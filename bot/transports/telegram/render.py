"""Replies as Telegram shows them: HTML split under 4,096 characters (as Telegram counts
them, never inside a tag or an entity), inline keyboards whose buttons carry
`step|seq|choice`, the progress line."""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass
from typing import Any

from telegram.constants import MessageLimit

from bot.contract import Button, Reply, callback_payload

_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
_BREAKS = ("\n\n", "\n", " ")  # where a piece would rather end: paragraph, line, word


@dataclass(frozen=True, slots=True)
class _Atom:
    raw: str
    units: int  # what Telegram counts: UTF-16 code units of the text shown
    tag: str | None = None  # a tag's name
    closing: bool = False


def _atoms(html: str) -> list[_Atom]:
    """Telegram HTML as pieces no split may cut: a tag, an entity, one character."""
    atoms: list[_Atom] = []
    at = 0
    while at < len(html):
        char = html[at]
        match = _TAG.match(html, at) if char == "<" else _ENTITY.match(html, at) if char == "&" else None
        if match is None:
            atoms.append(_Atom(char, 2 if ord(char) > 0xFFFF else 1))
            at += 1
        elif char == "<":
            atoms.append(_Atom(match.group(0), 0, match.group(2).lower(), bool(match.group(1))))
            at = match.end()
        else:
            shown = htmllib.unescape(match.group(0))
            atoms.append(_Atom(match.group(0), max(len(shown.encode("utf-16-le")) // 2, 1)))
            at = match.end()
    return atoms


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split Telegram HTML into messages Telegram takes: each at most `limit` characters
    as Telegram counts them (the text shown, in UTF-16 units: `&amp;` is one, an emoji
    two), at a paragraph, else a line, else a word boundary in the second half of the
    limit. No piece cuts a tag or an entity; a tag open at a split is closed at the end
    of its piece and opened again at the start of the next."""
    # What Telegram counts is never more than the text's own UTF-16 length (a tag shows
    # nothing, an entity less than it is written): most messages need no closer look.
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return [text] if text.strip() else []
    atoms = _atoms(text)
    if sum(a.units for a in atoms) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    carried: list[_Atom] = []  # the tags open where this piece starts
    start = 0
    while start < len(atoms):
        count, end = 0, start
        best: dict[str, int] = {}
        while end < len(atoms) and count + atoms[end].units <= limit:
            atom = atoms[end]
            if atom.raw in ("\n", " ") and count > limit // 2:
                kind = "\n\n" if atom.raw == "\n" and end + 1 < len(atoms) and atoms[end + 1].raw == "\n" else atom.raw
                best[kind] = end
            count += atom.units
            end += 1
        if end < len(atoms):
            end = next((best[k] for k in _BREAKS if k in best), max(end, start + 1))
        stack = list(carried)
        for atom in atoms[start:end]:
            if atom.tag is not None and atom.closing:
                for index in range(len(stack) - 1, -1, -1):
                    if stack[index].tag == atom.tag:
                        del stack[index]
                        break
            elif atom.tag is not None and atom.tag != "br":
                stack.append(atom)
        body = "".join(a.raw for a in atoms[start:end])
        piece = "".join(a.raw for a in carried) + body.rstrip() + "".join(f"</{a.tag}>" for a in reversed(stack))
        if htmllib.unescape(_TAG.sub("", piece)).strip():
            pieces.append(piece)
        carried = stack
        start = end
        while start < len(atoms) and atoms[start].raw in ("\n", " "):
            start += 1
    return pieces


def keyboard(reply: Reply) -> dict[str, Any] | None:
    """The reply's inline keyboard as the Bot API's own JSON object (`inline_keyboard`: rows
    of `{"text", "callback_data"}`), or None when it has no buttons."""
    if reply.step_id is None or reply.seq is None:
        return None
    buttons: list[Button] = list(reply.buttons)
    if reply.scale is not None:
        low, high = reply.scale
        buttons = [Button(str(n), str(n)) for n in range(low, high + 1)] + buttons
    if not buttons:
        return None
    step, seq = reply.step_id, reply.seq
    if reply.scale is not None:
        numbers = [b for b in buttons if b.id.isdigit()]
        half = (len(numbers) + 1) // 2
        rows = [numbers[:half], numbers[half:], [b for b in buttons if not b.id.isdigit()]]
    else:
        width = 1 if any(len(b.label) > 18 for b in buttons) else 2
        rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return {
        "inline_keyboard": [
            [{"text": b.label, "callback_data": callback_payload(step, seq, b.id)} for b in row] for row in rows if row
        ]
    }


def keyboard_json(reply: Reply) -> str | None:
    """The keyboard as the JSON text a `reply_markup` parameter carries, made once per reply
    (python-telegram-bot sends a string parameter as it is)."""
    markup = keyboard(reply)
    return None if markup is None else json.dumps(markup, ensure_ascii=False, separators=(",", ":"))


def with_progress(reply: Reply) -> str:
    if reply.progress is None:
        return reply.text
    done, total = reply.progress
    return f"{reply.text}\n\n<i>{done} of about {total}</i>"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
