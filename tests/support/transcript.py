"""Golden transcripts: plain files of what a person sends and what the bot must answer.

They run through `TerminalChat`, the same code path as `hedgehog chat`, against a real
SQLite database. One directive per line:

    # a comment                    ignored; also after a directive, after two spaces: `> 2  # Away`
    flow: checkin                  header: the flow `hedgehog chat --flow` would open
    as: sam                        header: the person (default: a fresh name per test)
    onboarded: yes                 header: the person (and each one after `+`) went through onboarding
    therapist: Dana Levi           header: the operator made the person a therapist with that name
    > 2                            send a line exactly as typed: a number, a label, text or /command
    @ urge                         the bot now waits at this step (`@ break:pause` names the flow too)
    ~ toward or away               the bot's words since the last `>` contain this (any case)
    !~ you should                  ... and do not contain this
    1~ I'll check in with you      ... and contain this exactly once (a promise said once)
    * Not sure                     the current question offers a button with this label
    = open                         a session is open (`= ended`: none is)
    % restart                      quit and start `hedgehog chat` again (new process state, same database)
    % at checkin:body urge=toward intensity=7
                                   start mid-flow: the flow afresh at that step, those variables set
                                   (`hedgehog chat --at`); first, it replaces opening `flow:`
    % wait 3h                      time passes (m, h or d), then `hedgehog chat` is started again
    + sam                          from here on, another person talks to the bot (`hedgehog chat --as sam`)

`> ` lines may also use `{x*N}` to send N copies of x, e.g. `> {a*10000}`, and `{token}`
for the token of the last homework link the bot gave (`> /start {token}`).

`hedgehog chat --record FILE` writes this format. A `Player` made with `update=True` does not
stop at the first line that fails: it notes what each failing `@`, `~`, `*` and `=` line
would have to say now (`Rewrite`), which `rewritten` puts into the text, keeping every other
line as it was (`pytest --update-transcripts`, `hedgehog transcripts --update`).
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.coach import Coach
from bot.engine.state import Reply
from bot.errors import HedgehogError
from bot.storage.therapy import add_therapist
from bot.transports.terminal import TerminalChat, plain, start_at

# What each golden transcript did in this pytest session: its outcome ("passed", "updated",
# "failed"), the failure, the diff of its bot lines, the prompt files it rendered. Saved by
# `pytest --transcript-report FILE` for `hedgehog transcripts`.
REPORT: dict[str, dict[str, Any]] = {}

_REPEAT = re.compile(r"\{(.)\*(\d+)\}")
_LINK = re.compile(r"/start ([A-Za-z0-9_-]{20,64})")


@dataclass
class Directive:
    line: int
    kind: str
    value: str


@dataclass(frozen=True)
class Rewrite:
    """A failing line and what it would say now; `new` is None when no rewrite can make it
    pass (a `!~` the bot said, a step where no session is open)."""

    line: int
    new: str | None
    failure: str


def rewritten(text: str, rewrites: list[Rewrite]) -> str:
    """`text` with each rewritten line replaced, its comment after two spaces kept."""
    lines = text.splitlines(keepends=True)
    for rewrite in rewrites:
        if rewrite.new is None:
            continue
        raw = lines[rewrite.line - 1]
        ending = raw[len(raw.rstrip("\r\n")) :]
        _, hash_, comment = raw.rstrip("\r\n").partition("  #")
        lines[rewrite.line - 1] = rewrite.new + (f"  #{comment}" if hash_ else "") + ending
    return "".join(lines)


def closest(wanted: str, candidates: list[str]) -> str | None:
    """The candidate most like `wanted` (any case), or None when there is none."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: difflib.SequenceMatcher(None, wanted.casefold(), c.casefold()).ratio())


@dataclass
class Transcript:
    path: Path
    flow: str | None = None
    name: str | None = None
    onboarded: bool = False
    therapist: str | None = None
    directives: list[Directive] = field(default_factory=list)

    @classmethod
    def parse(cls, path: Path) -> Transcript:
        transcript = cls(path)
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.split("  #", 1)[0].rstrip()
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("flow:"):
                transcript.flow = line.partition(":")[2].strip()
            elif line.startswith("as:"):
                transcript.name = line.partition(":")[2].strip()
            elif line.startswith("onboarded:"):
                transcript.onboarded = line.partition(":")[2].strip() == "yes"
            elif line.startswith("therapist:"):
                transcript.therapist = line.partition(":")[2].strip()
            else:
                kind, _, value = line.partition(" ")
                if kind not in {">", "@", "~", "!~", "1~", "*", "=", "%", "+"}:
                    raise ValueError(f"{path}:{number}: unknown directive {kind!r}")
                transcript.directives.append(Directive(number, kind, value.strip() if kind != ">" else value))
        return transcript


