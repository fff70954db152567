"""Jinja2 for prompts and conditions: sandboxed, strict, autoescaped, compiled once.

Prompts are Telegram-flavoured HTML: authors may use <b> and <i>; every variable
(what a person wrote) is escaped by autoescape. Conditions are Jinja expressions
compiled with `Environment.compile_expression`, never Python `eval`.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.dialogue import clock, readback


class KeptBytecode(jinja2.FileSystemBytecodeCache):
    """Compiled template files kept in a folder between starts (Jinja checks each against its
    source's hash, and its Python's); a folder that cannot be written or read costs only the
    compiling."""

    def __init__(self, folder: Path) -> None:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def make_environment(loader: jinja2.BaseLoader, kept: Path | None = None) -> jinja2.Environment:
    """The environment, with the read-back filters `fit`, `quote`, `sentence` and the test `clause`,
    and the test `clock` with its filter (`bot.dialogue.clock`). With `kept`, compiled
    template files are kept in that folder (`KeptBytecode`)."""
    env = ImmutableSandboxedEnvironment(
        bytecode_cache=KeptBytecode(kept) if kept is not None else None,
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["fit"] = readback.fit
    env.filters["quote"] = readback.quote
    env.filters["sentence"] = readback.sentence
    env.filters["opening"] = readback.opening
    env.tests["timed"] = readback.is_timed
    env.tests["clause"] = readback.is_clause
    env.tests["fitting"] = readback.fits
    env.tests["someone_to"] = readback.is_someone_to
    env.tests["ended"] = readback.is_ended
    env.tests["first_person"] = readback.is_first_person
    env.filters["i_do"] = readback.i_do
    env.filters["they_do"] = readback.they_do
    env.tests["clock"] = clock.is_clock  # a time of day we can read: "21:00", "9pm", "half 9"
    env.filters["clock"] = clock.said  # ... said back plainly: "9:30 pm"
    return env


@dataclass(frozen=True, slots=True)
class Prompt:
    """A compiled template and the variables it reads."""

    template: jinja2.Template
    uses: frozenset[str]
    # Most prompts read no variable and render the same every time: the text, once rendered.
    _fixed: list[str] = field(default_factory=list, compare=False, repr=False)

    def render(self, variables: Mapping[str, Any]) -> str:
        if not self.uses:
            if not self._fixed:
                self._fixed.append(self.template.render({}).strip())
            return self._fixed[0]
        # A variable the checker proved is set may still be missing in a session saved
        # under an older flow version: it reads as empty rather than crashing the step.
        missing = self.uses.difference(variables)
        context = {**dict.fromkeys(missing), **variables} if missing else variables
        return self.template.render(context).strip()

    def text(self, variables: Mapping[str, Any]) -> str:
        """Rendered as plain text: no tags, nothing escaped, one line (words kept with a
        follow-up, to be said again, and escaped again, in another prompt)."""
        plain = html.unescape(_TAG.sub("", self.render(variables)))
        return " ".join(plain.split())


_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Condition:
    source: str
    test: Callable[..., Any]
    uses: frozenset[str]

    def holds(self, variables: Mapping[str, Any]) -> bool:
        missing = self.uses.difference(variables)
        context = {**dict.fromkeys(missing), **variables} if missing else variables
        return bool(self.test(**context))


class Templates:
    """Compiles prompts and conditions, caching each once.

    Templates are looked up in each directory of `search_path` in turn, so a test's own
    prompts can sit in front of the shipped ones (which hold the engine's own words).
    """

    def __init__(self, *search_path: Path, kept: Path | None = None) -> None:
        self.search_path = search_path
        self.loader = jinja2.FileSystemLoader([str(p) for p in search_path])
        self.env = make_environment(self.loader, kept)
        self._files: dict[str, Prompt] = {}
        # What each prompt and condition reads ("file:NAME", "inline:SOURCE",
        # "condition:SOURCE"): found once by parsing, or handed over by `learn`.
        self.reads: dict[str, frozenset[str]] = {}

    def learn(self, reads: Mapping[str, frozenset[str]]) -> None:
        """Take what a check of the same files found each prompt and condition reads, so
        they are compiled without being parsed a second time."""
        self.reads.update(reads)

    def file_prompt(self, name: str) -> Prompt:
        """Raises jinja2.TemplateNotFound or jinja2.TemplateSyntaxError."""
        prompt = self._files.get(name)
        if prompt is None:
            template = self.env.get_template(name)

            def parse() -> frozenset[str]:
                source, _, _ = self.loader.get_source(self.env, name)
                return self.variables_in(source, name)

            prompt = Prompt(template, self._read(f"file:{name}", parse))
            self._files[name] = prompt
        return prompt

    def inline_prompt(self, source: str) -> Prompt:
        """Raises jinja2.TemplateSyntaxError."""
        template = self.env.from_string(source)
        if "{" not in source:  # plain words (most of a flow): nothing to read, nothing to parse
            return Prompt(template, frozenset())
        return Prompt(template, self._read(f"inline:{source}", lambda: self.variables_in(source, None)))

    def condition(self, source: str) -> Condition:
        """Raises jinja2.TemplateSyntaxError."""
        test = self.env.compile_expression(source, undefined_to_none=False)
        uses = self._read(
            f"condition:{source}",
            lambda: frozenset(meta.find_undeclared_variables(self.env.parse("{{ (" + source + ") }}"))),
        )
        return Condition(source, test, uses)

    def _read(self, key: str, parse: Callable[[], frozenset[str]]) -> frozenset[str]:
        """What `key` reads: handed over by `learn`, else parsed once and remembered."""
        uses = self.reads.get(key)
        if uses is None:
            uses = self.reads[key] = parse()
        return uses

    def variables_in(self, source: str, name: str | None) -> frozenset[str]:
        """Variables a template reads, following `{% include %}`/`{% import %}` into other files."""
        seen: set[str] = set() if name is None else {name}
        used: set[str] = set()
        pending = [self.env.parse(source)]
        while pending:
            tree = pending.pop()
            used |= meta.find_undeclared_variables(tree)
            for ref in meta.find_referenced_templates(tree):
                if ref is None or ref in seen:
                    continue
                seen.add(ref)
                child, _, _ = self.loader.get_source(self.env, ref)
                pending.append(self.env.parse(child))
        return frozenset(used)

    def first_reads(self, source: str, name: str | None) -> dict[str, tuple[str | None, int]]:
        """Where each variable a template reads is first read: the template's name (None for
        `source` itself when it has none) and the line, following `{% include %}`."""
        found: dict[str, tuple[str | None, int]] = {}
        seen: set[str] = set() if name is None else {name}
        pending: list[tuple[str | None, str]] = [(name, source)]
        while pending:
            where, text = pending.pop(0)
            tree = self.env.parse(text)
            for node in tree.find_all(nodes.Name):
                if node.ctx == "load":
                    found.setdefault(node.name, (where, node.lineno))
            for ref in meta.find_referenced_templates(tree):
                if ref is None or ref in seen:
                    continue
                seen.add(ref)
                try:
                    child, _, _ = self.loader.get_source(self.env, ref)
                except jinja2.TemplateNotFound:
                    continue
                pending.append((ref, child))
        return found

    def trees(self, name: str) -> list[tuple[Path, nodes.Template]]:
        """A template file's syntax tree and those of the files it includes, each once, with
        their paths. A file that is missing or does not parse is left out (HH012, HH013)."""
        found: list[tuple[Path, nodes.Template]] = []
        seen = {name}
        pending = [name]
        while pending:
            current = pending.pop(0)
            try:
                source, filename, _ = self.loader.get_source(self.env, current)
                tree = self.env.parse(source, current, filename)
            except jinja2.TemplateError:
                continue
            found.append((Path(filename or current), tree))
            for ref in meta.find_referenced_templates(tree):
                if ref is not None and ref not in seen:
                    seen.add(ref)
                    pending.append(ref)
        return found

    def filename(self, name: str) -> Path | None:
        """The file a template name is found in, along the search path."""
        try:
            _, filename, _ = self.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:
            return None
        return Path(filename) if filename else None


def unknown_names(env: jinja2.Environment, tree: nodes.Node) -> list[tuple[str, str, int]]:
    """Every filter and test a template or condition names that `env` does not have:
    (kind, name, line), in order. Jinja itself stops at the first, with no hint."""
    unknown: list[tuple[str, str, int]] = []
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = ("filter", env.filters) if isinstance(node, nodes.Filter) else ("test", env.tests)
        if node.name not in known:
            unknown.append((kind, node.name, node.lineno))
    return sorted(unknown, key=lambda u: u[2])
