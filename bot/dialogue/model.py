"""The dialogue files as frozen, typed values. Built by `loader`, read by the engine and checker.

Every value keeps the line it came from, so the checker can point at it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["completed", "stopped"]
# The variable the bot fills in every flow: true while the person is noted as not safe
# with a partner. Steps tagged `toward-partner` must be gated on it (HH025).
NOT_SAFE_VAR = "not_safe"
TOWARD_PARTNER_TAG = "toward-partner"
GATED_TAG = "moves-toward-partner"
# A flow tag: what the person's own words seem to mean is always asked back ("Did you mean:
# I'm safe for now?"), never taken on a guess (the crisis paths and the clarifying question).
CONFIRM_GUESSES_TAG = "confirm-guesses"  # a flow tag: the whole flow is replaced for someone not safe

# Telegram limits the checker enforces.
MAX_LABEL = 40  # characters a button shows without being cut on a phone
MAX_PAYLOAD = 64  # bytes of callback_data
MAX_SEQ_DIGITS = 7  # a session would need ten million steps to outgrow this
SKIP_CHOICE = "skip"  # the choice id of the Skip button a skippable question gets
DEFAULT_MAX_LENGTH = 1000
LIMIT_MAX_LENGTH = 4000


def callback_payload(step_id: str, seq: int, choice_id: str) -> str:
    """What a button carries back: its step, the session's step counter, its choice."""
    return f"{step_id}|{seq}|{choice_id}"


_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() also takes "²" and "٣", which int() refuses


def _number(text: str, digits: int) -> int | None:
    if not text or len(text) > digits or not set(text) <= _DIGITS:
        return None
    return int(text)


def parse_callback_payload(data: str) -> tuple[str, int, str] | None:
    """`step|seq|choice` back from a button, or None for anything else: the one parser for
    every kind of button (a flow's, and the service's `@share-…`/`@unassign-…`). Telegram
    caps the data at 64 bytes; a forged one can hold anything."""
    if len(data) > MAX_PAYLOAD or len(data.encode("utf-8", "replace")) > MAX_PAYLOAD or "\x00" in data:
        return None
    parts = data.split("|")
    if len(parts) != 3:
        return None
    step_id, seq, choice_id = parts
    number = _number(seq, MAX_SEQ_DIGITS)
    if number is None or not step_id or not choice_id:
        return None
    return step_id, number, choice_id


def button_target(step_id: str, prefix: str) -> int | None:
    """The row id a service-level button names after its prefix ("@share-12" -> 12), or None."""
    if not step_id.startswith(prefix):
        return None
    return _number(step_id[len(prefix) :], 12)


def worst_case_payload(step_id: str, choice_id: str) -> str:
    return callback_payload(step_id, 10**MAX_SEQ_DIGITS - 1, choice_id)


@dataclass(frozen=True, slots=True)
class Route:
    """One way out of a step: go to `goto`, if `when` (a Jinja expression) holds."""

    goto: str
    when: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ChoiceDef:
    id: str
    label: str
    goto: str | None
    set: Mapping[str, Any]
    line: int
    # Words and phrases a person may type for this button besides its label ("yes", "I want
    # to text them"): read by `answers` (exactly, with typos, by meaning). `also:` in YAML.
    also: tuple[str, ...] = ()
    also_line: int = 0


@dataclass(frozen=True, slots=True)
class FlowChoices:
    """`- each_flow: {tagged: TAG, set: VAR, title: VAR}`: one button per flow whose tag TAG
    is true, labelled with its title, setting VAR to its id (and the title VAR to its
    title). Expanded into plain choices once every flow has loaded."""

    tagged: str
    set: str
    title: str | None
    goto: str | None
    line: int


@dataclass(frozen=True, slots=True)
class AskDef:
    var: str
    max_length: int
    skippable: bool
    line: int


@dataclass(frozen=True, slots=True)
class ScaleDef:
    var: str
    low: int
    high: int
    line: int
    skippable: bool = True  # every scale has a Skip button unless its author says `skippable: false`


@dataclass(frozen=True, slots=True)
class EffectDef:
    """An effect as a step writes it: its kind (a key of `effects.EFFECTS`) and its
    parameters as written (variable names, texts, flow ids)."""

    kind: str
    params: Mapping[str, Any]
    line: int


@dataclass(frozen=True, slots=True)
class Say:
    """A step's words: a template file under prompts/, or inline template text."""

    source: str
    is_file: bool
    line: int

    @property
    def template_name(self) -> str:
        return self.source if self.is_file else f"<inline:{self.line}>"


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    line: int
    say: Say | None = None
    choices: tuple[ChoiceDef, ...] = ()
    ask: AskDef | None = None
    scale: ScaleDef | None = None
    call: str | None = None
    call_line: int = 0
    next: tuple[Route, ...] = ()
    effects: tuple[EffectDef, ...] = ()
    end: Outcome | None = None
    flow_choices: FlowChoices | None = None  # expanded into `choices` by the loader
    tags: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"toward-partner": True}

    @property
    def toward_partner(self) -> bool:
        """The step addresses the partner or moves the person toward them."""
        return self.tags.get(TOWARD_PARTNER_TAG) is True

    @property
    def waits(self) -> bool:
        """True when the step waits for the person (buttons, text or a scale)."""
        return bool(self.choices or self.ask or self.scale)

    def choice(self, choice_id: str) -> ChoiceDef | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    def targets(self) -> Iterator[str]:
        """Every step this one can lead to within its flow."""
        for choice in self.choices:
            if choice.goto:
                yield choice.goto
        for route in self.next:
            yield route.goto


@dataclass(frozen=True, slots=True)
class Migration:
    """What changed in `version`: old step ids mapped to new ones, defaults for new variables."""

    version: int
    steps: Mapping[str, str]
    vars: Mapping[str, Any]
    line: int
    step_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    version: int
    title: str
    summary: str
    tags: Mapping[str, Any]
    start: str
    vars: Mapping[str, Any]
    steps: Mapping[str, Step]
    migrations: tuple[Migration, ...]
    path: Path
    line: int = 1
    start_line: int = 1

    @property
    def assignable(self) -> bool:
        return self.tags.get("assignable") is True

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]


@dataclass(frozen=True, slots=True)
class Library:
    """Every flow that loaded, by id, and the directories their prompts are looked up in."""

    flows: Mapping[str, Flow]
    prompts: tuple[Path, ...]
    # The ids of flows whose files could not be read at all (their file name, and the `flow:`
    # line if one could be found): already reported there, so a call to one is not reported
    # again as a call to a flow that does not exist.
    broken: frozenset[str] = frozenset()
    # The variables each prompt and condition reads, as the check found them ("file:NAME",
    # "inline:SOURCE", "condition:SOURCE"): the engine's templates take them instead of
    # parsing every prompt again (a kept library is kept with them; its key covers every
    # prompt file, so they are never stale).
    reads: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, flow_id: object) -> bool:
        return flow_id in self.flows

    def __getitem__(self, flow_id: str) -> Flow:
        return self.flows[flow_id]
