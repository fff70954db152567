"""`hedgehog preview`: every flow as one self-contained HTML page that plays it as a chat.

The page holds three things, all inline (no server, no CDN, no network): the flows as
JSON (steps, buttons, questions, routes, calls, effects, each with its file:line), every
prompt compiled by `jsrender` from Jinja's own syntax tree, and `assets/preview.js`, which
walks the flows by the engine's rules (`bot/engine/run.py`: say, wait, call, return, the
first route whose `when:` holds, the Skip button, re-asks in the engine's own words) and
renders each prompt with the variables of the moment, so what a person typed is read
back exactly as the bot would. A graph beside the chat lights the current step; review
mode lists every prompt with its step id, source line and template for a clinician.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from bot.dialogue import answers, clock, readback
from bot.dialogue.effects import EFFECTS
from bot.dialogue.jsrender import Compiler, Unsupported
from bot.dialogue.model import SKIP_CHOICE, Flow, Library, Step
from bot.dialogue.templates import Templates

JSON = Any


@dataclass
class Export:
    """The flows and templates as the page reads them, and what could not be exported."""

    data: dict[str, JSON]
    skipped: list[str] = field(default_factory=list)  # one sentence per flow left out


def _where(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def export(
    library: Library,
    templates: Templates,
    system: Mapping[str, str],
    root: Path,
    only: Sequence[str] = (),
    coverage: JSON = None,
    progress: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]] | None = None,
) -> Export:
    """The JSON the page plays. `system` names the engine's own words (re-asks and notes)
    by key; `only` limits the flows shown (the flows they call come too); `progress` holds,
    by flow, the engine's `ahead` and `onward` counts per step, from which the page works out
    "3 of about 9" for the visit as the engine does (Telegram shows it under the question)."""
    compiler = Compiler(templates)
    result = Export({})
    for key, name in system.items():
        try:
            compiler.file(name)
        except Unsupported as exc:
            result.skipped.append(f"system prompt '{key}': {exc}")
    wanted = _with_callees(library, only) if only else list(library.flows)
    flows: dict[str, JSON] = {}
    for flow_id in wanted:
        flow = library.flows[flow_id]
        try:
            flows[flow_id] = _flow(flow, compiler, templates, root)
            ahead, onward = (progress or {}).get(flow_id, ({}, {}))
            flows[flow_id]["ahead"] = dict(ahead)
            flows[flow_id]["onward"] = dict(onward)
        except Unsupported as exc:
            result.skipped.append(f"flow '{flow_id}': {exc}")
    sources: dict[str, JSON] = {}
    for key in compiler.compiled:
        sources[key] = _source(templates, key, root)
    result.data = {
        "flows": flows,
        "order": sorted(flows, key=lambda fid: (fid != _first(library, only), flows[fid]["title"])),
        "templates": compiler.compiled,
        "sources": sources,
        "system": {key: name for key, name in system.items() if name in compiler.compiled},
        "skip": {"id": SKIP_CHOICE, "label": "Skip", "words": sorted(answers.SKIP_WORDS)},
        "numbers": dict(answers.NUMBER_WORDS),  # a scale's numbers typed as words
        "clock_words": {word: list(time) for word, time in clock.WORDS.items()},
        # the read-back's word lists, from Python (bot/dialogue/readback.py), not a copy in the script
        "asking": sorted(readback.ASKING),
        "timed": readback.TIMED.pattern,
        "moves": {name: sorted(words) for name, words in readback.MOVE_WORDS.items()},
        "coverage": coverage,
        "made": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return result


def _first(library: Library, only: Sequence[str]) -> str:
    if only:
        return only[0]
    return next((fid for fid, flow in library.flows.items() if flow.tags.get("role") == "checkin"), "")


def _with_callees(library: Library, only: Sequence[str]) -> list[str]:
    seen: list[str] = []
    pending = list(only)
    while pending:
        fid = pending.pop(0)
        if fid in seen or fid not in library.flows:
            continue
        seen.append(fid)
        pending.extend(step.call for step in library.flows[fid].steps.values() if step.call)
    return seen


def _source(templates: Templates, key: str, root: Path) -> JSON:
    if key.startswith("<"):
        return None
    try:
        text, filename, _ = templates.loader.get_source(templates.env, key)
    except Exception:  # an inline template (flow:line) has its source in the flow
        return None
    return {"path": _where(Path(filename), root) if filename else key, "text": text}


def _flow(flow: Flow, compiler: Compiler, templates: Templates, root: Path) -> JSON:
    file = _where(flow.path, root)
    steps: dict[str, JSON] = {}
    for step in flow.steps.values():
        steps[step.id] = _step(flow, step, compiler, file)
    return {
        "id": flow.id,
        "title": flow.title,
        "summary": flow.summary,
        "version": flow.version,
        "tags": _plain(flow.tags),
        "start": flow.start,
        "vars": _plain(flow.vars),
        "file": file,
        "line": flow.line,
        "steps": steps,
    }


def _step(flow: Flow, step: Step, compiler: Compiler, file: str) -> JSON:
    say: JSON = None
    if step.say is not None:
        if step.say.is_file:
            key = compiler.file(step.say.source)
            say = {"template": key, "file": True, "line": step.say.line}
        else:
            key = compiler.inline(f"{file}:{step.say.line}", step.say.source)
            say = {"template": key, "file": False, "line": step.say.line, "text": step.say.source}
    where = f"{file}:{step.line}"
    return {
        "id": step.id,
        "line": step.line,
        "say": say,
        "choices": [
            {"id": c.id, "label": c.label, "goto": c.goto, "set": _plain(c.set), "line": c.line} for c in step.choices
        ],
        "ask": None
        if step.ask is None
        else {"var": step.ask.var, "max": step.ask.max_length, "skippable": step.ask.skippable, "line": step.ask.line},
        "scale": None
        if step.scale is None
        else {
            "var": step.scale.var,
            "low": step.scale.low,
            "high": step.scale.high,
            "line": step.scale.line,
            "skippable": step.scale.skippable,
        },
        "call": step.call,
        "call_line": step.call_line,
        "next": [
            {
                "goto": r.goto,
                "when": r.when,
                "test": None if r.when is None else compiler.condition(r.when, where),
                "line": r.line,
            }
            for r in step.next
        ],
        "effects": [
            {
                "kind": e.kind,
                "params": _plain(e.params),
                "line": e.line,
                # prompt files the effect renders (a follow-up's plan), shown as the bot keeps them
                "words": {param: compiler.file(name) for param, name in EFFECTS[e.kind].templates(e.params)},
            }
            for e in step.effects
        ],
        "end": step.end,
        "tags": _plain(step.tags),
        "waits": step.waits,
    }


def _plain(value: Any) -> JSON:
    """A value as JSON: mappings and sequences as themselves, anything else as text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _asset(name: str) -> str:
    return resources.files("bot.dialogue").joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(data: JSON) -> str:
    """JSON safe inside a <script> element: no `</script>`, no `<!--`, no line separators."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page(exported: Export, title: str = "Hedgehog flows", coverage_href: str = "coverage.html") -> str:
    """The whole page: markup, style, script and data in one file (one pass, so no part
    is read for another's placeholder)."""
    parts = {
        "{{title}}": html.escape(title),
        "{{coverage_href}}": html.escape(coverage_href),
        "/*{{style}}*/": _asset("preview.css"),
        "/*{{data}}*/null": _script_json(exported.data),
        "/*{{script}}*/": _asset("preview.js"),
    }
    pattern = re.compile("|".join(re.escape(key) for key in parts))
    return pattern.sub(lambda match: parts[match.group()], _asset("preview.html"))


__all__ = ["Export", "export", "page"]
