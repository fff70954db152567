"""`hedgehog coverage`: which parts of every flow the golden transcripts walk.

What a walk leaves is a list of the transitions the engine fired (`Walked`: flow, step,
trigger, which of the step's transitions for that trigger, where it led, and whether a
question was skipped), recorded while `tests/test_transcripts.py` plays the transcripts.
Measured against the flows, per flow:

- steps, `end:` steps (the exits, the crisis and violence paths' among them) included:
  a step is walked when a transition left it or led to it, or the flow was entered at it;
- choices: every button, and the Skip button of a skippable question;
- transitions: every `goto` of a button, every route of `next:` (each `when:` its own),
  every call (the calling step entered) and every return (the calling step left again).

Anything not walked is listed with its file:line. The floors CI holds the figures to are
in pyproject.toml, `[tool.hedgehog.coverage]`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.dialogue.model import Flow, Library, Step

KINDS = ("steps", "choices", "transitions")
NEXT = "next"
CHOOSE = "choose:"


@dataclass(frozen=True, slots=True)
class Fired:
    """One transition the engine fired: from `step` by `trigger`, the `index`-th transition
    the flow's machine has for that trigger and step, to `dest`; `skipped` when the step's
    question was skipped."""

    flow: str
    step: str
    trigger: str
    index: int
    dest: str
    skipped: bool = False


@dataclass
class Walked:
    """Every transition fired while the transcripts played, and which transcripts played."""

    fired: set[Fired] = field(default_factory=set)
    transcripts: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "transcripts": sorted(self.transcripts),
            "fired": sorted(
                [f.flow, f.step, f.trigger, f.index, f.dest, f.skipped]
                for f in sorted(self.fired, key=lambda f: (f.flow, f.step, f.trigger, f.index))
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Walked:
        return cls(
            fired={Fired(str(a), str(b), str(c), int(d), str(e), bool(g)) for a, b, c, d, e, g in data["fired"]},
            transcripts=set(data.get("transcripts", ())),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Walked:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to walk: its kind (steps, choices or transitions), what it is in words, where."""

    kind: str
    step: str
    what: str
    line: int
    walked: bool


@dataclass
class FlowCoverage:
    flow: Flow
    items: list[Item]

    def count(self, kind: str) -> tuple[int, int]:
        mine = [i for i in self.items if i.kind == kind]
        return sum(i.walked for i in mine), len(mine)

    def missing(self) -> list[Item]:
        return [i for i in self.items if not i.walked]


@dataclass
class Coverage:
    flows: list[FlowCoverage]
    transcripts: int

    def count(self, kind: str) -> tuple[int, int]:
        walked = total = 0
        for flow in self.flows:
            w, t = flow.count(kind)
            walked, total = walked + w, total + t
        return walked, total

    def percent(self, kind: str) -> float:
        walked, total = self.count(kind)
        return 100.0 if total == 0 else round(100.0 * walked / total, 1)

    def below(self, floors: Mapping[str, float]) -> list[str]:
        """One sentence per figure under its floor."""
        return [
            f"{kind} coverage is {self.percent(kind)} %, under the floor of {floors[kind]} %"
            for kind in KINDS
            if kind in floors and self.percent(kind) < float(floors[kind])
        ]

    def to_json(self, root: Path) -> dict[str, Any]:
        """What the preview reads: per flow, the steps never walked, and the figures."""
        return {
            "transcripts": self.transcripts,
            "percent": {kind: self.percent(kind) for kind in KINDS},
            "flows": {
                fc.flow.id: {
                    "file": _where(fc.flow.path, root),
                    **{kind: list(fc.count(kind)) for kind in KINDS},
                    "steps_missing": sorted({i.step for i in fc.items if i.kind == "steps" and not i.walked}),
                    "missing": [[i.kind, i.step, i.what, i.line] for i in fc.missing()],
                }
                for fc in self.flows
            },
        }


