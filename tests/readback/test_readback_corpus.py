"""Every read-back, rendered through the real template environment with answers as people
type them (tests/readback/answers, typed_ways in corpus.py), reads as a sentence.

Each answer of a slot kind goes once into each template slot of that kind; the template's
other slots take answers from a fixed-seed shuffle of their own kind, and every fourth
render leaves them empty. Asserted on each render: not empty; no doubled word ("I I",
"need I need"); no ".," "?." "!," ",."; no mark after a quote that ends its own sentence
("“first??”."); no capital mid-sentence except "I", and names and
acronyms the person wrote; every word of each answer present, except the leading words
the template already says (the `drop` words of its `fit`).
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app import load_library
from bot.config import Settings
from bot.dialogue import EFFECTS
from bot.dialogue.model import Library
from bot.dialogue.readback import dropped_words, fits, is_ended
from bot.dialogue.templates import Templates
from tests.readback.corpus import SLOTS, corpus

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"

I_FELT = ("I felt", "I feel", "I was feeling", "I was", "I'm feeling", "I'm", "I am", "feeling", "felt", "I")
FEEL = ("I feel", "I'm feeling", "I'm", "I am", "feeling", "I")


@dataclass(frozen=True)
class Readback:
    template: str
    slots: Mapping[str, str]  # template variable -> slot kind
    drop: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # variable -> fit's drop words
    fixed: Mapping[str, object] = field(default_factory=dict)
    names: frozenset[str] = frozenset()  # variables whose answers are names ("Sam K."): capitals kept
    tested: frozenset[str] = frozenset()  # variables the template only tests ({% if trigger %}), never says

    @property
    def name(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.fixed.items() if k in ("not_safe", "tried"))
        return self.template + (f"[{extra}]" if extra else "")


REFLECT = {
    "trigger": "trigger",
    "meaning": "meaning",
    "surface": "surface",
    "action": "action",
    "underneath": "underneath",
    "longing": "longing",
}
REFLECT_DROP = {
    "trigger": ("it started with", "when"),
    "meaning": ("I told myself", "I thought", "that", "because"),
    "surface": I_FELT,
    "action": ("so I", "I"),
    "underneath": ("underneath", *I_FELT),
    "longing": ("what I long for is", "I long for", "I want", "I wish", "I need"),
}
STARTUP = {"soft_feeling": "feeling", "soft_about": "about", "soft_need": "need"}
STARTUP_FEEL = (*FEEL, "idk", "I dunno", "dunno", "I don't know", "I guess")
STARTUP_DROP = {
    "soft_feeling": STARTUP_FEEL,
    "soft_about": ("about", "that", "the fact that", "because"),
    "soft_need": ("and I need", "I need", "I just need", "I really need", "I'd need", "need", "and"),
}

READBACKS = (
    Readback("reflect/done.j2", REFLECT, REFLECT_DROP, {"not_safe": False}),
    # Not safe: the longing is not read back, by design.
    Readback(
        "reflect/done.j2",
        {k: v for k, v in REFLECT.items() if k != "longing"},
        REFLECT_DROP,
        {"not_safe": True, "longing": "to be heard"},
    ),
    Readback("softened-startup/readback.j2", STARTUP, STARTUP_DROP),
    Readback("softened-startup/done.j2", STARTUP, STARTUP_DROP, {"soft_when": "this evening"}),
    Readback("softened-startup/about.j2", {"soft_feeling": "feeling"}, {"soft_feeling": STARTUP_FEEL}),
    # What the follow-up keeps and says back ("Yesterday you planned: “I feel …”").
    Readback("softened-startup/plan.j2", STARTUP, STARTUP_DROP),
    Readback("follow-up/tried.j2", {"plan": "action"}, {}, {"plan_day": "Yesterday"}),
    Readback(
        "checkin/offer.j2",
        {"trigger": "trigger", "meaning": "meaning", "underneath": "underneath"},
        {},
        {"urge": "toward", "intensity": 7, "body": None},
    ),
    Readback(
        "checkin/offer-safe.j2",
        {"trigger": "trigger", "meaning": "meaning", "underneath": "underneath"},
        {},
        {"urge": "away", "intensity": 4, "body": "a tight chest", "not_safe": True},
    ),
    Readback(
        "follow-up/wrap.j2",
        {"went": "action"},
        {},
        {"tried": "yes", "intensity_now": 4, "not_safe": False, "obstacle": None},
    ),
    Readback(
        "follow-up/wrap.j2",
        {"obstacle": "trigger"},
        {},
        {"tried": "no", "intensity_now": 4, "not_safe": False, "went": None},
    ),
    Readback(
        "weekly-review/wrap.j2",
        {"review_helped": "longing", "review_hardest": "trigger", "review_next": "need"},
        {},
        {},
    ),
    Readback(
        "demon-dialogues/done.j2",
        {"my_move": "action", "their_move": "partner"},
        {"my_move": ("when", "so", "then", "and then"), "their_move": ("and then", "then", "and", "so")},
        {"pattern": "polka"},
    ),
    Readback(
        "demon-dialogues/done.j2",
        {"their_move": "partner"},
        {"their_move": ("and then", "then", "and", "so")},
        {"pattern": "unsure", "my_move": None},
    ),
    Readback("checkin/meaning.j2", {"trigger": "trigger"}, tested=frozenset({"trigger"})),
    Readback("reflect/meaning.j2", {"trigger": "trigger"}, tested=frozenset({"trigger"})),
    Readback(
        "checkin/offer.j2",
        {"body": "surface", "trigger": "trigger", "meaning": "meaning", "underneath": "underneath"},
        {},
        {"urge": "unsure", "intensity": None},
    ),
    Readback(
        "checkin/offer-safe.j2",
        {"body": "surface", "trigger": "trigger", "meaning": "meaning", "underneath": "underneath"},
        {},
        {"urge": "toward", "intensity": 9, "not_safe": True},
    ),
    Readback(
        "set-it-free/done.j2",
        {"pull": "action", "own_plan": "need", "kind_line": "longing"},
        {},
        {"free_time": "30 minutes", "not_safe": False},
    ),
    Readback("turn-toward/done.j2", {"words": "need"}, {}, {"move": "share", "timing": "later today"}),
    Readback(
        "safety-plan/show.j2",
        {
            "plan_warning_signs": "surface",
            "plan_on_my_own": "action",
            "plan_people_places": "about",
            "plan_ask_for_help": "need",
            "plan_professionals": "need",
            "plan_safer": "action",
        },
        {},
        {"plan_lines": "the lines /sos shows"},
    ),
    *(
        Readback(f"safety-plan/{name.replace('_', '-')}.j2", {f"plan_{name}": "need"})
        for name in ("warning_signs", "on_my_own", "people_places", "ask_for_help", "professionals", "safer")
    ),
    Readback("reminders/clock-again.j2", {"local_time": "trigger"}),
    # Said back only when it is a time on the clock ("9:30 pm"), never as typed.
    Readback(
        "reminders/saved.j2",
        {"local_time": "trigger"},
        {},
        {"followups": "daytime", "timezone_known": False},
        tested=frozenset({"local_time"}),
    ),
    Readback(
        "assign/confirm.j2",
        {"hw_note": "need", "hw_alias": "feeling"},
        {},
        {"hw_title": "Turn toward", "hw_cadence": "weekly", "hw_weeks": 2, "hw_due": "none", "hw_notify": True},
        names=frozenset({"hw_alias"}),
    ),
)

WORD = re.compile(r"[^\W_][\w'\u2019]*")
QUOTED = re.compile(r"“[^”]*”")
ENDED_TWICE = re.compile(r"[.!?…]”[.!?…]")
DOUBLED = re.compile(r"\b(\w+(?:['\u2019]\w+)?(?: \w+)?) \1\b", re.IGNORECASE)
BAD_MARKS = (".,", "?.", "!,", ",.", "!.", "?,", ";.", ",,", ". ,", ",  ")


def renders(readback: Readback) -> list[dict[str, object]]:
    """Each answer once in its slot, the other slots from a fixed-seed shuffle."""
    rng = random.Random(13)
    shuffled = {kind: rng.sample(corpus(kind), len(corpus(kind))) for kind in set(readback.slots.values())}
    out = []
    for var, kind in readback.slots.items():
        for i, answer in enumerate(corpus(kind)):
            values: dict[str, object] = dict(readback.fixed)
            for other, other_kind in readback.slots.items():
                pool = shuffled[other_kind]
                values[other] = None if i % 4 == 0 else pool[(i * 7 + len(other)) % len(pool)]
            values[var] = answer
            out.append(values)
    return out


def names(answer: str) -> set[str]:
    """Words the person capitalised where no sentence starts, and ALL CAPS words."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?…:\"“])\s+", answer):
        words = WORD.findall(sentence)
        found.update(w for w in words[1:] if w[:1].isupper())
    found.update(w for w in WORD.findall(answer) if len(w) > 1 and w.isupper())
    return found


