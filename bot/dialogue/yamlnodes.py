"""Read YAML keeping the line of every key and value, so diagnostics can point at them.

PyYAML's parser gives events with marks; we build ordinary dicts and lists from them
that also remember lines (`YMap`, `YList`) and keys written twice (which plain
`yaml.safe_load` silently merges).

A flow file is text a stranger may have written, so building is bounded: one pass over
the events with an explicit stack (no recursion, so no RecursionError however deep),
nesting at most `MAX_DEPTH` levels, an alias may not point into its own anchor, and
aliases may add at most `MAX_ALIAS_NODES` nodes (or as many as the document has), so a
"billion laughs" file stops after a few thousand nodes instead of filling memory. An
alias shares its anchor's value rather than copying it. Characters that do not belong
in text (NUL, other control characters) are found before parsing, with their line.
libyaml's parser is used when PyYAML has it (about ten times faster), PyYAML's own
otherwise; both give the same events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml


class YMap(dict[str, Any]):
    """A mapping that remembers where each key sits and which keys were repeated."""

    line: int
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. In YAML 1.1 `yes`, `no`, `on` and `off` are
    booleans too, so `id: yes` or `label: No` would silently stop being text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


MAX_DEPTH = 40  # a flow file needs about 8
MAX_ALIAS_NODES = 10_000
# What YAML allows in a file (its "printable" set); tab, line feed and carriage return aside,
# no control character. Found before parsing so the diagnostic can name the line.
_NOT_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
try:
    from yaml._yaml import CParser as _CParser

    _Parser: Any = _CParser
except ImportError:  # PyYAML built without libyaml
    _Parser = None
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Merge:
    """The key `<<`, whose value's keys are merged into the mapping it sits in."""


_MERGE = _Merge()


