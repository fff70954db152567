"""The flows as a set: which files, one `Flow` each (read by `loader.py`), ids unique
(HH007), and the buttons an `each_flow` makes from the other flows' tags, which only the
whole set can answer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from bot.dialogue.diagnostics import Report
from bot.dialogue.loader import load_flow
from bot.dialogue.model import ChoiceDef, Flow, Library


def flow_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, directories expanded to their `*.yaml`, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.y*ml") if p.is_file()))
        else:
            files.append(path)
    return files


def load_library(
    paths: Sequence[Path], prompts: Sequence[Path], report: Report, context: Sequence[Path] = ()
) -> Library:
    """Load every flow in `paths`. Problems go to `report`; flows that could be built are kept.

    Flows in `context` (files not already named) are loaded too, so that calls from the
    named files resolve; a context flow whose id a named file already has is left out.
    """
    flows: dict[str, Flow] = {}
    broken: set[str] = set()
    named = flow_files(paths)
    seen = {f.resolve() for f in named}
    extra = [f for f in flow_files(context) if f.resolve() not in seen]
    for file in named + extra:
        flow = load_flow(file, report)
        if flow is None:
            broken |= _meant_ids(file)
            continue
        if flow.id in flows and file in extra:
            continue
        if flow.id in flows:
            first = flows[flow.id]
            report.add(
                "HH007",
                file,
                flow.line,
                f"flow id '{flow.id}' is already used by {first.path.name}",
                "Each flow needs its own id; rename one of them (and its file).",
            )
            continue
        flows[flow.id] = flow
    for flow in list(flows.values()):
        if any(step.flow_choices for step in flow.steps.values()):
            flows[flow.id] = _expand_flow_choices(flow, flows, report)
    return Library(flows=flows, prompts=tuple(prompts), broken=frozenset(broken - set(flows)))


_FLOW_LINE = re.compile(r"^flow:\s*[\"']?([a-z0-9-]+)", re.MULTILINE)


def _meant_ids(file: Path) -> set[str]:
    """The id a file that could not be read was meant to have: its name, and what its
    `flow:` line says if the text has one."""
    meant = {file.stem}
    try:
        found = _FLOW_LINE.search(file.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return meant
    return meant | ({found.group(1)} if found else set())


def _expand_flow_choices(flow: Flow, flows: Mapping[str, Flow], report: Report) -> Flow:
    """Turn each `each_flow` into one button per tagged flow, ordered by title."""
    steps = dict(flow.steps)
    for step_id, step in flow.steps.items():
        spec = step.flow_choices
        if spec is None:
            continue
        tagged = sorted((f for f in flows.values() if f.tags.get(spec.tagged) is True), key=lambda f: f.title)
        if not tagged:
            report.add(
                "HH009",
                flow.path,
                spec.line,
                f"no flow is tagged '{spec.tagged}: true'",
                "Tag at least one flow, or list the buttons yourself.",
            )
            # Stands in for the missing buttons, so this one mistake is the only one reported.
            placeholder = ChoiceDef(
                id="each-flow",
                label=spec.tagged,
                goto=spec.goto,
                set={spec.set: None, **({spec.title: None} if spec.title else {})},
                line=spec.line,
            )
            steps[step_id] = replace(step, choices=(*step.choices, placeholder), flow_choices=None)
            continue
        generated = tuple(
            ChoiceDef(
                id=f.id,
                label=f.title,
                goto=spec.goto,
                set={spec.set: f.id, **({spec.title: f.title} if spec.title else {})},
                line=spec.line,
            )
            for f in tagged
        )
        steps[step_id] = replace(step, choices=(*step.choices, *generated), flow_choices=None)
    return replace(flow, steps=steps)
