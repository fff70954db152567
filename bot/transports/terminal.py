"""`hedgehog chat`: the same coach in a terminal, no token and no network.

A line the person types becomes an `Incoming` event: a number picks the numbered
button, `/word` is a command, anything else is text (which also matches a button's
label). Replies are shown as plain text with buttons as `[1] Label`.

The terminal delivers from the outbox too, at once: a step's replies are committed with
it and marked sent as they are handed back to be printed (`Coach.handle`); whatever a
crash left unsent is shown first the next time the chat opens (`Coach.open`).

`--at FLOW:STEP` starts a flow mid-way (`start_at` checks the names); `--record FILE` writes
the session as a golden transcript as it goes (`Recorder`).
"""

from __future__ import annotations

import html
import os
import re
import shlex
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.coach import Coach
from bot.contract import COACH_BUTTONS, SKIP_CHOICE, Button, ChatKey, Choice, Command, Event, Incoming, Reply, Text
from bot.errors import UnknownStepError, UnknownVariableError

_TAG = re.compile(r"<[^>]+>")
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}
QUIT = frozenset({"quit", "exit"})


def plain(text: str) -> str:
    """Telegram HTML to plain text."""
    return html.unescape(_TAG.sub("", text))


def numbered(reply: Reply) -> tuple[Button, ...]:
    """The buttons offered by number. A question that only has Skip shows `/skip` instead,
    so a typed number stays an answer."""
    if reply.expects == "scale" or all(b.id == SKIP_CHOICE for b in reply.buttons):
        return ()
    return reply.buttons


def render(reply: Reply) -> str:
    lines = [plain(reply.text)] if reply.text else []
    buttons = numbered(reply)
    lines += [f"  [{i}] {b.label}" for i, b in enumerate(buttons, start=1)]
    hints: list[str] = []
    if reply.expects == "scale" and reply.scale:
        hints.append(f"a number from {reply.scale[0]} to {reply.scale[1]}")
    elif reply.expects == "text":
        hints.append("type your answer" + (" or pick a number" if buttons else ""))
    if reply.expects in ("scale", "text") and any(b.id == SKIP_CHOICE for b in reply.buttons):
        hints.append("/skip to skip")
    if reply.progress:
        hints.append(f"question {reply.progress[0]} of about {reply.progress[1]}")
    if hints:
        lines.append(f"  ({'; '.join(hints)})")
    return "\n".join(lines)


class TerminalChat:
    """One person's conversation in the terminal; also what the golden transcripts drive."""

    def __init__(self, coach: Coach, name: str, locale: str | None = None) -> None:
        self.coach = coach
        self.chat = ChatKey("terminal", name)
        self.locale = locale  # e.g. "en_GB.UTF-8" from LANG: picks the crisis lines shown
        self.question: Reply | None = None

    def open(
        self, flow_id: str | None = None, at: str | None = None, variables: Mapping[str, Any] | None = None
    ) -> list[Reply]:
        """`at` starts `flow_id` afresh at that step, `variables` set (`hedgehog chat --at`)."""
        return self.remember(self.coach.open(self.chat, flow_id, at, variables))

    def send(self, line: str) -> list[Reply]:
        return self.remember(self.coach.handle(Incoming(self.chat, self.parse(line), locale=self.locale)))

    def parse(self, line: str) -> Event:
        line = line.replace("\x00", "")  # a NUL cannot be stored in PostgreSQL text
        text = line.strip()
        if text.startswith("/") and len(text) > 1:
            name, _, argument = text[1:].partition(" ")
            return Command(name.lower(), argument.strip())
        question = self.question
        if question is not None and text.isdigit():
            buttons = numbered(question)
            if 1 <= int(text) <= len(buttons):
                return Choice(buttons[int(text) - 1].id, question.step_id, question.seq)
        if question is not None and (question.step_id or "").startswith(COACH_BUTTONS):
            # The coach's own question (/reminders, /restart): a label typed out is its button,
            # as a flow's label is for the engine.
            typed = " ".join(text.split()).casefold()
            for button in question.buttons:
                if button.label.casefold() == typed:
                    return Choice(button.id, question.step_id, question.seq)
        return Text(line)

    def remember(self, replies: list[Reply]) -> list[Reply]:
        for reply in replies:
            if reply.step_id is not None:
                self.question = reply
        return replies


def start_at(coach: Coach, where: str, assignments: Sequence[str]) -> tuple[str, str, dict[str, Any]]:
    """`flow:step` and `name=value` words (`hedgehog chat --at`, a transcript's `% at`) as the
    flow, the step and the variables, each name checked against the flow's: raises
    `UnknownFlowError`, `UnknownStepError`, `UnknownVariableError` or `ValueError`. A value is
    a whole number, true, false, null, or else words."""
    flow_id, _, step = where.partition(":")
    if not flow_id or not step:
        raise ValueError(f"{where!r} is not FLOW:STEP (e.g. checkin:body)")
    flow = coach.engine.flow(flow_id)
    if step not in flow.steps:
        raise UnknownStepError(flow_id, step, list(flow.steps))
    known = coach.engine.variables(flow_id)
    variables: dict[str, Any] = {}
    for word in assignments:
        name, equals, raw = word.partition("=")
        if not equals or not name:
            raise ValueError(f"{word!r} is not name=value (quote a value with spaces)")
        if name not in known:
            raise UnknownVariableError(flow_id, name, sorted(known))
        variables[name] = int(raw) if re.fullmatch(r"-?\d+", raw) else _WORDS.get(raw, raw)
    return flow_id, step, variables


