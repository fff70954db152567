"""`hedgehog check`: every problem in the dialogue files and prompts, in one run.

Loading (`loader`) reports schema problems; this module checks what only the whole
set can tell: targets, reachability, loose ends, templates, variables, Telegram's
limits, migrations and call cycles. Each problem has a stable code (`diagnostics`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from bot.dialogue.answers import choice_polarity, fold, names, polarity
from bot.dialogue.diagnostics import Report
from bot.dialogue.effects import COUNT_KINDS, EFFECTS
from bot.dialogue.library import flow_files, load_library
from bot.dialogue.model import (
    GATED_TAG,
    MAX_LABEL,
    MAX_PAYLOAD,
    NOT_SAFE_VAR,
    SKIP_CHOICE,
    Flow,
    Library,
    Route,
    Say,
    Step,
    worst_case_payload,
)
from bot.dialogue.style import StyleChecker
from bot.dialogue.templates import Templates, unknown_names
from bot.errors import DialogueError


@dataclass(frozen=True, slots=True)
class CheckResult:
    library: Library
    report: Report

    @property
    def ok(self) -> bool:
        return not self.report.errors

    def sound(self) -> dict[str, Flow]:
        """The flows with no error in their own file or in a template they say (or that one
        includes): what `hedgehog graph` can draw."""
        broken = {d.file.resolve() for d in self.report.errors}
        if not broken:
            return dict(self.library.flows)
        templates = Templates(*self.library.prompts)
        said: dict[str, set[Path]] = {}

        def files(flow: Flow) -> set[Path]:
            found = {flow.path.resolve()}
            for step in flow.steps.values():
                if step.say is not None and step.say.is_file:
                    if step.say.source not in said:
                        said[step.say.source] = {f.resolve() for f, _ in templates.trees(step.say.source)}
                    found |= said[step.say.source]
            return found

        return {fid: f for fid, f in self.library.flows.items() if not files(f) & broken}

    def playable(self) -> dict[str, Flow]:
        """The sound flows whose calls (and the calls of those) all reach sound flows: what
        `hedgehog preview` can play to the end."""
        sound = self.sound()
        playable: dict[str, Flow] = {}
        for fid in sound:
            pending, seen, ok = [fid], {fid}, True
            while pending and ok:
                for step in sound[pending.pop()].steps.values():
                    if step.call is None or step.call in seen:
                        continue
                    if step.call not in sound:
                        ok = False
                        break
                    seen.add(step.call)
                    pending.append(step.call)
            if ok:
                playable[fid] = sound[fid]
        return playable

    def why_not(self, flow_id: str) -> str:
        """Why a flow is left out of the preview, in a few words."""
        if flow_id in self.library.broken or flow_id not in self.library.flows:
            return "its file cannot be read"
        sound = self.sound()
        if flow_id not in sound:
            return "its file or its words have errors"
        pending, seen = [flow_id], {flow_id}
        while pending:
            for step in sound[pending.pop()].steps.values():
                if step.call is not None and step.call not in sound:
                    return f"it calls '{step.call}', whose file has errors"
                if step.call is not None and step.call not in seen:
                    seen.add(step.call)
                    pending.append(step.call)
        return "it has errors"


def check_paths(
    paths: Sequence[Path],
    prompts: Sequence[Path],
    required_templates: Iterable[str] = (),
    context: Sequence[Path] = (),
    strict: bool = False,
    style: bool = True,
) -> CheckResult:
    """Check the flows in `paths`; flows in `context` only help resolve calls and are
    not reported on. `strict`: every warning (the guide's tone rules too) is an error;
    `style`: whether to read the words for those rules at all (the running bot does not)."""
    report = Report(strict)
    library = load_library(paths, prompts, report, context)
    checker = _Checker(library, report)
    checker.run(required_templates)
    if style:
        StyleChecker(library, checker.templates, report).run()
    if context:
        quiet = {f.resolve() for f in flow_files(context)} - {f.resolve() for f in flow_files(paths)}
        report.items = [d for d in report.items if d.file.resolve() not in quiet]
    # What the check found each prompt reads goes with the library: the engine need not parse again.
    return CheckResult(dataclasses.replace(library, reads=dict(checker.templates.reads)), report)


def load_checked(
    paths: Sequence[Path], prompts: Sequence[Path], required_templates: Iterable[str] = (), cache: Path | None = None
) -> Library:
    """The library, or DialogueError listing every error. What the running bot uses.

    With `cache`, a library that passed its check is kept there (`library-<key>.pickle`),
    the key a hash of every flow and prompt file, the checker's own code and the templates
    asked for: the next start with the same files loads it instead of checking again (the
    check is most of start-up, and grows with every flow). A changed file is a new key, so
    it is checked again. A cache folder that cannot be written, or a kept file that cannot
    be read, only costs the check. The folder must be the operator's own: what is kept there
    is loaded as Python objects."""
    required_templates = tuple(required_templates)
    key = _library_key(paths, prompts, required_templates) if cache is not None else ""
    kept = cache / f"library-{key}.pickle" if cache is not None else None
    if kept is not None:
        try:
            library = pickle.loads(kept.read_bytes())
        except Exception:  # absent, unreadable, or written by another version: check again
            library = None
        if isinstance(library, Library):
            return library
    result = check_paths(paths, prompts, required_templates, style=False)  # tone rules are warnings
    if not result.ok:
        raise DialogueError(result.report.sorted())
    if kept is not None:
        _keep(kept, pickle.dumps(result.library, protocol=pickle.HIGHEST_PROTOCOL))
    return result.library


def _library_key(paths: Sequence[Path], prompts: Sequence[Path], required: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]}|{'|'.join(required)}".encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    templates = sorted(p for folder in prompts if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    for file in [*code, *flow_files(paths), *templates]:
        digest.update(f"\0{file.resolve()}\0".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _keep(path: Path, data: bytes) -> None:
    """Write `path` whole (a temporary file renamed over it), or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


class _Checker:
    def __init__(self, library: Library, report: Report) -> None:
        self.library = library
        self.report = report
        self.templates = Templates(*library.prompts)
        self.globals = frozenset(self.templates.env.globals)
        self.broken_templates: set[str] = set()
        self.checked_templates: dict[str, frozenset[str] | None] = {}
        self.exit_vars: dict[str, frozenset[str]] = {}
        self.said: dict[Say, frozenset[str] | None] = {}
        self.conditions: dict[str, frozenset[str] | None] = {}
        self.flow_uses: dict[str, frozenset[str]] = {}
        self.named_checked: set[Path] = set()  # template files read for unknown filters and tests

    def run(self, required_templates: Iterable[str]) -> None:
        for name in required_templates:
            self.template_file(name, self.library.prompts[0] / name, 1)
        for flow in self.library.flows.values():
            self.structure(flow)
            self.toward_partner(flow)
            self.counts(flow)
        cyclic = self.call_cycles()
        for flow in self.library.flows.values():
            self.flow_uses[flow.id] = frozenset().union(
                *(uses for step in flow.steps.values() for uses, _, _ in self.step_uses(flow, step)),
                *(self.condition_uses(r.when) or () for step in flow.steps.values() for r in step.next if r.when),
            )
        for flow in self.call_order(cyclic):
            self.variables(flow)

    # ------------------------------------------------------------------ structure

    def structure(self, flow: Flow) -> None:
        add = self.report.add
        steps = flow.steps
        if flow.start not in steps:
            add(
                "HH008",
                flow.path,
                flow.start_line,
                f"start step '{flow.start}' does not exist",
                self.suggest(flow.start, steps),
            )
        for step in steps.values():
            for choice in step.choices:
                if choice.goto is not None and choice.goto not in steps:
                    add(
                        "HH008",
                        flow.path,
                        choice.line,
                        f"choice '{choice.id}' in step '{step.id}' goes to '{choice.goto}', which does not exist",
                        self.suggest(choice.goto, steps),
                    )
                self.button(flow, step, choice.id, choice.label, choice.line)
            self.typed_answers(flow, step)
            if step.ask is not None and step.ask.skippable:
                self.button(flow, step, SKIP_CHOICE, "Skip", step.ask.line)
            if step.scale is not None:
                self.button(flow, step, str(step.scale.high), str(step.scale.high), step.scale.line)
            for route in step.next:
                if route.goto not in steps:
                    add(
                        "HH008",
                        flow.path,
                        route.line,
                        f"step '{step.id}' goes next to '{route.goto}', which does not exist",
                        self.suggest(route.goto, steps),
                    )
                if route.when is not None:
                    self.condition(flow, route.when, route.line)
                    self.skipped_scale(flow, step, route.when, route.line)
            if step.call is not None and step.call not in self.library.flows and step.call not in self.library.broken:
                add(
                    "HH009",
                    flow.path,
                    step.call_line,
                    f"step '{step.id}' calls flow '{step.call}', which does not exist",
                    self.suggest(step.call, self.library.flows),
                )
            for effect in step.effects:
                for _, target in EFFECTS[effect.kind].flows(effect.params):
                    if target not in self.library.flows and target not in self.library.broken:
                        add(
                            "HH009",
                            flow.path,
                            effect.line,
                            f"{EFFECTS[effect.kind].name} in step '{step.id}' names flow '{target}', "
                            "which does not exist",
                            self.suggest(str(target), self.library.flows),
                        )
            if step.say is not None:
                self.say(flow, step.say)
        self.reachability(flow, dangling=any(t not in steps for s in steps.values() for t in s.targets()))
        self.message_loops(flow)
        self.migrations(flow)

    def counts(self, flow: Flow) -> None:
        """`count` says what counts (`bot.features.counts`): a check-in where it reaches the
        exercise it offers, an exercise on a last step that finishes it. A flow whose answers
        /progress reads (`measures`) must say where it counts, or no check-in ever would."""
        counted = False
        for step in flow.steps.values():
            for effect in step.effects:
                if effect.kind != "count":
                    continue
                what = effect.params.get("what")
                if what not in COUNT_KINDS:
                    self.report.add(
                        "HH029",
                        flow.path,
                        effect.line,
                        f"step '{step.id}' counts as '{what}', which is not one of {', '.join(COUNT_KINDS)}",
                        "Write '- count: {what: checkin}' where a check-in reaches its offer, "
                        "'- count: {what: exercise}' on an exercise's last step.",
                    )
                elif what == "exercise" and step.end != "completed":
                    self.report.add(
                        "HH029",
                        flow.path,
                        effect.line,
                        f"step '{step.id}' counts an exercise but does not finish it",
                        "An exercise counts when it is done: put the count on a step with 'end: completed'.",
                    )
                counted = counted or what == "checkin"
        if isinstance(flow.tags.get("measures"), Mapping) and not counted:
            self.report.add(
                "HH029",
                flow.path,
                flow.start_line,
                f"flow '{flow.id}' has 'measures' but no step where a check-in counts",
                "Put '- count: {what: checkin}' in the effects of the step that offers the exercise.",
            )

    def button(self, flow: Flow, step: Step, choice_id: str, label: str, line: int) -> None:
        if len(label) > MAX_LABEL:
            self.report.add(
                "HH016",
                flow.path,
                line,
                f"the label of '{choice_id}' in step '{step.id}' has {len(label)} characters (at most {MAX_LABEL})",
                "Phones cut long buttons off; shorten it and put detail in the step's words.",
            )
        payload = worst_case_payload(step.id, choice_id).encode()
        if len(payload) > MAX_PAYLOAD:
            self.report.add(
                "HH017",
                flow.path,
                line,
                f"the button '{choice_id}' of step '{step.id}' needs {len(payload)} bytes of payload "
                f"(Telegram allows {MAX_PAYLOAD})",
                "Shorten the step id or the choice id; they travel inside the button.",
            )

    def typed_answers(self, flow: Flow, step: Step) -> None:
        """What a person types for a button must pick one button: an `also` phrase that
        another button's label or `also` has too, or a yes (or no) that two buttons say they
        accept, would make the answer a coin toss."""
        owner: dict[str, str] = {}
        for choice in step.choices:
            for name in names(choice):
                owner.setdefault(name, choice.id)
        for choice in step.choices:
            for phrase in choice.also:
                other = owner.get(fold(phrase))
                if other is not None and other != choice.id:
                    self.report.add(
                        "HH030",
                        flow.path,
                        choice.also_line or choice.line,
                        f"'{phrase}' in 'also' of choice '{choice.id}' in step '{step.id}' is also "
                        f"what choice '{other}' answers to",
                        "Each typed answer picks one button: keep the phrase on one choice only.",
                    )
        for said in ("yes", "no"):
            meaning = [c for c in step.choices if choice_polarity(c) == said]
            declared = [c for c in meaning if any(polarity(p) == said for p in c.also)]
            if len(meaning) > 1 and declared:
                self.report.add(
                    "HH030",
                    flow.path,
                    declared[0].also_line or declared[0].line,
                    f"a typed '{said}' in step '{step.id}' would fit choices "
                    + " and ".join(f"'{c.id}'" for c in meaning),
                    f"Say '{said}' in the 'also' of one choice only, and word the other labels without it.",
                )

    def reachability(self, flow: Flow, dangling: bool) -> None:
        """Unreachable steps and loose ends. A route to a missing step (already reported)
        counts as a way to the end, and hides unreachable steps, which are most likely
        the step that was meant: one typo gives one error."""
        steps = flow.steps
        seen: set[str] = set()
        pending = [flow.start] if flow.start in steps else []
        while pending:
            sid = pending.pop()
            if sid in seen:
                continue
            seen.add(sid)
            pending.extend(t for t in steps[sid].targets() if t in steps)
        for step in steps.values():
            if step.id not in seen and flow.start in steps and not dangling:
                self.report.add(
                    "HH010",
                    flow.path,
                    step.line,
                    f"step '{step.id}' can never be reached",
                    f"Point a choice or 'next' at it, or remove it. Flows begin at '{flow.start}'.",
                )
        comes_from: dict[str, list[str]] = {}
        for sid, step in steps.items():
            for target in step.targets():
                comes_from.setdefault(target, []).append(sid)
        pending = [sid for sid, s in steps.items() if s.end or any(t not in steps for t in s.targets())]
        can_end = set(pending)
        while pending:
            for earlier in comes_from.get(pending.pop(), ()):
                if earlier not in can_end:
                    can_end.add(earlier)
                    pending.append(earlier)
        for sid in sorted(seen - can_end, key=lambda s: steps[s].line):
            self.report.add(
                "HH011",
                flow.path,
                steps[sid].line,
                f"from step '{sid}' the flow can never end",
                "Every path needs to reach a step with 'end: completed' (or 'stopped'). Add one, or a route to one.",
            )

    def message_loops(self, flow: Flow) -> None:
        """A cycle of steps that ask nothing would spin forever without the person."""
        passive = {sid for sid, s in flow.steps.items() if not s.waits and not s.end and not s.call}
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for first in flow.steps:
            if first not in passive or first in state:
                continue
            state[first] = 1
            path = [(first, iter(flow.steps[first].targets()))]  # an explicit stack: no recursion limit
            while path:
                sid, targets = path[-1]
                target = next((t for t in targets if t in passive and state.get(t) != 2), None)
                if target is None:
                    state[sid] = 2
                    path.pop()
                elif state.get(target) == 1:
                    self.report.add(
                        "HH024",
                        flow.path,
                        flow.steps[target].line,
                        f"step '{target}' is part of a loop of steps that never wait for an answer",
                        "Add a question (choices, ask or scale) somewhere in the loop.",
                    )
                    return
                else:
                    state[target] = 1
                    path.append((target, iter(flow.steps[target].targets())))

    def toward_partner(self, flow: Flow) -> None:
        """HH025: a step tagged `toward-partner` must be out of reach for someone not safe with
        their partner: behind a route on `not_safe`, or in a flow that is replaced whole."""
        steps = flow.steps
        if flow.tags.get(GATED_TAG) is True or flow.start not in steps:
            return
        for step in steps.values():
            if step.toward_partner and step.waits and not step.next:
                self.report.add(
                    "HH025",
                    flow.path,
                    step.line,
                    f"step '{step.id}' is tagged toward-partner but has no 'next'",
                    "Give it a 'next:' (where someone not safe goes if they come back to it after a "
                    "pause, e.g. crisis support): its buttons can keep their own 'goto'.",
                )
        came_from: dict[str, str] = {flow.start: ""}
        pending = [flow.start]
        while pending:
            sid = pending.pop()
            step = steps[sid]
            if step.toward_partner:
                way = f"from step '{came_from[sid]}'" if came_from[sid] else "as the flow's start"
                self.report.add(
                    "HH025",
                    flow.path,
                    step.line,
                    f"step '{sid}' is tagged toward-partner, and someone not safe with their partner reaches it {way}",
                    f"Route around it: make '- when: {NOT_SAFE_VAR}' (with a goto for them) the first "
                    f"entry of the 'next:' that leads here, or tag the flow '{GATED_TAG}: true' so "
                    "violence support runs instead.",
                )
                continue
            for target in self.unsafe_targets(step):
                if target in steps and target not in came_from:
                    came_from[target] = sid
                    pending.append(target)

    def unsafe_targets(self, step: Step) -> list[str]:
        """Where a person noted as not safe can go from this step: every button, and the
        routes whose conditions on `not_safe` alone let them through."""
        targets = [c.goto for c in step.choices if c.goto is not None]
        for route in step.next:
            if route.when is None:
                targets.append(route.goto)
                break
            uses = self.condition_uses(route.when)
            if uses != {NOT_SAFE_VAR}:
                targets.append(route.goto)  # may hold for them: followed
                continue
            if self.templates.condition(route.when).holds({NOT_SAFE_VAR: True}):
                targets.append(route.goto)
                break  # always taken for them: nothing after it is
        return targets

    def migrations(self, flow: Flow) -> None:
        seen: set[int] = set()
        for migration in flow.migrations:
            if migration.version > flow.version or migration.version < 2 or migration.version in seen:
                self.report.add(
                    "HH023",
                    flow.path,
                    migration.line,
                    f"migration for version {migration.version} does not fit the flow's version {flow.version}",
                    "Each migration names the version (2 up to the flow's 'version') that made the change, once.",
                )
            seen.add(migration.version)
            for old, new in migration.steps.items():
                if new not in flow.steps:
                    self.report.add(
                        "HH018",
                        flow.path,
                        migration.step_lines.get(old, migration.line),
                        f"migration moves '{old}' to '{new}', which does not exist",
                        self.suggest(new, flow.steps),
                    )

    # ------------------------------------------------------------------ templates

    def say(self, flow: Flow, say: Say) -> frozenset[str] | None:
        if say.is_file:
            return self.template_file(say.source, flow.path, say.line)
        if say in self.said:
            return self.said[say]
        uses: frozenset[str] | None = frozenset()
        if "{" in say.source:  # plain words need no compiling (a long flow is mostly plain words)
            try:
                uses = self.templates.inline_prompt(say.source).uses - self.globals
                self.unknown_names(self.templates.env.parse(say.source), flow.path, lambda n: say.line + max(n - 1, 0))
            except jinja2.TemplateSyntaxError as exc:
                uses = None
                tree = self.templates.env.parse(say.source) if isinstance(exc, jinja2.TemplateAssertionError) else None
                if tree is None or not self.unknown_names(tree, flow.path, lambda n: say.line + max(n - 1, 0)):
                    self.report.add(
                        "HH013",
                        flow.path,
                        say.line + max((exc.lineno or 1) - 1, 0),
                        f"the words of this step do not parse: {exc.message}",
                        "Check that every '{{' has its '}}' and every '{% if %}' its '{% endif %}'.",
                    )
        self.said[say] = uses
        return uses

    def template_file(self, name: str, where: Path, line: int) -> frozenset[str] | None:
        if name in self.checked_templates:
            return self.checked_templates[name]
        uses: frozenset[str] | None = None
        try:
            uses = self.templates.file_prompt(name).uses - self.globals
            # Jinja leaves a filter or test inside an `{% if %}` (and in included files) to
            # fail when the words are shown: found here instead.
            for file, tree in self.templates.trees(name):
                if file not in self.named_checked:
                    self.named_checked.add(file)
                    self.unknown_names(tree, file, lambda n: n)
        except jinja2.TemplateAssertionError as exc:
            file = Path(exc.filename) if exc.filename else self.library.prompts[0] / name
            if file not in self.named_checked:
                self.named_checked.add(file)
                tree = self.templates.env.parse(file.read_text(encoding="utf-8"))
                if not self.unknown_names(tree, file, lambda n: n):
                    self.syntax(file, exc)
        except jinja2.TemplateSyntaxError as exc:
            self.syntax(Path(exc.filename) if exc.filename else self.library.prompts[0] / name, exc)
        except jinja2.TemplateNotFound as exc:
            missing = exc.name if exc.name != name else name
            self.report.add(
                "HH012",
                where,
                line,
                f"template '{missing}' does not exist under {self.library.prompts[0]}",
                f"Create prompts/{missing}, or fix the name.",
            )
        self.checked_templates[name] = uses
        return uses

    def syntax(self, file: Path, exc: jinja2.TemplateSyntaxError) -> None:
        self.report.add(
            "HH013",
            file,
            exc.lineno or 1,
            f"template does not parse: {exc.message}",
            "Check that every '{{' has its '}}' and every '{% if %}' its '{% endif %}'.",
        )

    def unknown_names(self, tree: jinja2.nodes.Node, file: Path, line: Callable[[int], int]) -> bool:
        """HH040 for each filter or test the environment does not have; False if none."""
        found = unknown_names(self.templates.env, tree)
        for kind, name, lineno in found:
            known = self.templates.env.filters if kind == "filter" else self.templates.env.tests
            close = difflib.get_close_matches(name, list(known), n=1)
            self.report.add(
                "HH040",
                file,
                line(lineno),
                f"unknown {kind} '{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                f"Known {kind}s: {', '.join(sorted(known))}.",
            )
        return bool(found)

    def condition(self, flow: Flow, source: str, line: int) -> frozenset[str] | None:
        try:
            return self.templates.condition(source).uses - self.globals
        except jinja2.TemplateAssertionError as exc:
            if not self.unknown_names(self.templates.env.parse("{{ (" + source + ") }}"), flow.path, lambda _: line):
                self.report.add("HH014", flow.path, line, f"condition '{source}' does not parse: {exc.message}")
            return None
        except jinja2.TemplateSyntaxError as exc:
            self.report.add(
                "HH014",
                flow.path,
                line,
                f"condition '{source}' does not parse: {exc.message}",
                "Conditions are expressions like 'intensity >= 8' or 'urge == \"away\"'.",
            )
            return None

    def skipped_scale(self, flow: Flow, step: Step, source: str, line: int) -> None:
        """A condition that reads a scale must still work when the scale was skipped (its
        variable is then empty): `intensity >= 8` fails on an empty value."""
        skippable = {s.scale.var for f in self.library.flows.values() for s in f.steps.values() if s.scale}
        skippable -= {
            s.scale.var
            for f in self.library.flows.values()
            for s in f.steps.values()
            if s.scale and not s.scale.skippable
        }
        try:
            condition = self.templates.condition(source)
        except jinja2.TemplateSyntaxError:
            return  # reported as HH014
        read = sorted(condition.uses & skippable)
        if not read:
            return
        try:
            condition.holds(dict.fromkeys(condition.uses))
        except (TypeError, jinja2.TemplateError):
            self.report.add(
                "HH031",
                flow.path,
                line,
                f"condition '{source}' in step '{step.id}' fails when '{read[0]}' was skipped",
                f"Every scale can be skipped, leaving '{read[0]}' empty: write "
                f"'{read[0]} is number and {source}', or give the scale 'skippable: false'.",
            )

    # ------------------------------------------------------------------ calls

    def call_cycles(self) -> set[str]:
        flows = self.library.flows
        state: dict[str, int] = {}
        cyclic: set[str] = set()

        def visit(fid: str) -> None:
            state[fid] = 1
            for step in flows[fid].steps.values():
                if step.call is None or step.call not in flows:
                    continue
                if state.get(step.call) == 1:
                    cyclic.update({fid, step.call})
                    self.report.add(
                        "HH020",
                        flows[fid].path,
                        step.call_line,
                        f"step '{step.id}' calls '{step.call}', which is already running further up",
                        "A flow cannot call itself, directly or through others; use 'goto' inside a flow.",
                    )
                elif step.call not in state:
                    visit(step.call)
            state[fid] = 2

        for fid in flows:
            if fid not in state:
                visit(fid)
        return cyclic

    def call_order(self, cyclic: set[str]) -> list[Flow]:
        """Callees before callers, so a caller knows what its callees set."""
        order: list[Flow] = []
        done: set[str] = set()

        def visit(fid: str) -> None:
            done.add(fid)
            for step in self.library.flows[fid].steps.values():
                if step.call is not None and step.call in self.library.flows and step.call not in done | cyclic:
                    visit(step.call)
            order.append(self.library.flows[fid])

        for fid in self.library.flows:
            if fid not in done and fid not in cyclic:
                visit(fid)
        return order

    # ------------------------------------------------------------------ variables

    def variables(self, flow: Flow) -> None:
        """Forward must-analysis: a variable counts as set at a step only if every path sets it.

        Only live variables are carried (read at a step, or later before a step sets them
        again; at an end, those the flow's callers read), so a long flow costs time in
        proportion to its steps, not to steps times variables."""
        steps = flow.steps
        if flow.start not in steps or any(s.call in self.library.broken for s in steps.values()):
            return  # what a flow that could not be read sets is unknown: checked once it loads
        gains = {sid: self.gains(step) for sid, step in steps.items()}
        live = self.liveness(flow, gains)
        known: dict[str, frozenset[str]] = {flow.start: frozenset(flow.vars) & live[flow.start]}
        pending = [flow.start]
        while pending:
            sid = pending.pop()
            here = known[sid]
            for target, gained in gains[sid]:
                if target not in steps:
                    continue
                out = (here | gained) & live[target] if gained else here & live[target]
                merged = out if target not in known else known[target] & out
                if known.get(target) != merged:
                    known[target] = merged
                    pending.append(target)
        for sid, step in steps.items():
            if sid not in known:
                continue
            here = known[sid]
            for uses, line, what in self.step_uses(flow, step):
                self.unset(flow, step, uses, here, line, what)
            for route, gained in self.route_gains(step):
                if route.when is not None:
                    self.unset(flow, step, self.condition_uses(route.when), here | gained, route.line, "a condition")
        ends = [known[sid] for sid, s in steps.items() if s.end and sid in known]
        self.exit_vars[flow.id] = frozenset.intersection(*ends) if ends else frozenset()

    def liveness(self, flow: Flow, gains: Mapping[str, list[tuple[str, frozenset[str]]]]) -> dict[str, frozenset[str]]:
        """For each step, the variables whose being set there can still matter."""
        steps = flow.steps
        callers = [f for f in self.library.flows.values() if any(s.call == flow.id for s in f.steps.values())]
        exported = frozenset().union(*(self.flow_uses.get(f.id, frozenset()) for f in callers))
        live: dict[str, frozenset[str]] = {}
        comes_from: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for sid, step in steps.items():
            here: set[str] = set(exported) if step.end else set()
            for uses, _, _ in self.step_uses(flow, step):
                here |= uses
            for route, gained in self.route_gains(step):
                if route.when is not None:
                    here |= (self.condition_uses(route.when) or frozenset()) - gained
            live[sid] = frozenset(here)
            for target, gained in gains[sid]:
                comes_from.setdefault(target, []).append((sid, gained))
        pending = list(steps)
        while pending:
            target = pending.pop()
            for sid, gained in comes_from.get(target, ()):
                carried = live[target] - gained if gained else live[target]
                if not carried <= live[sid]:
                    live[sid] = live[sid] | carried
                    pending.append(sid)
        return live

    def step_uses(self, flow: Flow, step: Step) -> list[tuple[frozenset[str], int, str]]:
        """What a step reads as it is entered: its words and its effects."""
        uses: list[tuple[frozenset[str], int, str]] = []
        if step.say is not None:
            said = self.said.get(step.say) if not step.say.is_file else self.checked_templates.get(step.say.source)
            uses.append((said or frozenset(), step.say.line, "its words"))
        for effect in step.effects:
            spec = EFFECTS[effect.kind]
            reads = spec.reads(effect.params)
            if reads:
                uses.append((reads, effect.line, f"its {spec.name}"))
            for param, name in spec.templates(effect.params):
                # a prompt file the effect renders (HH012 if there is none), read like the step's words
                rendered = self.template_file(name, flow.path, effect.line)
                uses.append((rendered or frozenset(), effect.line, f"the words of its {spec.name}'s '{param}'"))
        return uses

    def gains(self, step: Step) -> list[tuple[str, frozenset[str]]]:
        """Each way on from a step, with the variables set on the way."""
        result: list[tuple[str, frozenset[str]]] = []
        for choice in step.choices:
            gained = frozenset(choice.set)
            if choice.goto is not None:
                result.append((choice.goto, gained))
            else:
                result.extend((r.goto, gained) for r in step.next)
        result.extend((route.goto, gained) for route, gained in self.route_gains(step))
        return result

    def route_gains(self, step: Step) -> list[tuple[Route, frozenset[str]]]:
        """Each 'next' route with the variables the step sets before it is taken."""
        if step.end or (step.choices and not step.ask and not step.next):
            return []
        gained: frozenset[str] = frozenset()
        if step.choices and step.ask is None:
            # Left only by a button: what every button that goes on to 'next' sets is known.
            onward = [frozenset(c.set) for c in step.choices if c.goto is None]
            gained = frozenset.intersection(*onward) if onward else gained
        elif step.ask is not None:
            gained = frozenset({step.ask.var})
        elif step.scale is not None:
            gained = frozenset({step.scale.var})
        elif step.call is not None:
            callee = self.library.flows.get(step.call)
            gained = self.exit_vars.get(step.call, frozenset()) | frozenset(callee.vars if callee else ())
        return [(route, gained) for route in step.next]

    def condition_uses(self, source: str) -> frozenset[str] | None:
        if source not in self.conditions:
            try:
                self.conditions[source] = self.templates.condition(source).uses - self.globals
            except jinja2.TemplateSyntaxError:
                self.conditions[source] = None  # already reported as HH014
        return self.conditions[source]

    def unset(
        self, flow: Flow, step: Step, uses: frozenset[str] | None, known: frozenset[str], line: int, what: str
    ) -> None:
        for name in sorted((uses or frozenset()) - known):
            file, at, used = flow.path, line, f"step '{step.id}' uses '{name}' in {what}"
            if what == "its words" and step.say is not None:
                file, at = self.read_at(flow, step.say, name)
                if file != flow.path:  # the template's own line; the step is where it is said from
                    used = f"'{name}' is read here, said by step '{step.id}' ({flow.path.name}:{line})"
            self.report.add(
                "HH015",
                file,
                at,
                f"{used}, but not every path to that step sets '{name}'",
                f"Set '{name}' earlier on every path (an ask, a scale or a choice's 'set'), "
                f"or give it a default under the flow's 'vars:'.",
            )

    def read_at(self, flow: Flow, say: Say, name: str) -> tuple[Path, int]:
        """Where a step's words first read `name`: the template file's own line, or the
        line in the flow of inline words."""
        source = say.source
        if say.is_file:
            file = self.templates.filename(say.source)
            if file is None:
                return flow.path, say.line
            source = file.read_text(encoding="utf-8")
        where, line = self.templates.first_reads(source, say.source if say.is_file else None).get(name, (None, 1))
        if not say.is_file and where is None:
            return flow.path, say.line + line - 1
        file = self.templates.filename(where) if where is not None else None
        return (file, line) if file is not None else (flow.path, say.line)

    @staticmethod
    def suggest(name: str, options: Mapping[str, object]) -> str:
        close = difflib.get_close_matches(name, list(options), n=1)
        return f"Did you mean '{close[0]}'?" if close else f"Known: {', '.join(sorted(options))[:200]}."
