"""The dialogue guide's tone rules (`dialogues/README.md`, "Tone"), checked.

Each is a warning (an error under `hedgehog check --strict`), reported where the words are:
a template's own file:line, naming the step that says it.

- HH041: a directive ("you should", "you must", "you need to") in a prompt;
- HH042: a button label over 24 characters (40 is the hard limit, HH016);
- HH043: more than one question in a step's words;
- HH044: a step longer than a phone shows without scrolling (`fits_on_screen`);
- HH045: more than 8 questions from a flow's first message to the start of an exercise.

A step accepts a rule on purpose with a reason in its tags, read by people reviewing it:
`tags: {allow: {HH045: "the person chose to start a check-in here"}}` (HH046 when the code
is not one of these rules, or the reason is missing).

A prompt is read from Jinja's syntax tree, never rendered: at an `{% if %}` the branch that
breaks the rule most is the one measured, a `{{ value }}` counts as `NOMINAL` characters
(a person's words are read back cut short by `fit`), and an `{% include %}` is followed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from bot.dialogue.diagnostics import RULES, Report
from bot.dialogue.model import MAX_LABEL, Flow, Library, Step
from bot.dialogue.templates import Templates

ALLOW_TAG = "allow"
LABEL_AIM = 24  # characters: the guide's aim; two such buttons share a row on a phone
MOMENT = 8  # questions, at most, from the first message to the start of an exercise
# The screen (HH044). A 360 x 640 dp phone, the narrowest common Android screen (taller
# phones show more), Telegram's default 16 sp message text on 22 dp lines. Of the 640 dp,
# the status bar (24), the chat's title bar (56) and the message field (48) leave 512 dp,
# and the bubble's padding 16 dp: 22 lines. A row of buttons is 44 dp, two lines; the
# progress line under a question ("3 of about 8") one. The bubble leaves about 260 dp for
# text, where Chromium, laying out the shipped prompts' 486 paragraphs in Liberation Sans
# (Arial's widths, close to Roboto's) at 16 px, takes 1,465 lines; 34 characters a line
# estimates 1,472 (`tests/preview/test_screen.py` measures it again and prints the figures).
SCREEN_LINES = 22
CHARS_PER_LINE = 34
BUTTON_ROW_LINES = 2
PAIRED_LABEL = 18  # a label longer than this gets a row of its own (telegram/render.py)
NOMINAL = 20  # characters a `{{ value }}` is counted as

# "you should", and the other ways of telling a person what to do. Not after "if", "when",
# "do"... ("if you need to stop", "do you need to take a break?"), which ask or offer.
_DIRECTIVE = re.compile(
    r"\b(you(?:'d| really| just| still)? (?:should|must|ought to|need to|have to|had better|'d better|"
    r"gotta|have got to|'ve got to)|shouldn't you|why don't you)\b",
    re.IGNORECASE,
)
_NOT_DIRECTIVE = re.compile(
    r"\b(if|when|whenever|do|did|don't|what|whatever|anything|all|everything|unless|until|as much as)\s+$",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?+(?=[\s<)\]]|$)")
_TAG = re.compile(r"<[^>]+>")
_QUOTES = {'"': '"', "\u201c": "\u201d"}


@dataclass(frozen=True, slots=True)
class Piece:
    """Some of what a prompt shows: its text, the line it starts on, and whether it is the
    author's words (a `{{ value }}` is not)."""

    text: str
    line: int
    literal: bool


@dataclass(frozen=True, slots=True)
class Words:
    """One prompt, read for the tone rules. Lines are the prompt's own (1 is its first)."""

    directives: tuple[tuple[int, str], ...]
    questions: tuple[int, ...]  # the line of each question on the branch with the most
    longest: str  # the branch with the most text, as shown (tags out, values as NOMINAL)


