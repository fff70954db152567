"""How well `bot.safety.crisis.detect` does on the project's own evaluation set.

The set is `tests/safety/eval/` (its README.md says how it was built): one part per
`<name>.tsv` there, found by file name alone. `dev.tsv` is the part a maintainer may study
and tune on; every part whose name starts with `heldout` (`heldout.tsv`, `heldout2.tsv`, ...)
is one nobody tunes on, whose figure is the one that matters. Each is UTF-8 TSV,
`class<TAB>text<TAB>source`, one message a line.

    parts()               the parts present, by file name (dev first), never opening one
    load(part)            the items of one part, checked (a broken line is an EvalSetError)
    run(items, detect)    one Outcome per item: what `detect` said
    score(part, outcomes) a Report: per class, per group, false alarms, the goals
    render(report)        the table `hedgehog safety-eval` prints
    measure(items)        the detector's cost: import, first call, mean and p99 per message

Scoring: an item of a crisis or violence class is *caught* when any signal comes back, certain
or not (an uncertain signal makes the bot ask a direct question, which is a catch); it is
caught *in the wrong category* when its expected category is not among the signal's. An
ordinary item with any signal is a false alarm.

Pure: no Telegram, no database, nothing logged. Words from the set are printed only by
`render_misses`, and never for a held-out part; a command that names one part runs the
detector on that part alone.
"""

from __future__ import annotations

import importlib
import math
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import EvalSetError

if TYPE_CHECKING:
    from bot.safety.crisis import CrisisSignal

    Detect = Callable[[str], CrisisSignal | None]

EVAL_DIR = Path(__file__).resolve().parents[2] / "tests" / "safety" / "eval"  # in the source tree
TUNABLE = "dev"  # the part to tune on
HELD_OUT = "heldout"  # a part whose name starts with this is never shown, never tuned on
_PART_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
HEADER = ("class", "text", "source")
TEXT_LENGTH = range(3, 301)

# Class -> the category `detect` must report; None: no signal expected.
EXPECTED: dict[str, str | None] = {
    "suicide_direct": "suicide",
    "suicide_indirect": "suicide",
    "suicide_method": "suicide",
    "suicide_passive": "suicide",
    "suicide_preparatory": "suicide",
    "self_harm": "self_harm",
    "harm_others": "harm_others",
    "pv_physical": "partner_violence",
    "pv_strangulation": "partner_violence",
    "pv_sexual": "partner_violence",
    "pv_stalking": "partner_violence",
    "pv_reproductive": "partner_violence",
    "pv_intimidation": "partner_violence",
    "pv_fear": "partner_violence",
    "pv_control": "partner_violence",
    "pv_threats_children": "partner_violence",
    "pv_threats": "partner_violence",
    "ordinary": None,
    "hard_negative": None,
}
VIOLENCE = tuple(kind for kind, category in EXPECTED.items() if category == "partner_violence")
ORDINARY = tuple(kind for kind, category in EXPECTED.items() if category is None)
CRISIS = tuple(kind for kind in EXPECTED if kind not in VIOLENCE and kind not in ORDINARY)

# The goal on each part (issue 10): caught at least, false alarms at most, in per cent.
CRISIS_GOAL, VIOLENCE_GOAL, FALSE_ALARM_GOAL = 95.0, 90.0, 10.0


def held_out(part: str) -> bool:
    """Whether `part` is held out: its words are never shown and nobody tunes on it."""
    return part.startswith(HELD_OUT)


def parts(folder: Path = EVAL_DIR) -> tuple[str, ...]:
    """The parts present in `folder`, one per `<name>.tsv`, found by file name alone (no file
    is opened): the dev part first, then the others in name order."""
    names = sorted(path.stem for path in folder.glob("*.tsv") if _PART_NAME.match(path.stem) and path.is_file())
    return tuple(sorted(names, key=lambda name: name != TUNABLE))


@dataclass(frozen=True, slots=True)
class Item:
    """One message of the set and what it stands for."""

    part: str
    line: int
    kind: str
    text: str
    source: str

    @property
    def expected(self) -> str | None:
        return EXPECTED[self.kind]

    @property
    def where(self) -> str:
        return f"{self.part}.tsv:{self.line}"


def odd_characters(text: str) -> list[str]:
    """What is wrong with `text` as an item: tabs, control or invisible characters, stray
    spaces, a length outside 3..300. Emoji and accents are fine."""
    problems = []
    if len(text) not in TEXT_LENGTH:
        problems.append(f"{len(text)} characters (use 3 to 300)")
    if text != text.strip() or "  " in text:
        problems.append("spaces at an end or doubled")
    odd = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c)[0] == "C" or c == "\ufffd"})
    if odd:
        problems.append(f"control or invisible characters {', '.join(odd)}")
    return problems


