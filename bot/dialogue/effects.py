"""Every effect a step can have, defined once: how a flow file writes it, what it reads,
and the value the engine hands the service for it.

One entry per kind in `EFFECTS`. The loader reads an effect's parameters by their types
(and reports what is missing or malformed), the checker knows from the entry which
variables it reads and which flows it names, and the engine builds the entry's value
(a class of `bot.engine.state`, named here by its name, since this layer never imports
the engine) from the fields below. `tests/test_effects.py` proves the names and fields
agree with the value classes.

Adding an effect: one entry here, a value class in `engine/state.py` if none fits, and
its handler in the service (see CONTRIBUTING-effects.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# How a parameter is written in the file, and what it stands for at run time:
#   var    a variable name; the value is the variable's value
#   vars   a non-empty list of variable names; the value is {name: value}
#   text   text, taken as written
#   flow   a flow id (the checker makes sure the flow exists), taken as written
#   delay  a delay such as 20m, 2h, 1d, evening, tomorrow, sunday, taken as written
ParamType = Literal["var", "vars", "text", "flow", "delay"]


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: ParamType = "var"
    required: bool = True
    default: Any = None  # the value of an optional parameter that is not written


# Where a field of the value comes from.
@dataclass(frozen=True, slots=True)
class Given:
    """The run-time value of one parameter (its default when it is not written)."""

    param: str


@dataclass(frozen=True, slots=True)
class AllGiven:
    """Every parameter written, by name, with its run-time value."""


@dataclass(frozen=True, slots=True)
class Const:
    value: Any


@dataclass(frozen=True, slots=True)
class Called:
    """Whether the step's flow was called by another flow (not started or interrupted into)."""


Source = Given | AllGiven | Const | Called


@dataclass(frozen=True, slots=True)
class EffectSpec:
    kind: str
    value: str  # the `bot.engine.state` class the engine builds
    fields: Mapping[str, Source] = field(default_factory=dict)  # the value's fields besides flow_id, step_id
    params: tuple[Param, ...] = ()  # none: a flag, written `kind: true`
    doc: str = ""
    noun: str = ""  # how diagnostics name it ("its journal entry"); default "'kind' effect"
    bare: bool = False  # may also be written as the plain word `- kind`

    @property
    def flag(self) -> bool:
        return not self.params

    @property
    def name(self) -> str:
        return self.noun or f"'{self.kind}' effect"

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def reads(self, params: Mapping[str, Any]) -> frozenset[str]:
        """The variables an effect written with `params` reads."""
        names: set[str] = set()
        for p in self.params:
            if p.name in params and p.type == "var":
                names.add(params[p.name])
            elif p.name in params and p.type == "vars":
                names.update(params[p.name])
        return frozenset(names)

    def flows(self, params: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """The flow ids an effect written with `params` names, by parameter."""
        return [(p.name, params[p.name]) for p in self.params if p.type == "flow" and p.name in params]

    def build(self, params: Mapping[str, Any], variables: Mapping[str, Any], called: bool) -> dict[str, Any]:
        """The value's fields (besides flow_id and step_id) when its step is entered."""
        given = {p.name: _value(p, params[p.name], variables) for p in self.params if p.name in params}
        fields: dict[str, Any] = {}
        for name, source in self.fields.items():
            if isinstance(source, Given):
                fields[name] = given[source.param] if source.param in given else self.param(source.param).default
            elif isinstance(source, AllGiven):
                fields[name] = dict(given)
            elif isinstance(source, Const):
                fields[name] = source.value
            else:
                fields[name] = called
        return fields


def _value(param: Param, written: Any, variables: Mapping[str, Any]) -> Any:
    if param.type == "var":
        return variables.get(written)
    if param.type == "vars":
        return {name: variables.get(name) for name in written}
    return written


def _vars(*names: str, optional: tuple[str, ...] = ()) -> tuple[Param, ...]:
    return (*(Param(n) for n in names), *(Param(n, required=False) for n in optional))


_PLAN = ("warning_signs", "on_my_own", "people_places", "ask_for_help", "professionals", "safer")

EFFECTS: dict[str, EffectSpec] = {
    spec.kind: spec
    for spec in (
        EffectSpec(
            "journal",
            "RecordJournal",
            {"entry": Given("entry"), "values": Given("vars")},
            (Param("entry", "text"), Param("vars", "vars")),
            doc="A named journal entry made of the listed variables.",
            noun="journal entry",
        ),
        EffectSpec(
            "follow_up",
            "ScheduleFollowUp",
            {"target_flow": Given("flow"), "after": Given("after")},
            (Param("flow", "flow"), Param("after", "delay")),
            doc="Start a flow later.",
            noun="follow-up",
        ),
        EffectSpec(
            "homework_done",
            "MarkHomeworkDone",
            {"called": Called()},
            doc="Counts as doing this flow, if a therapist assigned it.",
            bare=True,
        ),
        EffectSpec("delete_my_data", "EraseData", doc="Erase everything stored about the person."),
        EffectSpec(
            "note_unsafe",
            "NoteSafety",
            {"unsafe": Const(True)},
            doc="The person is not safe with a partner: flows tagged moves-toward-partner are replaced.",
        ),
        EffectSpec("clear_unsafe", "NoteSafety", {"unsafe": Const(False)}, doc="Reviewing it, the person is safe."),
        EffectSpec(
            "set_followups",
            "SetFollowUps",
            {"when": Given("when"), "local_time": Given("local_time")},
            _vars("when", optional=("local_time",)),
            doc="When follow-ups are welcome and, if given, the time it is for the person.",
        ),
        EffectSpec(
            "assign",
            "Assign",
            {"values": AllGiven()},
            _vars("flow", "cadence", "alias", optional=("weeks", "due", "note")),
            doc="A therapist's /assign: creates the assignment and its link.",
        ),
        EffectSpec(
            "share",
            "Share",
            {"level": Given("level")},
            _vars("level"),
            doc="A client's answer to homework: what they share with the therapist.",
        ),
        EffectSpec(
            "set_country",
            "SetCountry",
            {"country": Given("country")},
            _vars("country"),
            doc='Where the person is (an ISO country code, or "default"): the crisis lines they see.',
        ),
        EffectSpec(
            "confirm_crisis",
            "ConfirmCrisis",
            {"kind": Given("kind"), "sure": Given("sure")},
            (Param("kind"), Param("sure", required=False, default=True)),
            doc="A clarifying question was answered with danger (or, `sure` false, 'not sure'): the crisis path of "
            "that kind starts; only a sure answer notes partner violence.",
        ),
        EffectSpec(
            "undo_unsafe",
            "UndoSafety",
            {"set_here": Given("set_here")},
            _vars("set_here"),
            doc="'That's not what I meant': lifts a not-safe note only when `set_here` is true.",
        ),
        EffectSpec(
            "save_plan",
            "SavePlan",
            {"sections": AllGiven()},
            _vars(optional=_PLAN),
            doc="The personal safety plan: each section named from a variable; others are left as they were.",
        ),
    )
}