def measure(library: Library, walked: Walked) -> Coverage:
    by_flow: dict[str, list[Fired]] = {}
    for fired in walked.fired:
        by_flow.setdefault(fired.flow, []).append(fired)
    flows = [FlowCoverage(flow, list(_items(flow, by_flow.get(flow.id, [])))) for flow in library.flows.values()]
    return Coverage(flows, len(walked.transcripts))


def _items(flow: Flow, fired: list[Fired]) -> Iterator[Item]:
    entered = {f.step for f in fired} | {f.dest for f in fired}
    if entered:
        entered.add(flow.start)  # a flow is only ever entered at its start (or where a session rested)
    left = {(f.step, f.trigger, f.index) for f in fired}
    chosen = {(f.step, f.trigger) for f in fired}
    skipped = {f.step for f in fired if f.skipped}
    answered = {f.step for f in fired if f.trigger == NEXT and not f.skipped}
    for step in flow.steps.values():
        kind = f"exit ({step.end})" if step.end else "step"
        yield Item("steps", step.id, kind, step.line, step.id in entered)
        for choice in step.choices:
            yield Item(
                "choices",
                step.id,
                f"button '{choice.label}' ({choice.id})",
                choice.line,
                (step.id, CHOOSE + choice.id) in chosen,
            )
        if step.ask is not None and step.ask.skippable:
            yield Item("choices", step.id, "the Skip button", step.ask.line, step.id in skipped)
        yield from _transitions(flow, step, left, entered, answered)


def _transitions(
    flow: Flow, step: Step, left: set[tuple[str, str, int]], entered: set[str], answered: set[str]
) -> Iterator[Item]:
    # The order the engine's machine holds them in (bot/engine/machines.py): a button with
    # a goto is the only transition of its trigger; one without takes the step's routes.
    triggers: list[str] = []
    for choice in step.choices:
        if choice.goto is not None:
            yield Item(
                "transitions",
                step.id,
                f"transition '{choice.label}' → {choice.goto}",
                choice.line,
                (step.id, CHOOSE + choice.id, 0) in left,
            )
        else:
            triggers.append(CHOOSE + choice.id)
    triggers.append(NEXT)
    if step.call is not None:
        yield Item(
            "transitions", step.id, f"transition: call {step.call}", step.call_line or step.line, step.id in entered
        )
        yield Item(
            "transitions",
            step.id,
            f"transition: return from {step.call}",
            step.call_line or step.line,
            any((step.id, NEXT, i) in left for i in range(len(step.next))),
        )
    for index, route in enumerate(step.next):
        how = f" when {route.when}" if route.when else ""
        yield Item(
            "transitions",
            step.id,
            f"transition → {route.goto}{how}",
            route.line,
            any((step.id, trigger, index) in left for trigger in triggers),
        )