# "When last week when she…": an answer that opens with its own time needs no "When" before it.
WHEN_TWICE = re.compile(r"\bWhen (?:last|yesterday|earlier|tonight|this morning|after|before|on sunday)\b")


def problems(
    text: str, answers: Mapping[str, str], drop: Mapping[str, tuple[str, ...]], own: frozenset[str] = frozenset()
) -> list[str]:
    found = []
    if not text.strip():
        return ["empty"]
    # A quote stands for the person's words; one that ends its own sentence ends ours too.
    plain = QUOTED.sub(lambda m: "“~.”" if is_ended(m.group()) else "“~”", text)
    typed = " ".join(answers.values())
    for match in ENDED_TWICE.finditer(text):
        if match.group() not in typed:
            found.append(f"a closing mark after a quote that ends: {match.group()!r}")
    for match in DOUBLED.finditer(plain):
        if match.group(0).lower() not in typed.lower():
            found.append(f"doubled {match.group(0)!r}")
    for match in WHEN_TWICE.finditer(plain):
        if match.group().lower() not in typed.lower():
            found.append(f"'when' twice: {match.group()!r}")
    for marks in BAD_MARKS:
        if marks in plain and marks not in typed:
            found.append(f"{marks!r}")
    allowed = set(own).union(*(names(a) for a in answers.values()))
    for line in plain.splitlines():
        for match in WORD.finditer(line):
            word = match.group()
            if not word[:1].isupper():
                continue
            before = line[: match.start()].rstrip(" \"“”'(•")
            if not before or before[-1] in ".!?:…":
                continue
            if word == "I" or re.fullmatch(r"I['\u2019][a-z]{1,2}", word) or word in allowed:
                continue
            found.append(f"capital {word!r} in {line.strip()!r}")
    said = {w.lower() for w in WORD.findall(text)}
    for var, answer in answers.items():
        left_out = {w.lower() for w in dropped_words(answer, *drop.get(var, ()))} if fits(answer) else set()
        for word in WORD.findall(answer):
            if word.lower() not in said and word.lower() not in left_out:
                found.append(f"lost {word!r} of {var}={answer!r}")
    return found


