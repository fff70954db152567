"""Every effect a step can have, defined once: how a flow file writes it, what it reads,
and the value the engine hands the service for it.

Each kind is one value class below with its definition on top (`@effect(...)`): how a flow
writes it (its parameters and their types), what it reads, and where each field of the
value comes from. `EFFECTS` collects them by kind. The loader reads an effect's
parameters by their types (and reports what is missing or malformed), the checker knows
from the entry which variables it reads and which flows it names, and the engine builds
the value (`bot.engine.effects.build`). The values are plain data, so they live here, in
the layer that defines the kinds; `bot.engine.state` re-exports them with the two effects
the engine makes itself (an answer, the end of a flow).

Adding an effect touches two places: its class and definition here, and its handler in the
coach (`bot/coach/effects.py`). See CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

# How a parameter is written in the file, and what it stands for at run time:
#   var    a variable name; the value is the variable's value
#   vars   a non-empty list of variable names; the value is {name: value}
#   text   text, taken as written
#   flow   a flow id (the checker makes sure the flow exists), taken as written
#   delay  a delay such as 20m, 2h, 1d, evening, tomorrow, sunday, taken as written
#   words  a variable name (its value), or a prompt file ending in .j2, rendered with the
#          flow's variables when the step is entered, as plain text (tags gone)
ParamType = Literal["var", "vars", "text", "flow", "delay", "words"]
# Renders a prompt file named by a `words` parameter with the step's variables, as plain text.
Render = Callable[[str], str]


def is_template(written: object) -> bool:
    """Whether a `words` parameter names a prompt file rather than a variable."""
    return isinstance(written, str) and written.endswith(".j2")


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
class StepEffect:
    """What a step's effect becomes when the step is entered: the flow and step it came
    from, and (in each kind's subclass) the fields its definition fills."""

    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True)