def _where(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _cell(walked: int, total: int) -> str:
    if total == 0:
        return "—"
    return f"{walked}/{total} {100.0 * walked / total:5.1f}%"


def text(coverage: Coverage, root: Path, missing: bool = True) -> str:
    """The table, then (with `missing`) everything not walked as file:line."""
    rows: list[tuple[str, ...]] = [("flow", *KINDS)]
    for fc in sorted(coverage.flows, key=lambda fc: fc.flow.id):
        rows.append((fc.flow.id, *(_cell(*fc.count(kind)) for kind in KINDS)))
    rows.append(("all flows", *(_cell(*coverage.count(kind)) for kind in KINDS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    out = [f"What {coverage.transcripts} golden transcripts walk:", "", *lines]
    if missing:
        out += ["", "Not walked yet:"]
        for fc in sorted(coverage.flows, key=lambda fc: fc.flow.id):
            for item in fc.missing():
                out.append(f"{_where(fc.flow.path, root)}:{item.line}: {fc.flow.id}:{item.step}: {item.what}")
    return "\n".join(out) + "\n"


def html_report(coverage: Coverage, root: Path, floors: Mapping[str, float], preview: str = "index.html") -> str:
    """The same as a page of its own, linked from (and linking back to) the preview."""
    esc = html.escape
    head = "".join(f"<th>{esc(kind)}</th>" for kind in KINDS)
    body: list[str] = []
    for fc in sorted(coverage.flows, key=lambda fc: fc.flow.id):
        cells = "".join(f"<td class='{_band(*fc.count(kind))}'>{esc(_cell(*fc.count(kind)))}</td>" for kind in KINDS)
        link = f"<a href='{esc(preview)}#{esc(fc.flow.id)}'>{esc(fc.flow.id)}</a>"
        body.append(f"<tr><td>{link}</td>{cells}</tr>")
    total = "".join(f"<td>{esc(_cell(*coverage.count(kind)))}</td>" for kind in KINDS)
    floor = ", ".join(f"{kind} {floors[kind]} %" for kind in KINDS if kind in floors) or "none set"
    missing: list[str] = []
    for fc in sorted(coverage.flows, key=lambda fc: fc.flow.id):
        items = fc.missing()
        if not items:
            continue
        missing.append(f"<h3 id='{esc(fc.flow.id)}'>{esc(fc.flow.id)} <small>{len(items)} not walked</small></h3><ul>")
        where = _where(fc.flow.path, root)
        for item in items:
            missing.append(f"<li><code>{esc(where)}:{item.line}</code> {esc(item.step)}: {esc(item.what)}</li>")
        missing.append("</ul>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hedgehog: transcript coverage</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 20px auto; max-width: 980px; color: #1d2327; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 3px 10px; border-bottom: 1px solid #e3ddd5; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }} tfoot td {{ font-weight: bold; }}
.full {{ background: #e5f3e4; }} .most {{ background: #fbf2dc; }} .some {{ background: #fbe3df; }}
code {{ font-size: 12px; }} li {{ margin: 2px 0; }} small {{ color: #7b6f66; font-weight: normal; }}
</style></head><body>
<p><a href="{esc(preview)}">← the preview</a></p>
<h1>What the golden transcripts walk</h1>
<p>{coverage.transcripts} transcripts. Floors CI holds (pyproject.toml,
<code>[tool.hedgehog.coverage]</code>): {esc(floor)}.</p>
<table id="coverage"><thead><tr><th>flow</th>{head}</tr></thead><tbody>
{"".join(body)}
</tbody><tfoot><tr><td>all flows</td>{total}</tr></tfoot></table>
<h2>Not walked yet</h2>
{"".join(missing) or "<p>Everything is walked.</p>"}
</body></html>
"""


def _band(walked: int, total: int) -> str:
    if total == 0 or walked == total:
        return "full"
    return "most" if walked / total >= 0.75 else "some"


def floors_from(pyproject: Path) -> dict[str, float]:
    """`[tool.hedgehog.coverage]` of pyproject.toml: the lowest figure each kind may fall to."""
    import tomllib

    if not pyproject.is_file():
        return {}
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("hedgehog", {}).get("coverage", {})
    return {kind: float(table[kind]) for kind in KINDS if kind in table}


def fired_at(flow: Flow, step_id: str, trigger: str, index: int, dest: str, variables: Mapping[str, Any]) -> Fired:
    """What the engine's machine hands its callbacks, as a `Fired`: the step's question
    counts as skipped when its variable is empty after a plain `next`."""
    step = flow.steps.get(step_id)
    skipped = trigger == NEXT and step is not None and step.ask is not None and variables.get(step.ask.var) is None
    return Fired(flow.id, step_id, trigger, index, dest, skipped)


__all__ = [
    "KINDS",
    "Coverage",
    "Fired",
    "FlowCoverage",
    "Item",
    "Walked",
    "fired_at",
    "floors_from",
    "html_report",
    "measure",
    "text",
]
