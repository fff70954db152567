"""Plain values that cross the engine's boundary: session state, events in, replies and effects out.

Nothing here imports Telegram or the database; transports and storage translate to
and from these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["active", "completed", "stopped"]
Expects = Literal["choice", "text", "scale", "nothing"]


@dataclass(frozen=True, slots=True)
class Frame:
    """A caller waiting for a called flow to return: it goes on with `step_id`'s `next`.
    A `resume` frame was interrupted (e.g. by crisis support) while waiting at `step_id`:
    when the interruption ends, that question is asked again."""

    flow_id: str
    flow_version: int
    step_id: str
    resume: bool = False


@dataclass(frozen=True, slots=True)
class SessionState:
    """Where one chat stands in one flow. Stored as one row; `vars` as JSON.

    `seq` grows by one each time the session moves to a new step, so a button that
    names an older `seq` is known to be stale.
    """

    flow_id: str
    flow_version: int
    step_id: str
    vars: dict[str, Any] = field(default_factory=dict)
    stack: tuple[Frame, ...] = ()
    seq: int = 0
    status: Status = "active"


# ---------------------------------------------------------------- events in


@dataclass(frozen=True, slots=True)
class Text:
    """Free text the person typed."""

    text: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A button pressed. `step_id` and `seq` come from the button, to detect stale ones."""

    choice_id: str
    step_id: str | None = None
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command, e.g. `/skip` or `/start payload`."""

    name: str
    argument: str = ""


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Something that is not an answer: a photo, a sticker, a voice note, a file..."""

    kind: str


Event = Text | Choice | Command | Unsupported


# ---------------------------------------------------------------- replies out


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to hand the person (an export): Telegram sends a document, the terminal saves it."""

    filename: str
    content: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show. `text` is Telegram-flavoured HTML with everything a person
    wrote already escaped; the terminal strips the tags.

    `step_id`/`seq` are set on the message that asks for the current step's answer, so
    a transport can put them in button payloads.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    expects: Expects = "nothing"
    step_id: str | None = None
    seq: int | None = None
    scale: tuple[int, int] | None = None
    progress: tuple[int, int] | None = None
    attachments: tuple[Attachment, ...] = ()


# ---------------------------------------------------------------- effects out


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    """An answer to keep in the journal (free text, a scale value or a choice)."""

    flow_id: str
    step_id: str
    variable: str
    value: Any


@dataclass(frozen=True, slots=True)
class RecordJournal:
    """A named journal entry made of several answers, e.g. a mapped cycle."""

    flow_id: str
    step_id: str
    entry: str
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ScheduleFollowUp:
    """Ask the service to start `flow_id` later. `after` is as written in the flow
    ("20m", "2h", "1d", "evening", "tomorrow"); the service turns it into a time."""

    flow_id: str
    step_id: str
    target_flow: str
    after: str


@dataclass(frozen=True, slots=True)
class MarkHomeworkDone:
    """The flow reached a step that counts as doing the homework. `called`: the flow was
    called by another (a check-in calling the break), not started or interrupted into."""

    flow_id: str
    step_id: str
    called: bool = False


@dataclass(frozen=True, slots=True)
class EraseData:
    """The person confirmed: erase everything stored about them."""

    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True)
class NoteSafety:
    """The person said they are not safe with a partner (`unsafe`), or, reviewing it, that
    they are."""

    flow_id: str
    step_id: str
    unsafe: bool


@dataclass(frozen=True, slots=True)
class SetFollowUps:
    """When follow-ups are welcome ("any", "daytime", "none") and, if given, the time it
    is for the person now (from which the service works out their time zone)."""

    flow_id: str
    step_id: str
    when: Any
    local_time: Any


@dataclass(frozen=True, slots=True)
class Assign:
    """A therapist finished /assign: create the assignment from `values` (flow, cadence,
    alias, and optionally weeks, due, note: the variables' values)."""

    flow_id: str
    step_id: str
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Share:
    """A client chose what a therapist sees of their homework: "completion", "answers" or
    "declined"."""

    flow_id: str
    step_id: str
    level: Any


@dataclass(frozen=True, slots=True)
class SetCountry:
    """Where the person said they are (a country code, or "default"), for the crisis lines."""

    flow_id: str
    step_id: str
    country: Any


@dataclass(frozen=True, slots=True)
class ConfirmCrisis:
    """A clarifying question was answered with danger (or "not sure"): start the crisis
    path of `kind` (a crisis category)."""

    flow_id: str
    step_id: str
    kind: Any
    sure: Any = True


@dataclass(frozen=True, slots=True)
class UndoSafety:
    """ "That's not what I meant": lift a not-safe note, if `set_here` (the message that
    started this crisis support set it)."""

    flow_id: str
    step_id: str
    set_here: Any


@dataclass(frozen=True, slots=True)
class SavePlan:
    """Sections of the personal safety plan, in the person's words (None: left empty)."""

    flow_id: str
    step_id: str
    sections: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FlowEnded:
    """The outermost flow ended with `outcome`."""

    flow_id: str
    outcome: Status


Effect = (
    RecordAnswer
    | RecordJournal
    | ScheduleFollowUp
    | MarkHomeworkDone
    | EraseData
    | NoteSafety
    | SetFollowUps
    | Assign
    | Share
    | SetCountry
    | ConfirmCrisis
    | UndoSafety
    | SavePlan
    | FlowEnded
)