def at_directive(flow_id: str, step: str, variables: Mapping[str, Any]) -> str:
    """The transcript line that starts where `start_at` does."""
    words = [f"{flow_id}:{step}"]
    for name, value in variables.items():
        written = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        words.append(f"{name}={shlex.quote(written)}")
    return "% at " + " ".join(words)


class Recorder:
    """Writes the conversation as a golden transcript (`hedgehog chat --record FILE`), in the
    format `tests/test_transcripts.py` plays: each line typed (`> `), then each line of what
    the bot showed (`~ `), the question's buttons (`* `), and where the session now waits
    (`@ step`, or `@ flow:step` in another flow; `= ended` when none is open). Nothing else
    goes in: no name, no time, no setting. Each turn is written as it happens, so a session
    cut short still leaves a transcript that plays."""

    def __init__(self, out: TextIO, chat: TerminalChat, flow_id: str | None, header: list[str]) -> None:
        self.out = out
        self.chat = chat
        self.flow_id = flow_id
        self.write(header)

    def write(self, lines: list[str]) -> None:
        self.out.write("".join(line + "\n" for line in lines))
        self.out.flush()

    def turn(self, typed: str | None, replies: list[Reply]) -> None:
        lines = [] if typed is None else [f"> {typed}"]
        for reply in replies:
            lines += [f"~ {' '.join(line.split())}" for line in plain(reply.text).splitlines() if line.strip()]
        asked = [r for r in replies if r.step_id is not None]
        if asked:  # the buttons shown by number (a scale's Skip is `/skip`, not a button here)
            lines += [f"* {button.label}" for button in numbered(asked[-1])]
        state = self.chat.coach.peek(self.chat.chat)
        if state is None:
            lines.append("= ended")
        elif not asked or asked[-1].step_id == state.step_id:
            lines.append(
                f"@ {state.step_id}" if state.flow_id == self.flow_id else f"@ {state.flow_id}:{state.step_id}"
            )
        else:  # the coach's own question (/restart, /reminders) over the session's step
            lines.append("= open")
        self.write(lines)


def run(
    chat: TerminalChat,
    flow_id: str | None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    interactive: bool | None = None,
    *,
    exports: Path,
    private: bool = True,
    at: str | None = None,
    variables: Mapping[str, Any] | None = None,
    record: Recorder | None = None,
    ready: Callable[[], None] | None = None,
) -> int:
    """The read-answer loop. Interactive on a terminal; one answer per line otherwise.
    What /export gives is saved in `exports` (a folder made for it, 0700, when `private`).
    `at` starts `flow_id` at that step with `variables`; `record` writes a transcript.
    `ready` is called once, when the first question is on the screen and the person is
    reading it (the chat warms the crisis layer then, so it does not slow the first prompt)."""
    interactive = stdin.isatty() if interactive is None else interactive
    show = _printer(stdout, exports, private)
    replies = chat.open(flow_id, at, variables)
    show(replies)
    if record is not None:
        record.turn(None, replies)
    while True:
        # Ctrl-C anywhere here ends the chat cleanly, while reading or while answering: each
        # step is committed before it is shown, and an unfinished one rolls back whole.
        try:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            if ready is not None:
                ready()
                ready = None
            line = stdin.readline()
            if not line or line.strip().lstrip("/").lower() in QUIT:
                break
            typed = line.rstrip("\r\n")
            replies = chat.send(typed)
            show(replies)
            if record is not None:
                record.turn(typed, replies)
        except KeyboardInterrupt:
            break
    if interactive:
        stdout.write("\nYour place is saved. Run `hedgehog chat` again to pick up where you left off.\n")
    return 0


def save_attachments(reply: Reply, folder: Path, private: bool = True) -> list[Path]:
    """Saves what /export gives into `folder`, each file created readable by its owner only
    (0600, from the moment it exists: `os.open` with the mode, never a chmod after). A folder
    of our own (`private`) is made 0700, and tightened if it was left wider; a folder the
    person or the operator named is used as it is. An existing file is never overwritten.
    Pictures (the /progress chart) are for Telegram: the terminal has the text."""
    files = [file for file in reply.attachments if not file.media_type.startswith("image/")]
    if not files:
        return []
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if private and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(0o700)
    saved: list[Path] = []
    for file in files:
        stem, suffix = Path(file.filename).stem, Path(file.filename).suffix
        path = folder / file.filename
        for counter in range(1, 10_000):
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                path = folder / f"{stem}-{counter}{suffix}"
                continue
            with os.fdopen(descriptor, "wb") as out:
                out.write(file.content)
            saved.append(path)
            break
    return saved


def _printer(stdout: TextIO, exports: Path, private: bool) -> Callable[[list[Reply]], None]:
    def show(replies: list[Reply]) -> None:
        for reply in replies:
            stdout.write(render(reply) + "\n")
            try:
                saved = save_attachments(reply, exports, private)
            except OSError as error:
                stdout.write(f"  I couldn't save the files in {exports}: {error.strerror or error}.\n")
                saved = []
            for path in saved:
                stdout.write(f"  saved: {path} (only you can open it)\n")
            stdout.write("\n")
        stdout.flush()

    return show
