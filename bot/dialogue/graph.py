"""`hedgehog graph FLOW`: the flow's diagram, generated from the file (Mermaid or DOT)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.dialogue.model import Flow, Step


def _edges(step: Step) -> Iterator[tuple[str, str]]:
    """(target, label) for every way out of a step."""
    for choice in step.choices:
        if choice.goto:
            yield choice.goto, choice.label
    for route in step.next:
        label = route.when or ("answer" if step.ask or step.scale else "")
        if step.call:
            label = f"after {step.call}" + (f", {route.when}" if route.when else "")
        yield route.goto, label


def _node_label(step: Step) -> str:
    if step.end:
        return f"{step.id} ({step.end})"
    if step.call:
        return f"{step.id} → {step.call}"
    if step.scale:
        return f"{step.id} [{step.scale.low}-{step.scale.high}: {step.scale.var}]"
    if step.ask:
        return f"{step.id} [text: {step.ask.var}]"
    return step.id


def _quote(text: str) -> str:
    return text.replace('"', "'")


def mermaid(flow: Flow) -> str:
    ids = {sid: f"s{i}" for i, sid in enumerate(flow.steps)}
    lines = ["flowchart TD", f'    start(("{_quote(flow.title)}")) --> {ids[flow.start]}']
    for step in flow.steps.values():
        node = ids[step.id]
        label = _quote(_node_label(step))
        if step.end:
            lines.append(f'    {node}(["{label}"])')
        elif step.call:
            lines.append(f'    {node}[["{label}"]]')
        else:
            lines.append(f'    {node}["{label}"]')
        for target, edge in _edges(step):
            if target in ids:
                arrow = f'-->|"{_quote(edge)}"|' if edge else "-->"
                lines.append(f"    {node} {arrow} {ids[target]}")
    return "\n".join(lines) + "\n"


def dot(flow: Flow) -> str:
    lines = [f'digraph "{flow.id}" {{', "    rankdir=TB;", '    node [shape=box, fontname="Helvetica"];']
    for step in flow.steps.values():
        shape = "oval" if step.end else "box3d" if step.call else "box"
        lines.append(f'    "{step.id}" [label="{_quote(_node_label(step))}", shape={shape}];')
    lines.append(f'    "__start" [label="{_quote(flow.title)}", shape=circle];')
    lines.append(f'    "__start" -> "{flow.start}";')
    for step in flow.steps.values():
        for target, edge in _edges(step):
            lines.append(f'    "{step.id}" -> "{target}" [label="{_quote(edge)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