def allowed(step: Step) -> frozenset[str]:
    """The guide's rules a step accepts on purpose, each with its reason (HH046 otherwise)."""
    value = step.tags.get(ALLOW_TAG)
    if not isinstance(value, Mapping):
        return frozenset()
    return frozenset(
        str(code)
        for code, reason in value.items()
        if str(code) in RULES and RULES[str(code)].style and isinstance(reason, str) and reason.strip()
    )


def exercises(library: Library) -> frozenset[str]:
    """The flows that are exercises: those that count as one when done (HH029's rule)."""
    return frozenset(
        flow.id
        for flow in library.flows.values()
        for step in flow.steps.values()
        for effect in step.effects
        if effect.kind == "count" and effect.params.get("what") == "exercise"
    )


def button_rows(step: Step) -> int:
    """The rows of buttons Telegram shows under the step (as telegram/render.py lays them out)."""
    if step.scale is not None:
        return 2 + (1 if step.scale.skippable else 0)
    labels = [c.label for c in step.choices]
    if step.ask is not None and step.ask.skippable:
        labels.append("Skip")
    width = 1 if any(len(label) > PAIRED_LABEL for label in labels) else 2
    return math.ceil(len(labels) / width)


def screen_lines(text: str, step: Step) -> int:
    """How many lines of a phone the step takes: its words wrapped, its buttons, its progress."""
    words = sum(max(1, math.ceil(len(line.strip()) / CHARS_PER_LINE)) for line in text.strip().split("\n"))
    return words + BUTTON_ROW_LINES * button_rows(step) + (1 if step.waits else 0)