class Player:
    """Plays a transcript; `open_coach` builds a fresh coach over the same database."""

    def __init__(
        self, transcript: Transcript, open_coach: Callable[[], Coach], name: str, update: bool = False
    ) -> None:
        self.transcript = transcript
        self.rewrites: list[Rewrite] | None = [] if update else None
        self.open_coach = open_coach
        self.name = transcript.name or name
        self.coach: Coach = open_coach()
        self.chat = TerminalChat(self.coach, self.name)
        self.said: list[Reply] = []
        self.token = ""  # of the last homework link the bot gave
        self.offset = timedelta(0)  # how far `% wait` has moved the coach's clock
        self.coach.clock = self.now

    def where(self, directive: Directive) -> str:
        return f"{self.transcript.path.name}:{directive.line}"

    def words(self) -> str:
        return " ".join(" ".join(plain(r.text).split()) for r in self.said)

    def lines(self) -> list[str]:
        """What the bot said since the last `>`, a line of the screen each, spaces collapsed."""
        return [" ".join(line.split()) for r in self.said for line in plain(r.text).splitlines() if line.strip()]

    def check(self, d: Directive, holds: bool, failure: str, new: str | None = None) -> None:
        """Fails at once; when updating, notes the line as it would read now instead."""
        if holds:
            return
        if self.rewrites is None:
            raise AssertionError(failure)
        self.rewrites.append(Rewrite(d.line, new, failure))

    def play(self) -> None:
        try:
            self.onboard()
            if self.transcript.therapist:
                add_therapist(self.coach.store, self.chat.chat, self.transcript.therapist, self.coach.clock())
            directives = self.transcript.directives
            if not (directives and directives[0].kind == "%" and directives[0].value.startswith("at ")):
                self.said = self.chat.open(self.transcript.flow)
            for directive in directives:
                getattr(
                    self,
                    "do_"
                    + {
                        ">": "send",
                        "@": "at",
                        "~": "says",
                        "!~": "not_says",
                        "1~": "says_once",
                        "*": "button",
                        "=": "status",
                        "%": "action",
                        "+": "person",
                    }[directive.kind],
                )(directive)
        finally:
            self.coach.store.close()

    def do_send(self, d: Directive) -> None:
        text = _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), d.value).replace("{token}", self.token)
        self.said = self.chat.send(text)
        for link in _LINK.finditer(self.words()):
            self.token = link.group(1)

    def onboard(self) -> None:
        if self.transcript.onboarded:
            with self.coach.transaction(self.chat.chat) as tx:
                tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})

    def do_person(self, d: Directive) -> None:
        self.chat = TerminalChat(self.coach, d.value)
        self.onboard()
        self.said = []

    def do_at(self, d: Directive) -> None:
        """The saved session stands at the step; a question the bot just asked must be that step's."""
        flow, _, step = d.value.rpartition(":")
        state = self.coach.peek(self.chat.chat)
        if state is None:
            self.check(d, False, f"{self.where(d)}: expected step '{step}', but no session is open")
            return
        asked = [r.step_id for r in self.said if r.step_id is not None]
        now = f"{state.flow_id}:{state.step_id}" if flow else state.step_id
        if state.step_id != step:
            failure = f"{self.where(d)}: expected step '{step}', the session is at '{state.step_id}'"
        elif flow and state.flow_id != flow:
            failure = f"{self.where(d)}: expected flow '{flow}', the session is in '{state.flow_id}'"
        else:
            failure = f"{self.where(d)}: the bot last asked '{asked[-1] if asked else ''}', not '{step}'"
        fits = not asked or asked[-1] == state.step_id  # a rewrite to where the session is would pass
        self.check(
            d,
            state.step_id == step and (not flow or state.flow_id == flow) and (not asked or asked[-1] == step),
            failure,
            f"@ {now}" if fits else None,
        )

    def do_says(self, d: Directive) -> None:
        line = closest(d.value, self.lines())
        self.check(
            d,
            d.value.casefold() in self.words().casefold(),
            f"{self.where(d)}: expected the bot to say {d.value!r}; it said: {self.words()!r}",
            None if line is None else f"~ {line}",
        )

    def do_says_once(self, d: Directive) -> None:
        count = self.words().casefold().count(d.value.casefold())
        assert count == 1, (
            f"{self.where(d)}: expected the bot to say {d.value!r} once, it said it {count} times: {self.words()!r}"
        )

    def do_not_says(self, d: Directive) -> None:
        self.check(
            d,
            d.value.casefold() not in self.words().casefold(),
            f"{self.where(d)}: the bot said {d.value!r}, which it must not: {self.words()!r}",
        )

    def do_button(self, d: Directive) -> None:
        question = self.chat.question
        labels = [b.label for b in question.buttons] if question else []
        label = closest(d.value, labels)
        self.check(
            d,
            d.value in labels,
            f"{self.where(d)}: expected a button {d.value!r}; buttons are {labels}",
            None if label is None else f"* {label}",
        )

    def do_status(self, d: Directive) -> None:
        state = self.coach.peek(self.chat.chat)
        actual = "open" if state is not None else "ended"
        failure = f"{self.where(d)}: expected the session to be {d.value}, it is {actual}"
        self.check(d, actual == d.value, failure, f"= {actual}")

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def do_action(self, d: Directive) -> None:
        if d.value.startswith("at "):
            self.start_at(d)
            return
        wait = re.fullmatch(r"wait (\d+)([mhd])", d.value)
        assert d.value == "restart" or wait, f"{self.where(d)}: unknown action {d.value!r}"
        if wait:
            unit = {"m": "minutes", "h": "hours", "d": "days"}[wait.group(2)]
            self.offset += timedelta(**{unit: int(wait.group(1))})
        self.coach.store.close()
        self.coach = self.open_coach()
        self.coach.clock = self.now
        self.chat = TerminalChat(self.coach, self.name)
        self.said = self.chat.open(None)

    def start_at(self, d: Directive) -> None:
        """`% at flow:step name=value ...`: the flow afresh at that step, through the engine's
        own start (`Coach.open` with `at`), every name checked as `hedgehog chat --at` does."""
        words = shlex.split(d.value)[1:]
        try:
            flow_id, step, variables = start_at(self.coach, words[0] if words else "", words[1:])
        except (HedgehogError, ValueError) as error:
            raise ValueError(f"{self.where(d)}: {error}") from None
        self.said = self.chat.open(flow_id, at=step, variables=variables)