def test_corpus_has_300_answers_per_slot_kind() -> None:
    counts = {kind: len(corpus(kind)) for kind in SLOTS}
    assert all(n >= 300 for n in counts.values()), counts


@pytest.mark.parametrize("readback", READBACKS, ids=lambda r: r.name)
def test_readback_reads_as_a_sentence(readback: Readback) -> None:
    templates = Templates(PROMPTS)
    prompt = templates.file_prompt(readback.template)
    # The template's own capitals ("See you next Sunday"), with every slot empty.
    own = frozenset(WORD.findall(prompt.render({**readback.fixed, **dict.fromkeys(readback.slots)})))
    failures: list[str] = []
    for values in renders(readback):
        text = html.unescape(re.sub(r"<[^>]+>", "", prompt.render(values)))
        answers = {v: str(values[v]) for v in readback.slots if values.get(v) and v not in readback.tested}
        named = frozenset(w for v in readback.names if v in answers for w in WORD.findall(answers[v]))
        for problem in problems(text, answers, readback.drop, own | named):
            failures.append(f"{problem}\n    {text[:400]!r}")
    assert not failures, f"{len(failures)} problems, first 15:\n" + "\n".join(failures[:15])


def test_every_read_back_of_every_shipped_flow_is_in_the_corpus_test() -> None:
    """Every prompt of a shipped flow that says back (or tests) what a person typed at a
    question (an `ask`) is rendered above, with that variable as a slot: a new read-back
    cannot ship untested."""
    library = load_library(Settings.load(environ={}, dotenv=Path("/nonexistent")))
    templates = Templates(PROMPTS)
    covered = {(r.template, var) for r in READBACKS for var in r.slots}
    missing: set[tuple[str, str]] = set()
    for flow in library.flows.values():
        asked = {step.ask.var for step in flow.steps.values() if step.ask is not None}
        # plans kept with a follow-up are read back by the flow it starts, as `plan`
        asked |= {"plan"} if any(r.get("plan") for r in _follow_ups(library, flow.id)) else set()
        for step in flow.steps.values():
            said = [step.say.source] if step.say is not None and step.say.is_file else []
            rendered = [
                name for e in step.effects if e.kind in EFFECTS for _, name in EFFECTS[e.kind].templates(e.params)
            ]
            for name in said + rendered:
                for var in templates.file_prompt(name).uses & asked:
                    missing.add((name, var))
    assert not missing - covered, sorted(missing - covered)


def _follow_ups(library: Library, target: str) -> list[Mapping[str, object]]:
    """The follow-up effects (their parameters) of every flow that starts `target` later."""
    return [
        e.params
        for flow in library.flows.values()
        for step in flow.steps.values()
        for e in step.effects
        if e.kind == "follow_up" and e.params.get("flow") == target
    ]
