"""Dialogue files: loading, checking, templates and diagrams. Pure: no Telegram, no
database, no engine.

Code outside this package imports from here: the loaded values (`Library`, `Flow`,
`Step`, ...), every effect kind's definition (`EFFECTS`), the checker and its
diagnostics, the templates, the diagrams and the button payload codec.
"""

from bot.dialogue import answers
from bot.dialogue.check import CheckResult, check_paths, load_checked
from bot.dialogue.diagnostics import RULES, Diagnostic, Report, Severity
from bot.dialogue.effects import COUNT_KINDS, EFFECTS, EffectSpec, Param, Render
from bot.dialogue.graph import dot, mermaid
from bot.dialogue.library import flow_files, load_library
from bot.dialogue.model import (
    CONFIRM_GUESSES_TAG,
    GATED_TAG,
    NOT_SAFE_VAR,
    SKIP_CHOICE,
    TOWARD_PARTNER_TAG,
    AskDef,
    ChoiceDef,
    EffectDef,
    Flow,
    Library,
    Migration,
    Route,
    Say,
    ScaleDef,
    Step,
    button_target,
    callback_payload,
    parse_callback_payload,
)
from bot.dialogue.templates import Condition, Prompt, Templates

__all__ = [
    "CONFIRM_GUESSES_TAG",
    "COUNT_KINDS",
    "EFFECTS",
    "GATED_TAG",
    "NOT_SAFE_VAR",
    "RULES",
    "SKIP_CHOICE",
    "TOWARD_PARTNER_TAG",
    "AskDef",
    "CheckResult",
    "ChoiceDef",
    "Condition",
    "Diagnostic",
    "EffectDef",
    "EffectSpec",
    "Flow",
    "Library",
    "Migration",
    "Param",
    "Prompt",
    "Render",
    "Report",
    "Route",
    "Say",
    "ScaleDef",
    "Severity",
    "Step",
    "Templates",
    "answers",
    "button_target",
    "callback_payload",
    "check_paths",
    "dot",
    "flow_files",
    "load_checked",
    "load_library",
    "mermaid",
    "parse_callback_payload",
]