class EffectSpec:
    kind: str
    value: type[StepEffect]  # the class the engine builds
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
            if p.name in params and (p.type == "var" or (p.type == "words" and not is_template(params[p.name]))):
                names.add(params[p.name])
            elif p.name in params and p.type == "vars":
                names.update(params[p.name])
        return frozenset(names)

    def templates(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The prompt files an effect written with `params` renders, by parameter."""
        return [(p.name, params[p.name]) for p in self.params if p.type == "words" and is_template(params.get(p.name))]

    def flows(self, params: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """The flow ids an effect written with `params` names, by parameter."""
        return [(p.name, params[p.name]) for p in self.params if p.type == "flow" and p.name in params]

    def build(
        self, params: Mapping[str, Any], variables: Mapping[str, Any], called: bool, render: Render | None = None
    ) -> dict[str, Any]:
        """The value's fields (besides flow_id and step_id) when its step is entered; `render`
        renders the prompt files `words` parameters name (without it, they are None)."""
        given = {p.name: _value(p, params[p.name], variables, render) for p in self.params if p.name in params}
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


def _value(param: Param, written: Any, variables: Mapping[str, Any], render: Render | None) -> Any:
    if param.type == "words" and is_template(written):
        return render(written) if render is not None else None
    if param.type in ("var", "words"):
        return variables.get(written)
    if param.type == "vars":
        return {name: variables.get(name) for name in written}
    return written


def _vars(*names: str, optional: tuple[str, ...] = ()) -> tuple[Param, ...]:
    return (*(Param(n) for n in names), *(Param(n, required=False) for n in optional))


_PLAN = ("warning_signs", "on_my_own", "people_places", "ask_for_help", "professionals", "safer")

EFFECTS: dict[str, EffectSpec] = {}
T = TypeVar("T", bound=type[StepEffect])


def effect(
    kind: str,
    fields: Mapping[str, Source] | None = None,
    params: tuple[Param, ...] = (),
    doc: str = "",
    noun: str = "",
    bare: bool = False,
) -> Callable[[T], T]:
    """Define the kind `kind` as the class below (stack two for two kinds of one class)."""

    def define(value: T) -> T:
        EFFECTS[kind] = EffectSpec(kind, value, dict(fields or {}), params, doc, noun, bare)
        return value

    return define


@effect(
    "journal",
    {"entry": Given("entry"), "values": Given("vars")},
    (Param("entry", "text"), Param("vars", "vars")),
    doc="A named journal entry made of the listed variables.",
    noun="journal entry",
)
@dataclass(frozen=True, slots=True)
class RecordJournal(StepEffect):
    """A named journal entry made of several answers, e.g. a mapped cycle."""

    entry: str
    values: dict[str, Any]


@effect(
    "follow_up",
    {"target_flow": Given("flow"), "after": Given("after"), "planned": Given("planned"), "plan": Given("plan")},
    (
        Param("flow", "flow"),
        Param("after", "delay"),
        Param("planned", required=False),
        Param("plan", "words", required=False),
    ),
    doc="Start a flow later.",
    noun="follow-up",
)
@dataclass(frozen=True, slots=True)
class ScheduleFollowUp(StepEffect):
    """Ask the service to start `target_flow` later. `after` is as written in the flow
    ("20m", "2h", "1d", "evening", "tomorrow"); the service turns it into a time.
    `planned`: when the person chose to take their step ("now", "later today",
    "tomorrow"...), which, when it names a time, decides when the look back comes instead
    of `after`; `plan`: the step in their own words (a variable's value, or a prompt file
    rendered with the flow's variables), handed to the follow-up to read back."""

    target_flow: str
    after: str
    planned: Any = None
    plan: Any = None


@effect(
    "homework_done",
    {"called": Called()},
    doc="Counts as doing this flow, if a therapist assigned it.",
    bare=True,
)
@dataclass(frozen=True, slots=True)
class MarkHomeworkDone(StepEffect):
    """The flow reached a step that counts as doing the homework. `called`: the flow was
    called by another (a check-in calling the break), not started or interrupted into."""

    called: bool = False


@effect("delete_my_data", doc="Erase everything stored about the person.")
@dataclass(frozen=True, slots=True)
class EraseData(StepEffect):
    """The person confirmed: erase everything stored about them."""


@effect("clear_unsafe", {"unsafe": Const(False)}, doc="Reviewing it, the person is safe.")
@effect(  # (decorators apply from the bottom up: note_unsafe is defined first)
    "note_unsafe",
    {"unsafe": Const(True)},
    doc="The person is not safe with a partner: flows tagged moves-toward-partner are replaced.",
)
@dataclass(frozen=True, slots=True)
class NoteSafety(StepEffect):
    """The person said they are not safe with a partner (`unsafe`), or, reviewing it, that
    they are."""

    unsafe: bool


@effect(
    "set_followups",
    {"when": Given("when"), "local_time": Given("local_time")},
    _vars("when", optional=("local_time",)),
    doc="When follow-ups are welcome and, if given, the time it is for the person.",
)
@dataclass(frozen=True, slots=True)
class SetFollowUps(StepEffect):
    """When follow-ups are welcome ("any", "daytime", "none") and, if given, the time it
    is for the person now (from which the service works out their time zone)."""

    when: Any
    local_time: Any


@effect(
    "assign",
    {"values": AllGiven()},
    _vars("flow", "cadence", "alias", optional=("weeks", "due", "note")),
    doc="A therapist's /assign: creates the assignment and its link.",
)
@dataclass(frozen=True, slots=True)
class Assign(StepEffect):
    """A therapist finished /assign: create the assignment from `values` (flow, cadence,
    alias, and optionally weeks, due, note: the variables' values)."""

    values: dict[str, Any]


@effect(
    "share",
    {"level": Given("level")},
    _vars("level"),
    doc="A client's answer to homework: what they share with the therapist.",
)
@dataclass(frozen=True, slots=True)
class Share(StepEffect):
    """A client chose what a therapist sees of their homework: "completion", "answers" or
    "declined"."""

    level: Any


@effect(
    "set_country",
    {"country": Given("country")},
    _vars("country"),
    doc='Where the person is (an ISO country code, or "default"): the crisis lines they see.',
)
@dataclass(frozen=True, slots=True)
class SetCountry(StepEffect):
    """Where the person said they are (a country code, or "default"), for the crisis lines."""

    country: Any


@effect(
    "confirm_crisis",
    {"kind": Given("kind"), "sure": Given("sure")},
    (Param("kind"), Param("sure", required=False, default=True)),
    doc="A clarifying question was answered with danger (or, `sure` false, 'not sure'): the crisis path of "
    "that kind starts; only a sure answer notes partner violence.",
)
@dataclass(frozen=True, slots=True)
class ConfirmCrisis(StepEffect):
    """A clarifying question was answered with danger (or "not sure"): start the crisis
    path of `kind` (a crisis category)."""

    kind: Any
    sure: Any = True


@effect(
    "run_command",
    {"name": Given("name")},
    _vars("name"),
    doc="Run the command the variable names (without its slash), as if the person had sent it: "
    "the did-you-mean question for a mistyped command ends with it.",
)
@dataclass(frozen=True, slots=True)
class RunCommand(StepEffect):
    """The person agreed to the command a typo stood for ("/brake" -> /break): the coach runs it."""

    name: Any


@effect(
    "undo_unsafe",
    {"set_here": Given("set_here")},
    _vars("set_here"),
    doc="'That's not what I meant': lifts a not-safe note only when `set_here` is true.",
)
@dataclass(frozen=True, slots=True)
class UndoSafety(StepEffect):
    """ "That's not what I meant": lift a not-safe note, if `set_here` (the message that
    started this crisis support set it)."""

    set_here: Any


@effect(
    "save_plan",
    {"sections": AllGiven()},
    _vars(optional=_PLAN),
    doc="The personal safety plan: each section named from a variable; others are left as they were.",
)
@dataclass(frozen=True, slots=True)
class SavePlan(StepEffect):
    """Sections of the personal safety plan, in the person's words (None: left empty)."""

    sections: dict[str, Any]


# What `count` may say: a check-in that reached the exercise it offers, or an exercise
# that was done to its end. `bot.features.counts` counts these records and nothing else.
COUNT_KINDS = ("checkin", "exercise")


@effect(
    "count",
    {"what": Given("what"), "called": Called()},
    (Param("what", "text"),),
    doc="This step is where the flow counts, for /progress, the weekly review, the export and a therapist: "
    "'checkin' where a check-in reaches the exercise it offers, 'exercise' on the last step of an exercise done "
    "to its end. In a run started from a therapist's homework, this is where the homework is done.",
    noun="count",
)
@dataclass(frozen=True, slots=True)
class Count(StepEffect):
    """The step where a flow counts: a check-in reached its exercise offer (`what` "checkin"),
    an exercise was done to its end ("exercise"). Reached through a replacement (violence
    support runs instead) or never reached (stopped, restarted) it is not recorded."""

    what: str
    called: bool = False  # the flow was called by another (the break a check-in hands), not started
