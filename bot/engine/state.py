"""Plain values that cross the engine's boundary: session state, events in, replies and effects out.

Nothing here imports Telegram or the database; transports and storage translate to
and from these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.dialogue.effects import (
    EFFECTS,
    Assign,
    ConfirmCrisis,
    Count,
    EraseData,
    MarkHomeworkDone,
    NoteSafety,
    RecordJournal,
    RunCommand,
    SavePlan,
    ScheduleFollowUp,
    SetCountry,
    SetFollowUps,
    Share,
    StepEffect,
    UndoSafety,
)

# The effect classes a step declares are defined (once each) in bot.dialogue.effects.
__all__ = [
    "EFFECT_CLASSES",
    "Assign",
    "Attachment",
    "Button",
    "Choice",
    "Command",
    "ConfirmCrisis",
    "Count",
    "Effect",
    "EraseData",
    "Event",
    "Expects",
    "FlowEnded",
    "Frame",
    "MarkHomeworkDone",
    "NoteSafety",
    "RecordAnswer",
    "RecordJournal",
    "Reply",
    "RunCommand",
    "SavePlan",
    "ScheduleFollowUp",
    "SessionState",
    "SetCountry",
    "SetFollowUps",
    "Share",
    "Status",
    "StepEffect",
    "Text",
    "UndoSafety",
    "Unsupported",
]

Status = Literal["active", "completed", "stopped"]
Expects = Literal["choice", "text", "scale", "nothing"]


@dataclass(frozen=True, slots=True)
class Frame:
    """A caller waiting for a called flow to return: it goes on with `step_id`'s `next`.
    A `resume` frame was interrupted (e.g. by crisis support) while waiting at `step_id`:
    when the interruption ends, that question is asked again, and the question count goes
    on from `asked` (the questions of the visit so far, that one included)."""

    flow_id: str
    flow_version: int
    step_id: str
    resume: bool = False
    asked: int = 0


@dataclass(frozen=True, slots=True)
class SessionState:
    """Where one chat stands in one flow. Stored as one row; `vars` as JSON.

    `seq` grows by one each time the session moves to a new step, so a button that
    names an older `seq` is known to be stale. `asked` counts the questions put to the
    person in this visit, the waiting one included, across the flows it called: the N of
    "question N of about M" (an interruption, such as /break, counts its own).
    """

    flow_id: str
    flow_version: int
    step_id: str
    vars: dict[str, Any] = field(default_factory=dict)
    stack: tuple[Frame, ...] = ()
    seq: int = 0
    status: Status = "active"
    asked: int = 0


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
class FlowEnded:
    """The outermost flow ended with `outcome`."""

    flow_id: str
    outcome: Status


# Every effect: an answer and an end the engine makes itself, and a `StepEffect` for each
# kind a step may declare (`bot.dialogue.effects`, where each is defined once).
Effect = RecordAnswer | FlowEnded | StepEffect
EFFECT_CLASSES: tuple[type[RecordAnswer | FlowEnded | StepEffect], ...] = (
    RecordAnswer,
    FlowEnded,
    *dict.fromkeys(spec.value for spec in EFFECTS.values()),
)