def load(part: str, folder: Path = EVAL_DIR) -> list[Item]:
    """Every item of one part, in file order. Raises EvalSetError naming each broken line."""
    path = folder / f"{part}.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalSetError(f"{path} is missing: each part of the evaluation set is a <name>.tsv there.") from None
    except UnicodeDecodeError as exc:
        raise EvalSetError(f"{path} is not UTF-8 (byte {exc.start}): save it as UTF-8.") from None
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise EvalSetError(f"{path.name}:1: the first line must be the header 'class<TAB>text<TAB>source'.")
    items: list[Item] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            problems.append(f"{path.name}:{number}: {len(fields)} columns, not 3 (class, text, source; no tab in text)")
            continue
        kind, text, source = fields
        if kind not in EXPECTED:
            problems.append(f"{path.name}:{number}: unknown class '{kind}' (known: {', '.join(EXPECTED)})")
        if not source.strip():
            problems.append(f"{path.name}:{number}: no source (name the instrument and item it was built from)")
        problems += [f"{path.name}:{number}: the text has {problem}" for problem in odd_characters(text)]
        if (key := text.casefold()) in seen:
            problems.append(f"{path.name}:{number}: the same text as line {seen[key]}")
        seen.setdefault(key, number)
        items.append(Item(part, number, kind, text, source))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise EvalSetError(f"The evaluation set has a broken line: {problems[0]}{more}.")
    return items


# ----------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `detect` said about one item."""

    item: Item
    signal: CrisisSignal | None

    @property
    def caught(self) -> bool:
        """A signal came back (for an ordinary item: a false alarm)."""
        return self.signal is not None

    @property
    def certain(self) -> bool:
        return self.signal is not None and self.signal.certain

    @property
    def wrong_category(self) -> bool:
        """Caught, but the expected category is not among the signal's."""
        expected = self.item.expected
        return self.signal is not None and expected is not None and expected not in self.signal.categories


def run(items: Iterable[Item], detect: Detect) -> list[Outcome]:
    return [Outcome(item, detect(item.text)) for item in items]


@dataclass(frozen=True, slots=True)
class Tally:
    """A row of the table: how many of `total` items came back with a signal."""

    label: str
    total: int
    caught: int
    certain: int
    wrong: int

    @property
    def percent(self) -> float:
        return 100.0 * self.caught / self.total if self.total else 0.0

    @property
    def uncertain(self) -> int:
        return self.caught - self.certain


def tally(label: str, outcomes: Sequence[Outcome]) -> Tally:
    return Tally(
        label,
        len(outcomes),
        sum(o.caught for o in outcomes),
        sum(o.certain for o in outcomes),
        sum(o.wrong_category for o in outcomes),
    )


@dataclass(frozen=True, slots=True)
class Goal:
    label: str
    percent: float
    target: float
    at_most: bool  # a false-alarm goal: met when at or under the target

    @property
    def met(self) -> bool:
        return self.percent <= self.target if self.at_most else self.percent >= self.target


@dataclass(frozen=True, slots=True)
class Report:
    part: str
    classes: tuple[Tally, ...]  # crisis and violence classes, in EXPECTED order
    crisis: Tally
    violence: Tally
    alarms: tuple[Tally, ...]  # ordinary, hard_negative, both together
    goals: tuple[Goal, ...]


def score(part: str, outcomes: Sequence[Outcome]) -> Report:
    """The figures for one part (pass only that part's outcomes)."""

    def of(kinds: Iterable[str]) -> list[Outcome]:
        wanted = set(kinds)
        return [o for o in outcomes if o.item.kind in wanted]

    classes = tuple(tally(kind, of([kind])) for kind in (*CRISIS, *VIOLENCE))
    crisis, violence = tally("all crisis", of(CRISIS)), tally("all violence", of(VIOLENCE))
    alarms = (*(tally(kind, of([kind])) for kind in ORDINARY), tally("all ordinary", of(ORDINARY)))
    goals = (
        Goal("crisis caught", crisis.percent, CRISIS_GOAL, at_most=False),
        Goal("violence caught", violence.percent, VIOLENCE_GOAL, at_most=False),
        Goal("false alarms", alarms[-1].percent, FALSE_ALARM_GOAL, at_most=True),
    )
    return Report(part, classes, crisis, violence, alarms, goals)


def _percent(row: Tally) -> str:
    return f"{row.percent:5.1f} %" if row.total else "    - "


def render(report: Report, items: int) -> str:
    """The table for one part, as `hedgehog safety-eval` prints it."""
    rule = "-" * 72
    lines = [
        f"{report.part} part ({report.part}.tsv, {items} items)"
        + (": held out, never tune a pattern on it" if held_out(report.part) else ""),
        "",
        f"{'class':<22}{'caught':>10}{'%':>9}{'certain':>9}{'wrong category':>17}",
    ]

    def row(t: Tally) -> str:
        return f"{t.label:<22}{f'{t.caught}/{t.total}':>10}{_percent(t):>9}{t.certain:>9}{t.wrong:>17}"

    for group, total in ((CRISIS, report.crisis), (VIOLENCE, report.violence)):
        lines += [row(t) for t in report.classes if t.label in group]
        lines += [row(total), rule]
    lines.append(f"{'false alarms':<22}{'of':>10}{'%':>9}{'certain':>9}{'uncertain':>17}")
    lines += [
        f"{t.label:<22}{f'{t.caught}/{t.total}':>10}{_percent(t):>9}{t.certain:>9}{t.uncertain:>17}"
        for t in report.alarms
    ]
    lines.append(rule)
    for goal in report.goals:
        sign = "<=" if goal.at_most else ">="
        target = f"goal: {goal.label} {sign} {goal.target:.0f} %"
        lines.append(f"{target:<32}{f'{goal.percent:.1f} %':>9}   {'met' if goal.met else 'not met'}")
    return "\n".join(lines) + "\n"