class StyleChecker:
    def __init__(self, library: Library, templates: Templates, report: Report) -> None:
        self.library = library
        self.templates = templates
        self.report = report
        self.read: dict[str, Words | None] = {}
        self.reported: set[tuple[str, Path, int]] = set()

    def run(self) -> None:
        for flow in self.library.flows.values():
            for step in flow.steps.values():
                self.allow_tag(flow, step)
                self.labels(flow, step)
                self.words(flow, step)
        self.moment()

    # ------------------------------------------------------------------ one step

    def add(self, step: Step, code: str, file: Path, line: int, message: str, hint: str) -> None:
        if code in allowed(step) or (code, file, line) in self.reported:
            return  # a template several steps say is reported once
        self.reported.add((code, file, line))
        self.report.add(code, file, line, message, hint)

    def allow_tag(self, flow: Flow, step: Step) -> None:
        value = step.tags.get(ALLOW_TAG)
        if value is None:
            return
        if not isinstance(value, Mapping):
            value = {str(value): None}
        for code, reason in value.items():
            rule = RULES.get(str(code))
            if rule is None or not rule.style or not isinstance(reason, str) or not reason.strip():
                style = ", ".join(c for c, r in RULES.items() if r.style)
                self.report.add(
                    "HH046",
                    flow.path,
                    step.line,
                    f"step '{step.id}' allows '{code}'"
                    + (
                        " without a reason" if rule is not None and rule.style else ", which is not a rule of the guide"
                    ),
                    f"Only the guide's rules ({style}) can be allowed, each with the reason: "
                    'allow: {HH045: "why this step may break it"}.',
                )

    def labels(self, flow: Flow, step: Step) -> None:
        for choice in step.choices:
            if LABEL_AIM < len(choice.label) <= MAX_LABEL:  # longer is HH016, an error
                self.add(
                    step,
                    "HH042",
                    flow.path,
                    choice.line,
                    f"the label '{choice.label}' of '{choice.id}' in step '{step.id}' has {len(choice.label)} "
                    f"characters (the guide aims for {LABEL_AIM})",
                    "Shorter buttons sit two to a row and read at a glance: say it in fewer words, "
                    "and put the detail in the step's words.",
                )

    def words(self, flow: Flow, step: Step) -> None:
        if step.say is None:
            return
        place = self.place(flow, step)
        if place is None:
            return
        file, source, name, at = place
        words = self.read_words(source, name)
        if words is None:
            return
        said = f"step '{step.id}' ({flow.path.name}:{step.say.line})"
        for line, phrase in words.directives:
            self.add(
                step,
                "HH041",
                file,
                at(line),
                f"'{phrase}' tells the person what to do, in the words of {said}",
                'The guide never says "you should": offer ("you could", "some people find"), '
                'reflect ("it sounds like") or ask.',
            )
        if len(words.questions) > 1:
            self.add(
                step,
                "HH043",
                file,
                at(words.questions[1]),
                f"the words of {said} ask {len(words.questions)} questions",
                "One question a step: a tired person answers the last one asked. Make the others "
                "statements, or give them a step of their own.",
            )
        lines = screen_lines(words.longest, step)
        if lines > SCREEN_LINES:
            self.add(
                step,
                "HH044",
                file,
                at(1),
                f"{said} takes about {lines} lines of a phone's screen with its buttons "
                f"(about {SCREEN_LINES} show without scrolling)",
                "One idea a message: cut it, or move part of it to a step of its own.",
            )

    def place(self, flow: Flow, step: Step) -> tuple[Path, str, str | None, Callable[[int], int]] | None:
        """Where a step's words are: the file, its text, the template name, and how a line of
        the text maps to a line of the file."""
        say = step.say
        if say is None:
            return None
        if not say.is_file:
            return flow.path, say.source, None, lambda n: say.line + n - 1
        file = self.templates.filename(say.source)
        if file is None:
            return None  # HH012
        return file, file.read_text(encoding="utf-8"), say.source, lambda n: n

    def read_words(self, source: str, name: str | None) -> Words | None:
        key = name if name is not None else "\0" + source
        if key not in self.read:
            try:
                tree = self.templates.env.parse(source)
            except jinja2.TemplateSyntaxError:
                self.read[key] = None  # HH013
            else:
                self.read[key] = read_prompt(self.templates, tree, name)
        return self.read[key]

    # ------------------------------------------------------------------ the moment

    def moment(self) -> None:
        """HH045: from each flow's first message, the most questions on any way to the start of
        an exercise (a call of a flow that counts as one), through the flows it calls."""
        moment = Moment(self.library)
        for flow in self.library.flows.values():
            if flow.id in moment.exercises or flow.start not in flow.steps:
                continue
            way = moment.reach(flow.id)
            if way is None or len(way.asked) <= MOMENT or way.inside_too_long:
                continue
            step = flow.steps[way.at]
            self.add(
                step,
                "HH045",
                flow.path,
                step.call_line or step.line,
                f"from the first message of '{flow.id}', up to {len(way.asked)} questions come before "
                f"the exercise '{way.exercise}' starts (the guide allows {MOMENT}): " + ", ".join(way.asked),
                "Ask less before the exercise: what can wait goes after it, or to /map. If this way is "
                'meant to be long, say why on the step: allow: {HH045: "..."}.',
            )


@dataclass(frozen=True, slots=True)
class Way:
    """The longest way from a flow's first message to an exercise: the questions on it
    (`flow:step`), the step of this flow where it leaves for the exercise, and whether a
    called flow already asks too many on its own (reported there, not again here)."""

    asked: tuple[str, ...]
    exercise: str
    at: str
    inside_too_long: bool = False
    passed: bool = False  # reached from the step before without answering it


