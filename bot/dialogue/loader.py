"""Turn one `dialogues/*.yaml` file into a frozen `Flow` value, reporting every schema
problem (the set of flows, `Library`, is put together in `library.py`).

Loading never stops at the first mistake: each problem becomes a diagnostic, the
flow is built from what could be read, and the checker carries on from there.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.dialogue import yamlnodes
from bot.dialogue.diagnostics import Report
from bot.dialogue.effects import EFFECTS, EffectSpec, Param, is_template
from bot.dialogue.model import (
    DEFAULT_MAX_LENGTH,
    LIMIT_MAX_LENGTH,
    SKIP_CHOICE,
    AskDef,
    ChoiceDef,
    EffectDef,
    Flow,
    FlowChoices,
    Migration,
    Outcome,
    Route,
    Say,
    ScaleDef,
    Step,
)
from bot.dialogue.yamlnodes import YList, YMap

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VAR_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
AFTER_RE = re.compile(r"^(\d+)(m|h|d)$|^(evening|tonight|tomorrow|tomorrow-evening|morning|weekend|sunday)$")
MAX_ID = 64
MAX_ALSO = 100  # characters in one `also:` phrase of a choice

FLOW_KEYS = ("flow", "version", "title", "summary", "tags", "start", "vars", "steps", "migrations")
STEP_KEYS = ("tags", "say", "choices", "ask", "scale", "call", "next", "effects", "end")
CHOICE_KEYS = ("id", "label", "goto", "set", "also")
EACH_FLOW_KEYS = ("tagged", "set", "title")
ASK_KEYS = ("var", "max_length", "skippable")
SCALE_KEYS = ("var", "min", "max", "skippable")
ROUTE_KEYS = ("when", "goto")
MIGRATION_KEYS = ("version", "steps", "vars")
OUTCOMES = ("completed", "stopped")
RESERVED_VARS = frozenset({"loop", "self", "range", "true", "false", "none"})


def load_flow(file: Path, report: Report) -> Flow | None:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add("HH001", file, 1, f"there is no file {file}", "Check the path you passed.")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        report.add("HH001", file, 1, f"cannot read {file}: {reason}", "Save the file as UTF-8 text.")
        return None
    try:
        data = yamlnodes.load(text)
    except yamlnodes.YAMLSyntaxError as exc:
        if exc.code != "HH002":
            report.add(exc.code, file, exc.line, exc.message, exc.hint)
            return None
        report.add(
            "HH002",
            file,
            exc.line,
            f"YAML cannot be parsed: {exc.message}",
            "Check indentation (spaces, not tabs) and quote text that contains ': ' or '#'.",
        )
        return None
    return _FlowReader(file, report).read(data)


class _FlowReader:
    def __init__(self, file: Path, report: Report) -> None:
        self.file = file
        self.report = report
        self.flow_choices: FlowChoices | None = None  # the step being read has `- each_flow:`

    # ------------------------------------------------------------------ helpers

    def err(self, code: str, line: int, message: str, hint: str = "") -> None:
        self.report.add(code, self.file, line, message, hint)

    def keys(self, node: YMap, allowed: Sequence[str], where: str) -> None:
        for key, line in node.duplicates:
            self.err(
                "HH007",
                line,
                f"'{key}' is written twice in {where}",
                "YAML keeps only the first; remove or rename the other.",
            )
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"Did you mean '{close[0]}'?" if close else f"Allowed keys: {', '.join(allowed)}."
                self.err("HH005", node.line_of(key), f"unknown key '{key}' in {where}", hint)

    def mapping(self, value: Any, line: int, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.err("HH004", line, f"{what} must be a mapping of 'key: value' lines, not {_kind(value)}")
        return None

    def text(self, node: YMap, key: str, where: str, required: bool = True) -> str | None:
        if key not in node:
            if required:
                self.err("HH003", node.line, f"{where} has no '{key}'", f"Add '{key}: ...'.")
            return None
        value = node[key]
        if isinstance(value, str) and value.strip():
            return value
        self.err("HH004", node.line_of(key), f"'{key}' in {where} must be text, not {_kind(value)}")
        return None

    def integer(self, node: YMap, key: str, where: str, default: int | None = None) -> int | None:
        if key not in node:
            if default is None:
                self.err("HH003", node.line, f"{where} has no '{key}'", f"Add '{key}: 1'.")
            return default
        value = node[key]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.err("HH004", node.line_of(key), f"'{key}' in {where} must be a whole number, not {_kind(value)}")
        return default

    def ident(self, value: Any, line: int, what: str) -> str | None:
        if not isinstance(value, str):
            self.err("HH004", line, f"{what} must be text, not {_kind(value)}")
            return None
        if not ID_RE.match(value) or len(value) > MAX_ID:
            self.err(
                "HH006",
                line,
                f"{what} '{value}' is not a valid id",
                "Ids use lowercase letters, digits and '-' (at most 64), e.g. 'what-happened'.",
            )
            return None
        return value

    def var_name(self, value: Any, line: int, what: str) -> str | None:
        if not isinstance(value, str) or not VAR_RE.match(value) or value in RESERVED_VARS:
            self.err(
                "HH006",
                line,
                f"{what} '{value}' is not a valid variable name",
                "Variable names use lowercase letters, digits and '_', e.g. 'told_myself'.",
            )
            return None
        return value

    # ------------------------------------------------------------------ flow

    def read(self, data: Any) -> Flow | None:
        if not isinstance(data, YMap):
            line = getattr(data, "line", 1)
            self.err(
                "HH004",
                line,
                f"a flow file must be a mapping starting with 'flow: <id>', not {_kind(data)}",
            )
            return None
        self.keys(data, FLOW_KEYS, "the flow")
        flow_id = self.ident(data["flow"], data.line_of("flow"), "flow id") if "flow" in data else None
        if "flow" not in data:
            self.err("HH003", data.line, "the flow has no 'flow' id", f"Add 'flow: {self.file.stem}'.")
        if flow_id and flow_id != self.file.stem:
            self.err(
                "HH021",
                data.line_of("flow"),
                f"flow '{flow_id}' lives in {self.file.name}",
                f"Name the file {flow_id}.yaml so people can find it.",
            )
        version = self.integer(data, "version", "the flow")
        if version is not None and version < 1:
            self.err("HH004", data.line_of("version"), "'version' must be 1 or more")
        title = self.text(data, "title", "the flow")
        summary = self.text(data, "summary", "the flow")
        tags: Mapping[str, Any] | None = (
            self.mapping(data.get("tags", YMap()), data.line_of("tags"), "'tags'") if "tags" in data else {}
        )
        start_line = data.line_of("start")
        start = self.ident(data["start"], start_line, "start step") if "start" in data else None
        if "start" not in data:
            self.err("HH003", data.line, "the flow has no 'start' step", "Add 'start: <first step id>'.")
        variables = self.read_vars(data)
        steps = self.read_steps(data)
        migrations = self.read_migrations(data)
        if flow_id is None or version is None or start is None or steps is None:
            return None
        return Flow(
            id=flow_id,
            version=version,
            title=title or flow_id,
            summary=summary or "",
            tags=dict(tags or {}),
            start=start,
            vars=variables,
            steps=steps,
            migrations=migrations,
            path=self.file,
            line=data.line_of("flow"),
            start_line=start_line,
        )

    def read_vars(self, data: YMap) -> dict[str, Any]:
        if "vars" not in data:
            return {}
        node = self.mapping(data["vars"], data.line_of("vars"), "'vars'")
        if node is None:
            return {}
        self.keys(node, tuple(node), "'vars'")
        result: dict[str, Any] = {}
        for name, value in node.items():
            if self.var_name(name, node.line_of(name), "variable") and self.scalar(
                value, node.line_of(name), f"default of '{name}'"
            ):
                result[name] = value
        return result

    def scalar(self, value: Any, line: int, what: str) -> bool:
        if value is None or isinstance(value, str | int | float | bool):
            return True
        self.err("HH004", line, f"{what} must be a single value (text, number, true/false or null)")
        return False

    # ------------------------------------------------------------------ steps

    def read_steps(self, data: YMap) -> dict[str, Step] | None:
        if "steps" not in data:
            self.err("HH003", data.line, "the flow has no 'steps'", "Add 'steps:' with at least one step.")
            return None
        node = self.mapping(data["steps"], data.line_of("steps"), "'steps'")
        if node is None:
            return None
        for key, line in node.duplicates:
            self.err(
                "HH007",
                line,
                f"step id '{key}' is used twice",
                "Step ids must be unique within a flow; rename one.",
            )
        if not node:
            self.err("HH003", node.line, "'steps' is empty", "A flow needs at least one step.")
            return None
        steps: dict[str, Step] = {}
        for step_id, body in node.items():
            line = node.line_of(step_id)
            if self.ident(step_id, line, "step id") is None:
                continue
            step = self.read_step(step_id, body, line)
            if step is not None:
                steps[step_id] = step
        return steps

    def read_step(self, step_id: str, body: Any, line: int) -> Step | None:
        where = f"step '{step_id}'"
        node = self.mapping(body, line, where)
        if node is None:
            return None
        self.keys(node, STEP_KEYS, where)
        say = None
        if "say" in node:
            source = self.text(node, "say", where)
            if source is not None:
                say = Say(source=source.strip(), is_file=source.strip().endswith(".j2"), line=node.line_of("say"))
        self.flow_choices = None
        choices = self.read_choices(node, where)
        ask = self.read_ask(node, where)
        scale = self.read_scale(node, where)
        call = None
        if "call" in node:
            call = self.ident(node["call"], node.line_of("call"), "called flow")
        routes = self.read_next(node, where)
        effects = self.read_effects(node, where)
        end: Outcome | None = None
        if "end" in node:
            end = node["end"] if node["end"] in OUTCOMES else "stopped"
            if node["end"] not in OUTCOMES:
                # Reported once here; kept as an end so no loose-end errors pile on top.
                self.err(
                    "HH004",
                    node.line_of("end"),
                    f"'end' in {where} must be completed or stopped",
                    "Use 'end: completed' or 'end: stopped'.",
                )
        tags = self.mapping(node["tags"], node.line_of("tags"), f"'tags' of {where}") if "tags" in node else None
        step = Step(
            id=step_id,
            line=line,
            say=say,
            choices=choices,
            ask=ask,
            scale=scale,
            call=call,
            call_line=node.line_of("call"),
            next=routes,
            effects=effects,
            end=end,
            flow_choices=self.flow_choices,
            tags=dict(tags or {}),
        )
        self.consistency(step, node, where)
        return step

    def consistency(self, step: Step, node: YMap, where: str) -> None:
        present = [k for k in ("choices", "ask", "scale", "call", "next") if k in node]
        if "end" in node and present:
            self.err(
                "HH019",
                node.line_of(present[0]),
                f"{where} ends the flow but also has '{present[0]}'",
                "An 'end' step is the last one: remove the other keys or the 'end'.",
            )
            return
        if "scale" in node and "ask" in node:
            self.err(
                "HH019",
                node.line_of("ask"),
                f"{where} has both 'scale' and 'ask'",
                "A step asks one thing: split it into two steps.",
            )
        if "call" in node:
            for key in ("choices", "ask", "scale"):
                if key in node:
                    self.err(
                        "HH019",
                        node.line_of(key),
                        f"{where} calls a flow and also has '{key}'",
                        "Put the question in its own step before or after the call.",
                    )
        if step.waits and step.say is None:
            self.err(
                "HH003",
                node.line,
                f"{where} asks something but has no 'say'",
                "Add 'say:' with the question, so the buttons or answer have words above them.",
            )
        if "end" in node:
            return
        needs_next = [k for k in ("call", "ask", "scale") if k in node]
        if needs_next and "next" not in node:
            self.err(
                "HH003",
                node.line,
                f"{where} has '{needs_next[0]}' but no 'next'",
                "Add 'next: <step id>' to say where to go afterwards.",
            )
        elif not step.waits and "call" not in node and "next" not in node and "choices" not in node:
            self.err(
                "HH003",
                node.line,
                f"{where} has no way forward",
                "Add 'next: <step id>', choices, or 'end: completed'.",
            )
        if step.choices and "next" not in node and "ask" not in node:
            for choice in step.choices:
                if choice.goto is None:
                    self.err(
                        "HH003",
                        choice.line,
                        f"choice '{choice.id}' in {where} has no 'goto'",
                        "Add 'goto: <step id>', or give the step a 'next'.",
                    )

    def read_choices(self, node: YMap, where: str) -> tuple[ChoiceDef, ...]:
        if "choices" not in node:
            return ()
        items = node["choices"]
        if not isinstance(items, YList) or not items:
            self.err(
                "HH004",
                node.line_of("choices"),
                f"'choices' in {where} must be a list of buttons",
                "Write each button as '- id: ...' with 'label:' and 'goto:'.",
            )
            return ()
        choices: list[ChoiceDef] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            line = items.line_of(index)
            body = self.mapping(item, line, f"a choice in {where}")
            if body is None:
                continue
            if "each_flow" in body:
                self.flow_choices = self.read_each_flow(body, line, where)
                continue
            self.keys(body, CHOICE_KEYS, f"a choice in {where}")
            if "id" not in body:
                self.err("HH003", line, f"a choice in {where} has no 'id'", "Add 'id: <short-id>'.")
                continue
            choice_id = self.ident(body["id"], body.line_of("id"), "choice id")
            label = self.text(body, "label", f"choice '{body['id']}' in {where}")
            if choice_id is None or label is None:
                continue
            if choice_id == SKIP_CHOICE:
                self.err(
                    "HH006",
                    body.line_of("id"),
                    f"choice id '{SKIP_CHOICE}' is reserved",
                    "The Skip button is added for you on skippable questions; pick another id.",
                )
                continue
            if choice_id in seen:
                self.err(
                    "HH007",
                    body.line_of("id"),
                    f"choice id '{choice_id}' is used twice in {where}",
                    "Choice ids must be unique within a step.",
                )
                continue
            seen.add(choice_id)
            goto = None
            if "goto" in body:
                goto = self.ident(body["goto"], body.line_of("goto"), "goto")
            sets: dict[str, Any] = {}
            if "set" in body:
                set_node = self.mapping(body["set"], body.line_of("set"), f"'set' of choice '{choice_id}'")
                for name, value in (set_node or {}).items():
                    line_of = set_node.line_of(name) if set_node is not None else line
                    if self.var_name(name, line_of, "variable") and self.scalar(value, line_of, f"'{name}'"):
                        sets[name] = value
            also = self.read_also(body, choice_id, where)
            choices.append(
                ChoiceDef(
                    id=choice_id,
                    label=label.strip(),
                    goto=goto,
                    set=sets,
                    line=line,
                    also=also,
                    also_line=body.line_of("also") if "also" in body else 0,
                )
            )
        return tuple(choices)

    def read_also(self, body: YMap, choice_id: str, where: str) -> tuple[str, ...]:
        """`also: [yes, I want to text them]`: what a person may type for the button."""
        if "also" not in body:
            return ()
        items = body["also"]
        line = body.line_of("also")
        if not isinstance(items, YList) or not items:
            self.err(
                "HH004",
                line,
                f"'also' of choice '{choice_id}' in {where} must be a list of words or phrases",
                "Write it as 'also: [yes, i want to text them]'.",
            )
            return ()
        phrases: list[str] = []
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip() or len(item) > MAX_ALSO:
                self.err(
                    "HH004",
                    items.line_of(index),
                    f"'also' of choice '{choice_id}' in {where}: each entry must be text of 1 to {MAX_ALSO} characters",
                    'Quote it if it looks like a number or yes/no to YAML: \'also: ["yes", "18+"]\'.',
                )
                continue
            phrases.append(item.strip())
        return tuple(phrases)

    def read_each_flow(self, body: YMap, line: int, where: str) -> FlowChoices | None:
        self.keys(body, ("each_flow", "goto"), f"'each_flow' in {where}")
        spec = self.mapping(body["each_flow"], body.line_of("each_flow"), f"'each_flow' in {where}")
        if spec is None:
            return None
        self.keys(spec, EACH_FLOW_KEYS, f"'each_flow' in {where}")
        tagged = self.text(spec, "tagged", f"'each_flow' in {where}")
        if "set" not in spec:
            self.err("HH003", spec.line, f"'each_flow' in {where} has no 'set'", "Add 'set: <variable>'.")
            return None
        var = self.var_name(spec["set"], spec.line_of("set"), "variable")
        title = self.var_name(spec["title"], spec.line_of("title"), "variable") if "title" in spec else None
        goto = self.ident(body["goto"], body.line_of("goto"), "goto") if "goto" in body else None
        if tagged is None or var is None or ("title" in spec and title is None):
            return None
        return FlowChoices(tagged=tagged, set=var, title=title, goto=goto, line=line)

    def read_ask(self, node: YMap, where: str) -> AskDef | None:
        if "ask" not in node:
            return None
        body = self.mapping(node["ask"], node.line_of("ask"), f"'ask' in {where}")
        if body is None:
            return None
        self.keys(body, ASK_KEYS, f"'ask' in {where}")
        if "var" not in body:
            self.err("HH003", body.line, f"'ask' in {where} has no 'var'", "Add 'var: <name>' to keep the answer.")
            return None
        var = self.var_name(body["var"], body.line_of("var"), "variable")
        max_length = self.integer(body, "max_length", f"'ask' in {where}", DEFAULT_MAX_LENGTH)
        if max_length is not None and not 1 <= max_length <= LIMIT_MAX_LENGTH:
            self.err("HH004", body.line_of("max_length"), f"'max_length' must be between 1 and {LIMIT_MAX_LENGTH}")
            max_length = DEFAULT_MAX_LENGTH
        skippable = body.get("skippable", False)
        if not isinstance(skippable, bool):
            self.err("HH004", body.line_of("skippable"), "'skippable' must be true or false")
            skippable = False
        if var is None:
            return None
        return AskDef(var=var, max_length=max_length or DEFAULT_MAX_LENGTH, skippable=skippable, line=body.line)

    def read_scale(self, node: YMap, where: str) -> ScaleDef | None:
        if "scale" not in node:
            return None
        body = self.mapping(node["scale"], node.line_of("scale"), f"'scale' in {where}")
        if body is None:
            return None
        self.keys(body, SCALE_KEYS, f"'scale' in {where}")
        if "var" not in body:
            self.err("HH003", body.line, f"'scale' in {where} has no 'var'", "Add 'var: <name>'.")
            return None
        var = self.var_name(body["var"], body.line_of("var"), "variable")
        low = self.integer(body, "min", f"'scale' in {where}", 0)
        high = self.integer(body, "max", f"'scale' in {where}", 10)
        if low is not None and high is not None and not (0 <= low < high <= 10):
            self.err(
                "HH004",
                body.line,
                f"the scale in {where} must satisfy 0 <= min < max <= 10",
                "Buttons fit one chat row per five numbers; use a 0-10 scale.",
            )
            return None
        skippable = body.get("skippable", True)
        if not isinstance(skippable, bool):
            self.err("HH004", body.line_of("skippable"), "'skippable' must be true or false")
            skippable = True
        if var is None or low is None or high is None:
            return None
        return ScaleDef(var=var, low=low, high=high, line=body.line, skippable=skippable)

    def read_next(self, node: YMap, where: str) -> tuple[Route, ...]:
        if "next" not in node:
            return ()
        value, line = node["next"], node.line_of("next")
        if isinstance(value, str):
            target = self.ident(value, line, "next step")
            return (Route(goto=target, when=None, line=line),) if target else ()
        if not isinstance(value, YList) or not value:
            self.err("HH004", line, f"'next' in {where} must be a step id or a list of 'when/goto' entries")
            return ()
        routes: list[Route] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index)
            body = self.mapping(item, item_line, f"an entry of 'next' in {where}")
            if body is None:
                continue
            self.keys(body, ROUTE_KEYS, f"an entry of 'next' in {where}")
            if "goto" not in body:
                self.err("HH003", item_line, f"an entry of 'next' in {where} has no 'goto'", "Add 'goto: <step id>'.")
                continue
            target = self.ident(body["goto"], body.line_of("goto"), "goto")
            when = None
            if "when" in body:
                when = self.text(body, "when", f"an entry of 'next' in {where}")
            if target:
                routes.append(Route(goto=target, when=when, line=item_line))
        unconditional = [i for i, r in enumerate(routes) if r.when is None]
        if not unconditional:
            self.err(
                "HH003",
                line,
                f"every entry of 'next' in {where} has a 'when'",
                "End the list with an entry that has only 'goto', for when no condition holds.",
            )
        elif unconditional[0] != len(routes) - 1:
            self.err(
                "HH022",
                routes[unconditional[0] + 1].line,
                f"this entry of 'next' in {where} can never be taken",
                "An entry without 'when' always matches; move it to the end of the list.",
            )
        return tuple(routes)

    def read_effects(self, node: YMap, where: str) -> tuple[EffectDef, ...]:
        if "effects" not in node:
            return ()
        items = node["effects"]
        if not isinstance(items, YList):
            self.err("HH004", node.line_of("effects"), f"'effects' in {where} must be a list")
            return ()
        effects: list[EffectDef] = []
        for index, item in enumerate(items):
            line = items.line_of(index)
            effect = self.read_effect(item, line, where)
            if effect is not None:
                effects.append(effect)
        return tuple(effects)

    def read_effect(self, item: Any, line: int, where: str) -> EffectDef | None:
        """One effect, read by its definition in `effects.EFFECTS`."""
        if isinstance(item, str) and item in EFFECTS and EFFECTS[item].bare:
            return EffectDef(kind=item, params={}, line=line)
        if not isinstance(item, YMap) or len(item) != 1:
            self.err(
                "HH004",
                line,
                f"an effect in {where} must be one of {', '.join(EFFECTS)}",
                "Write e.g. '- follow_up: {flow: checkin, after: 2h}'.",
            )
            return None
        kind, written = next(iter(item.items()))
        spec = EFFECTS.get(kind)
        if spec is None:
            self.keys(item, tuple(EFFECTS), f"effects of {where}")
            return None
        if spec.flag:
            if written is not True:
                self.err("HH004", line, f"'{kind}' takes 'true'", f"Write '- {kind}: true'.")
                return None
            return EffectDef(kind=kind, params={}, line=line)
        body = self.mapping(written, line, f"'{kind}'")
        if body is None:
            return None
        self.keys(body, tuple(p.name for p in spec.params), f"'{kind}' in {where}")
        params: dict[str, Any] = {}
        ok = True
        for param in spec.params:
            value = self.read_param(body, param, spec, where)
            if value is None and (param.name in body or param.required):
                ok = False
            elif value is not None:
                params[param.name] = value
        return EffectDef(kind=kind, params=params, line=line) if ok else None

    def read_param(self, body: YMap, param: Param, spec: EffectSpec, where: str) -> Any:
        """A parameter's value as written, or None (reported) when it is missing or malformed."""
        key, at, kind = param.name, body.line_of(param.name), spec.kind
        if key not in body and not param.required:
            return None
        if param.type == "vars":
            names = body.get(key, YList())
            if not isinstance(names, list) or not names:
                self.err("HH004", at, f"'{key}' of '{kind}' must list variable names")
                return None
            valid = [n for n in names if self.var_name(n, at, "variable")]
            return tuple(valid) if len(valid) == len(names) else None
        if param.type in ("text", "delay"):
            text = self.text(body, key, f"'{kind}' in {where}", required=param.required)
            if text is not None and param.type == "delay" and not AFTER_RE.match(text):
                self.err(
                    "HH004",
                    at,
                    f"'{key}: {text}' is not a delay I understand",
                    "Use minutes, hours or days like 20m, 2h, 1d, or 'evening', 'tonight', 'tomorrow',"
                    " 'tomorrow-evening', 'morning', 'weekend' or 'sunday'.",
                )
                return None
            return text
        if key not in body:
            if param.required:
                what = "<flow id>" if param.type == "flow" else "<variable>"
                self.err("HH003", body.line, f"'{kind}' has no '{key}'", f"Add '{key}: {what}'.")
            return None
        if param.type == "flow":
            return self.ident(body[key], at, f"{spec.noun or repr(kind)} flow")
        if param.type == "words" and is_template(body[key]):
            return body[key]  # a prompt file: the checker makes sure it exists (HH012)
        return self.var_name(body[key], at, "variable")

    # ------------------------------------------------------------------ migrations

    def read_migrations(self, data: YMap) -> tuple[Migration, ...]:
        if "migrations" not in data:
            return ()
        items = data["migrations"]
        if not isinstance(items, YList):
            self.err("HH004", data.line_of("migrations"), "'migrations' must be a list")
            return ()
        migrations: list[Migration] = []
        for index, item in enumerate(items):
            line = items.line_of(index)
            body = self.mapping(item, line, "a migration")
            if body is None:
                continue
            self.keys(body, MIGRATION_KEYS, "a migration")
            version = self.integer(body, "version", "a migration")
            steps: dict[str, str] = {}
            step_lines: dict[str, int] = {}
            if "steps" in body:
                step_node = self.mapping(body["steps"], body.line_of("steps"), "'steps' of a migration")
                for old, new in (step_node or {}).items():
                    at = step_node.line_of(old) if step_node is not None else line
                    if self.ident(old, at, "old step id") and self.ident(new, at, "new step id"):
                        steps[old] = new
                        step_lines[old] = at
            defaults: dict[str, Any] = {}
            if "vars" in body:
                var_node = self.mapping(body["vars"], body.line_of("vars"), "'vars' of a migration")
                for name, value in (var_node or {}).items():
                    at = var_node.line_of(name) if var_node is not None else line
                    if self.var_name(name, at, "variable") and self.scalar(value, at, f"'{name}'"):
                        defaults[name] = value
            if version is not None:
                migrations.append(
                    Migration(version=version, steps=steps, vars=defaults, line=line, step_lines=step_lines)
                )
        return tuple(migrations)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:30]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
