"""Read YAML keeping the line of every key and value, so diagnostics can point at them.

PyYAML's composer gives nodes with marks; we turn them into ordinary dicts and lists
that also remember lines (`YMap`, `YList`) and keys written twice (which plain
`yaml.safe_load` silently merges).
"""

from __future__ import annotations

import re
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


class YAMLSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load(text: str) -> Any:
    """Parse one YAML document into YMap/YList/scalars. Raises YAMLSyntaxError."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "cannot parse"
        raise YAMLSyntaxError(problem, line) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(str(exc).splitlines()[0], 1) from None
    finally:
        loader.dispose()


def _convert(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = YMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.duplicates = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, str) else key
            line = key_node.start_mark.line + 1
            if key in result.key_lines:
                result.duplicates.append((key, line))
                continue
            result.key_lines[key] = line
            result[key] = _convert(loader, value_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList(_convert(loader, item) for item in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    return loader.construct_object(node, deep=True)