class Moment:
    """The questions before an exercise starts, counted from the files (`tests/test_moment.py`
    walks the same ways through the engine)."""

    def __init__(self, library: Library) -> None:
        self.flows = library.flows
        self.exercises = exercises(library)
        self.ways: dict[str, Way | None] = {}
        self.through: dict[str, tuple[str, ...]] = {}

    def reach(self, flow_id: str, calling: frozenset[str] = frozenset()) -> Way | None:
        """The longest way in questions to an exercise's start, or None if there is none."""
        if flow_id in self.ways:
            return self.ways[flow_id]
        flow = self.flows.get(flow_id)
        if flow is None or flow_id in calling or flow.start not in flow.steps:
            return None
        calling = calling | {flow_id}
        best: dict[str, Way | None] = {}
        order, back = _order(flow)
        for sid in reversed(order):
            step = flow.steps[sid]
            asked = (f"{flow_id}:{sid}",) if step.waits else ()
            ways: list[Way] = []
            for target, answered in _edges(step):
                way = best.get(target) if target in flow.steps and (sid, target) not in back else None
                if way is not None and not answered:  # passed by without an answer (a resumed step)
                    way = Way(way.asked, way.exercise, way.at, way.inside_too_long, passed=True)
                if way is not None:
                    ways.append(way)
            onward = max(ways, key=lambda w: len(w.asked) + (0 if w.passed else len(asked)), default=None)
            if onward is not None and onward.passed:
                asked = ()
            here: Way | None = None
            if "HH045" in allowed(step):
                here = None  # accepted on purpose: a way through this step is not counted
            elif step.call in self.exercises:
                here = Way(asked, step.call, sid)  # the exercise starts here: nothing after counts
            elif step.call is not None:
                inside = self.reach(step.call, calling)
                options = []
                if inside is not None:
                    options.append(Way(asked + inside.asked, inside.exercise, sid, len(inside.asked) > MOMENT))
                if onward is not None:
                    passing = self.longest_through(step.call, calling)
                    options.append(
                        Way(asked + passing + onward.asked, onward.exercise, onward.at, onward.inside_too_long)
                    )
                here = max(options, key=lambda w: len(w.asked), default=None)
            elif onward is not None:
                here = Way(asked + onward.asked, onward.exercise, onward.at, onward.inside_too_long)
            best[sid] = here
        way = best[flow.start]
        self.ways[flow_id] = way
        return way

    def longest_through(self, flow_id: str, calling: frozenset[str]) -> tuple[str, ...]:
        """The questions on the longest way through a flow, start to end."""
        if flow_id in self.through:
            return self.through[flow_id]
        flow = self.flows.get(flow_id)
        if flow is None or flow_id in calling or flow.start not in flow.steps:
            return ()
        order, back = _order(flow)
        longest: dict[str, tuple[str, ...]] = {}
        for sid in reversed(order):
            step = flow.steps[sid]
            asked = (f"{flow_id}:{sid}",) if step.waits else ()
            called = self.longest_through(step.call, calling | {flow_id}) if step.call else ()
            onward = [longest[t] for t in step.targets() if t in flow.steps and (sid, t) not in back]
            longest[sid] = asked + called + max(onward, key=len, default=())
        self.through[flow_id] = longest[flow.start]
        return self.through[flow_id]


def _edges(step: Step) -> Iterator[tuple[str, bool]]:
    """Each way on from a step, and whether it is taken by answering the step's question: a
    'next' after buttons that all have their own 'goto' is only for a person brought back to
    the step (after crisis support), who goes on without answering it."""
    for choice in step.choices:
        if choice.goto is not None:
            yield choice.goto, True
    answered = not step.choices or step.ask is not None or any(c.goto is None for c in step.choices)
    for route in step.next:
        yield route.goto, answered


def _order(flow: Flow) -> tuple[list[str], set[tuple[str, str]]]:
    """The steps reachable from the start, each before the steps it leads to, and the edges
    that lead back (a loop counts once)."""
    order: list[str] = []
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    stack: list[tuple[str, Iterator[str]]] = [(flow.start, iter(list(flow.steps[flow.start].targets())))]
    state[flow.start] = 1
    while stack:
        sid, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            state[sid] = 2
            order.append(sid)
            stack.pop()
        elif target not in flow.steps:
            continue
        elif state.get(target) == 1:
            back.add((sid, target))
        elif target not in state:
            state[target] = 1
            stack.append((target, iter(list(flow.steps[target].targets()))))
    order.reverse()
    return order, back