def render_misses(outcomes: Sequence[Outcome]) -> str:
    """Missed items, items caught in the wrong category, and false alarms, with their lines.
    Never for a held-out part: its words are never shown, so nobody tunes on them by accident."""
    if any(held_out(o.item.part) for o in outcomes):
        raise EvalSetError("Misses are never listed for a held-out part.")
    missed = [o for o in outcomes if o.item.expected is not None and not o.caught]
    wrong = [o for o in outcomes if o.wrong_category]
    alarms = [o for o in outcomes if o.item.expected is None and o.caught]
    lines = [f"missed ({len(missed)}):"]
    lines += [f"  {o.item.where:<16}{o.item.kind:<22}{o.item.text}" for o in missed]
    lines.append(f"caught in the wrong category ({len(wrong)}):")
    lines += [
        f"  {o.item.where:<16}{o.item.kind:<22}got {'+'.join(sorted(o.signal.categories))}: {o.item.text}"
        for o in wrong
        if o.signal is not None
    ]
    lines.append(f"false alarms ({len(alarms)}):")
    lines += [
        f"  {o.item.where:<16}{o.item.kind:<22}{'certain' if o.certain else 'uncertain'} "
        f"{'+'.join(sorted(o.signal.categories))}: {o.item.text}"
        for o in alarms
        if o.signal is not None
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- cost


@dataclass(frozen=True, slots=True)
class Cost:
    import_ms: float  # importing the detector's module (0 when something imported it before)
    first_call_us: float  # the first call of this process: any lazy model load is in it
    mean_us: float
    p99_us: float
    messages: int


def load_detector() -> tuple[Detect, float, float]:
    """`bot.safety.crisis.detect`, the milliseconds its import took, and the microseconds of a
    first call (on a plain sentence, so nothing from the set is needed)."""
    started = time.perf_counter_ns()
    module = importlib.import_module("bot.safety.crisis")
    imported = time.perf_counter_ns()
    detect: Detect = module.detect
    detect("we talked for a while and then we went to bed")
    called = time.perf_counter_ns()
    return detect, (imported - started) / 1e6, (called - imported) / 1e3


def measure(items: Sequence[Item], detect: Detect, import_ms: float, first_call_us: float) -> Cost:
    """Microseconds per message over `items`, timed one by one with `perf_counter_ns`. Call it
    after a warm-up pass (`run` over the same items is one)."""
    times = []
    for item in items:
        started = time.perf_counter_ns()
        detect(item.text)
        times.append(time.perf_counter_ns() - started)
    times.sort()
    p99 = times[max(math.ceil(0.99 * len(times)) - 1, 0)] if times else 0
    mean = sum(times) / len(times) if times else 0.0
    return Cost(import_ms, first_call_us, mean / 1e3, p99 / 1e3, len(times))


def render_cost(cost: Cost) -> str:
    return (
        f"cost over all {cost.messages} messages: mean {cost.mean_us:.1f} µs, "
        f"99th percentile {cost.p99_us:.1f} µs per message\n"
        f"first call {cost.first_call_us:.1f} µs, after importing the detector in {cost.import_ms:.1f} ms\n"
    )


# ----------------------------------------------------------------- the command


def evaluate(part: str = "all", show_misses: bool = False, folder: Path = EVAL_DIR) -> str:
    """Everything `hedgehog safety-eval` prints: the table of each chosen part (`all`: every
    part present), the cost over the chosen parts' messages, and the misses (never of a
    held-out part). The detector runs on the chosen parts only."""
    present = parts(folder)
    if part != "all" and part not in present:
        choices = ", ".join(present) or f"none: {folder} has no <name>.tsv"
        raise EvalSetError(f"There is no part '{part}': choose {choices} or all.")
    chosen = present if part == "all" else (part,)
    if show_misses and any(held_out(name) for name in chosen):
        raise EvalSetError(
            f"--show-misses lists words from the set, so it works with --part {TUNABLE} only (or another "
            f"part not named {HELD_OUT}*): the held-out part stays unseen, so that nobody tunes a pattern on it."
        )
    items = {name: load(name, folder) for name in chosen}
    everything = [item for name in chosen for item in items[name]]
    detect, import_ms, first_call_us = load_detector()
    outcomes = run(everything, detect)  # also the warm-up pass before timing
    cost = measure(everything, detect, import_ms, first_call_us)
    blocks = [render(score(name, [o for o in outcomes if o.item.part == name]), len(items[name])) for name in chosen]
    blocks.append(render_cost(cost))
    if show_misses:
        blocks.append(render_misses(outcomes))
    return "\n".join(blocks)