class YAMLSyntaxError(Exception):
    """A file that cannot become YAML values: `code` is its diagnostic, `line` where."""

    def __init__(self, message: str, line: int, code: str = "HH002", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code
        self.hint = hint


def load(text: str) -> Any:
    """Parse one YAML document into YMap/YList/scalars. Raises YAMLSyntaxError."""
    _check_characters(text)
    builder = _Loader("")
    events = _Parser(text) if _Parser is not None else _Loader(text)
    try:
        return _Builder(builder).run(events)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "cannot parse"
        if "nesting depth" in problem:  # libyaml's own limit, met while it reads ahead
            raise _too_deep(line) from None
        raise YAMLSyntaxError(problem, line) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(str(exc).splitlines()[0], 1) from None
    finally:
        events.dispose()
        builder.dispose()


def _check_characters(text: str) -> None:
    found = _NOT_TEXT.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    char = found.group()
    lines = {text.count("\n", 0, m.start()) + 1 for m in _NOT_TEXT.finditer(text)}
    more = f" (and on {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
    if char == "\0":
        raise YAMLSyntaxError(
            f"the file has a NUL character (U+0000){more}",
            line,
            "HH027",
            "A NUL byte usually means the file was saved as UTF-16 or is not text; save it as UTF-8 text.",
        )
    raise YAMLSyntaxError(
        f"the file has the control character U+{ord(char):04X}{more}",
        line,
        "HH027",
        "Control characters cannot be shown in a chat; delete it (your editor may show it as a box or ^ sign).",
    )


def _too_deep(line: int) -> YAMLSyntaxError:
    return YAMLSyntaxError(
        f"the file nests more than {MAX_DEPTH} levels deep",
        line,
        "HH026",
        "Flow files need only a few levels (flow, steps, a step, its choices); "
        "check the indentation here, or split what you are writing into steps.",
    )


@dataclass(slots=True)
class _Open:
    """A mapping or list being built: its value, its anchor, and the key waiting for a value."""

    value: YMap | YList
    anchor: str | None
    nodes: int = 1
    height: int = 0
    key: Any = None
    key_line: int = 0
    has_key: bool = False
    merges: list[tuple[Any, int]] = field(default_factory=list)


class _Builder:
    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # value, nodes, height
        self.open_anchors: set[str] = set()
        self.stack: list[_Open] = []
        self.document_nodes = 0
        self.alias_nodes = 0
        self.root: Any = None
        self.plain: dict[str, Any] = {}

    def run(self, events: Any) -> Any:
        documents = 0
        while events.check_event():
            event = events.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self.document_nodes += 1
                value = self.scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, 0)
                self.add(value, event.start_mark, 1, 0)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.start(event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.end()
            elif kind is yaml.AliasEvent:
                self.alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YAMLSyntaxError(
                        "the file has more than one YAML document (a second '---')", event.start_mark.line + 1
                    )
        return self.root

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        plain = tag is None or tag == "!"
        if plain and event.style in ("'", '"', "|", ">"):
            return event.value  # quoted or block text is always text
        if plain and event.value in self.plain:
            return self.plain[event.value]
        if plain:
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _MERGE_TAG:
            return _MERGE
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        value = self.loader.construct_object(node)
        self.loader.constructed_objects.clear()
        if plain:
            self.plain[event.value] = value  # scalars are immutable: one value per spelling
        return value

    def start(self, event: Any) -> None:
        line = event.start_mark.line + 1
        if len(self.stack) >= MAX_DEPTH:
            raise _too_deep(line)
        self.document_nodes += 1
        value: YMap | YList
        if isinstance(event, yaml.MappingStartEvent):
            value = YMap()
            value.key_lines = {}
            value.duplicates = []
        else:
            value = YList()
            value.item_lines = []
        value.line = line
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Open(value, event.anchor))

    def end(self) -> None:
        done = self.stack.pop()
        if isinstance(done.value, YMap) and done.merges:
            self.merge(done.value, done.merges)
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            self.anchors[done.anchor] = (done.value, done.nodes, done.height)
        self.add(done.value, None, done.nodes, done.height, line=done.value.line)

    def alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        name = event.anchor
        if name in self.open_anchors:
            raise YAMLSyntaxError(
                f"the alias '*{name}' points into its own anchor '&{name}', so it would never end",
                line,
                "HH028",
                f"An alias can only repeat something already complete; "
                f"move '*{name}' out of the part marked '&{name}'.",
            )
        if name not in self.anchors:
            raise YAMLSyntaxError(f"the alias '*{name}' has no anchor '&{name}' before it", line)
        value, nodes, height = self.anchors[name]
        self.alias_nodes += nodes
        if self.alias_nodes > max(MAX_ALIAS_NODES, self.document_nodes):
            raise YAMLSyntaxError(
                f"aliases here repeat more than {max(MAX_ALIAS_NODES, self.document_nodes)} values "
                "(an anchor repeated inside anchors grows without bound)",
                line,
                "HH028",
                "Write the steps out instead of repeating anchors of anchors.",
            )
        if len(self.stack) + height > MAX_DEPTH:
            raise YAMLSyntaxError(
                f"the alias '*{name}' nests the file more than {MAX_DEPTH} levels deep",
                line,
                "HH026",
                "Repeat less deeply nested parts, or write them out.",
            )
        self.add(value, event.start_mark, nodes, height)

    def add(self, value: Any, mark: Any, nodes: int, height: int, line: int | None = None) -> None:
        if line is None:
            line = mark.line + 1
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.nodes += nodes
        parent.height = max(parent.height, height + 1)
        container = parent.value
        if isinstance(container, YList):
            container.append(value)
            container.item_lines.append(line)
            return
        if not parent.has_key:
            parent.key, parent.key_line, parent.has_key = value, line, True
            return
        parent.has_key = False
        key = parent.key
        if key is _MERGE:
            parent.merges.append((value, parent.key_line))
            return
        if isinstance(key, YMap | YList):
            raise YAMLSyntaxError("a key must be a single value, not a mapping or a list", parent.key_line)
        key = key if isinstance(key, str) else str(key)
        if key in container.key_lines:
            container.duplicates.append((key, parent.key_line))
            return
        container.key_lines[key] = parent.key_line
        container[key] = value

    @staticmethod
    def merge(target: YMap, merges: list[tuple[Any, int]]) -> None:
        """`<<: *base` (or a list of them): keys written here win, then earlier merges."""
        for value, line in merges:
            sources = value if isinstance(value, YList) else [value]
            for source in sources:
                if not isinstance(source, YMap):
                    raise YAMLSyntaxError("'<<' merges only mappings", line)
                for key, item in source.items():
                    if key not in target:
                        target[key] = item
                        target.key_lines[key] = source.key_lines.get(key, line)
