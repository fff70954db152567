"""The pure dialogue engine: no Telegram, no database.

Code outside this package imports from here: the `Engine`, what it returns (`Result`),
and the plain values that cross its boundary (`state`: sessions, events, replies, effects).
"""

from bot.engine.effects import VALUES as EFFECT_VALUES
from bot.engine.engine import NO_REDIRECT, SYSTEM_PROMPTS, Engine, Redirect, Result
from bot.engine.state import (
    Assign,
    Attachment,
    Button,
    Choice,
    Command,
    ConfirmCrisis,
    Effect,
    EraseData,
    Event,
    Expects,
    FlowEnded,
    Frame,
    MarkHomeworkDone,
    NoteSafety,
    RecordAnswer,
    RecordJournal,
    Reply,
    SavePlan,
    ScheduleFollowUp,
    SessionState,
    SetCountry,
    SetFollowUps,
    Share,
    Status,
    Text,
    UndoSafety,
    Unsupported,
)

__all__ = [
    "EFFECT_VALUES", "NO_REDIRECT", "SYSTEM_PROMPTS", "Assign", "Attachment", "Button", "Choice", "Command",
    "ConfirmCrisis", "Effect", "Engine", "EraseData", "Event", "Expects", "FlowEnded", "Frame", "MarkHomeworkDone",
    "NoteSafety", "RecordAnswer", "RecordJournal", "Redirect", "Reply", "Result", "SavePlan", "ScheduleFollowUp",
    "SessionState", "SetCountry", "SetFollowUps", "Share", "Status", "Text", "UndoSafety", "Unsupported",
]