# ---------------------------------------------------------------------- reading a prompt


def read_prompt(templates: Templates, tree: nodes.Template, name: str | None) -> Words:
    """A prompt read for the tone rules (its syntax tree; `name` is its file under prompts/)."""
    directives: list[tuple[int, str]] = []
    for piece in _pieces(templates, tree.body, name, lambda p: 0, set()):
        if not piece.literal:
            continue
        text = piece.text.replace("\u2019", "'")
        for match in _DIRECTIVE.finditer(text):
            if _NOT_DIRECTIVE.search(text[: match.start()]):
                continue
            directives.append((piece.line + text.count("\n", 0, match.start()), match.group(0)))
    asking = _pieces(templates, tree.body, name, lambda p: len(_questions(p)), set())
    longest = _pieces(templates, tree.body, name, lambda p: len(_shown(p)), set())
    return Words(tuple(directives), tuple(_questions(asking)), _shown(longest))


def _pieces(
    templates: Templates,
    body: Sequence[nodes.Node],
    name: str | None,
    weight: Callable[[list[Piece]], int],
    seen: set[str],
) -> list[Piece]:
    """What `body` shows, taking at each `{% if %}` the branch `weight` finds heaviest."""
    pieces: list[Piece] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    pieces.append(Piece(child.data, child.lineno, True))
                else:
                    pieces.append(Piece("x" * NOMINAL, child.lineno, False))
        elif isinstance(node, nodes.If):
            branches = [node.body, *(e.body for e in node.elif_), node.else_]
            read = [_pieces(templates, b, name, weight, seen) for b in branches]
            pieces.extend(read[max(range(len(read)), key=lambda i: weight(read[i]))])
        elif isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const):
            ref = str(node.template.value)
            if ref in seen:
                continue
            try:
                source, _, _ = templates.loader.get_source(templates.env, ref)
                child_tree = templates.env.parse(source)
            except jinja2.TemplateError:
                continue
            # The included file's lines are its own: count its pieces at the include's line.
            inner = _pieces(templates, child_tree.body, ref, weight, seen | {ref})
            pieces.extend(Piece(p.text, node.lineno, p.literal) for p in inner)
        elif isinstance(node, nodes.For | nodes.With | nodes.Scope | nodes.FilterBlock | nodes.CallBlock):
            pieces.extend(_pieces(templates, node.body, name, weight, seen))
            if isinstance(node, nodes.For):
                pieces.extend(_pieces(templates, node.else_, name, weight, seen))
        elif isinstance(node, nodes.ScopedEvalContextModifier):
            pieces.extend(_pieces(templates, node.body, name, weight, seen))
    return pieces


def _questions(pieces: list[Piece]) -> list[int]:
    """The line of each question the author asks: a '?' ending a sentence, not inside
    quotation marks (an example of what someone might say is not a question to them)."""
    lines: list[int] = []
    closing: str | None = None
    for piece in pieces:
        if not piece.literal:
            continue
        text = _TAG.sub(lambda m: " " * len(m.group()), piece.text)
        for at, char in enumerate(text):
            if closing is not None:
                if char == closing:
                    closing = None
            elif char in _QUOTES:
                closing = _QUOTES[char]
            elif char == "?" and _QUESTION.match(text, at) and (at == 0 or text[at - 1] != "?"):
                lines.append(piece.line + text.count("\n", 0, at))
    return lines


def _shown(pieces: list[Piece]) -> str:
    return _TAG.sub("", "".join(p.text for p in pieces))


__all__ = [
    "ALLOW_TAG",
    "CHARS_PER_LINE",
    "LABEL_AIM",
    "MOMENT",
    "SCREEN_LINES",
    "Moment",
    "StyleChecker",
    "exercises",
    "read_prompt",
    "screen_lines",
]
