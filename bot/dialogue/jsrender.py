"""Jinja templates as data a small JavaScript renderer plays (`assets/preview.js`).

`hedgehog preview` runs the flows in a browser, with whatever a person types. Rendering
every step ahead cannot cover free text, so each template is compiled here from the very
syntax tree Jinja parses (same environment: `trim_blocks`, `lstrip_blocks`, autoescape,
the read-back filters) into a JSON tree of the constructs prompts use, and the page walks
that tree with the same rules: Python truthiness, `and`/`or` returning an operand,
autoescape of every value, `str()` of numbers and booleans, the read-back filters ported
line for line. A construct outside that set raises `Unsupported`, naming the template and
line, so nothing is silently shown differently; `tests/preview/` renders every shipped
prompt both ways in Chromium and compares them.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes

from bot.dialogue.templates import Templates

# What the page knows how to do. Everything else is refused at export.
FILTERS = frozenset(
    {
        "clock",
        "fit",
        "quote",
        "sentence",
        "opening",
        "i_do",
        "they_do",
        "length",
        "count",
        "lower",
        "upper",
        "capitalize",
        "title",
        "trim",
        "replace",
        "join",
        "default",
        "d",
        "wordcount",
        "string",
        "int",
        "first",
        "last",
        "e",
        "escape",
    }
)
TESTS = frozenset(
    {
        "clause",
        "clock",
        "fitting",
        "ended",
        "first_person",
        "timed",
        "someone_to",
        "none",
        "defined",
        "undefined",
        "string",
        "number",
        "true",
        "false",
        "sameas",
        "eq",
        "ne",
        "in",
    }
)
_BIN = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "FloorDiv": "//", "Mod": "%"}
JSON = Any


class Unsupported(Exception):
    """A template uses something the preview's renderer does not play."""

    def __init__(self, template: str, line: int, what: str) -> None:
        super().__init__(f"{template}:{line}: the preview cannot play {what}")
        self.template = template
        self.line = line
        self.what = what


class Compiler:
    """Compiles templates (and the ones they include) into JSON trees, once each."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        self.compiled: dict[str, JSON] = {}

    def file(self, name: str) -> str:
        """Compile the file `name` (and its includes); returns its key."""
        if name not in self.compiled:
            self.compiled[name] = None  # a cycle of includes stops here
            source, _, _ = self.templates.loader.get_source(self.templates.env, name)
            self.compiled[name] = self.body(self.templates.env.parse(source).body, name)
        return name

    def inline(self, key: str, source: str) -> str:
        self.compiled[key] = self.body(self.templates.env.parse(source).body, key)
        return key

    def condition(self, source: str, where: str) -> JSON:
        tree = self.templates.env.parse("{{ (" + source + ") }}")
        output = tree.body[0]
        assert isinstance(output, nodes.Output)
        return self.expr(output.nodes[0], where)

    # ------------------------------------------------------------------ statements

    def body(self, items: list[nodes.Node], where: str) -> list[JSON]:
        return [self.stmt(node, where) for node in items]

    def stmt(self, node: nodes.Node, where: str) -> JSON:
        if isinstance(node, nodes.Output):
            parts: list[JSON] = []
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(["data", child.data])
                else:
                    parts.append(["out", self.expr(child, where)])
            return ["seq", parts]
        if isinstance(node, nodes.If):
            branches = [[self.expr(node.test, where), self.body(node.body, where)]]
            for elif_ in node.elif_:
                branches.append([self.expr(elif_.test, where), self.body(elif_.body, where)])
            return ["if", branches, self.body(node.else_, where)]
        if isinstance(node, nodes.For):
            if node.test is not None or node.recursive:
                raise Unsupported(where, node.lineno, "a filtered or recursive for loop")
            return [
                "for",
                self.target(node.target, where),
                self.expr(node.iter, where),
                self.body(node.body, where),
                self.body(node.else_, where),
            ]
        if isinstance(node, nodes.Assign):
            return ["set", self.target(node.target, where), self.expr(node.node, where)]
        if isinstance(node, nodes.Macro):
            if node.defaults:
                raise Unsupported(where, node.lineno, "a macro with default arguments")
            return ["macro", node.name, [arg.name for arg in node.args], self.body(node.body, where)]
        if isinstance(node, nodes.Include):
            if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
                raise Unsupported(where, node.lineno, "an include whose name is not written out")
            if node.ignore_missing:
                raise Unsupported(where, node.lineno, "an include with 'ignore missing'")
            return ["include", self.file(node.template.value)]
        raise Unsupported(where, node.lineno, f"the '{type(node).__name__}' statement")

    def target(self, node: nodes.Node, where: str) -> JSON:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Tuple) and all(isinstance(item, nodes.Name) for item in node.items):
            return [item.name for item in node.items if isinstance(item, nodes.Name)]
        raise Unsupported(where, node.lineno, "this assignment target")

    # ------------------------------------------------------------------ expressions

    def expr(self, node: nodes.Node, where: str) -> JSON:
        if isinstance(node, nodes.Const):
            value = node.value
            if value is None or isinstance(value, bool | int | float | str):
                return ["const", value]
            raise Unsupported(where, node.lineno, f"the constant {value!r}")
        if isinstance(node, nodes.Name):
            return ["name", node.name]
        if isinstance(node, nodes.Getattr):
            return ["item", self.expr(node.node, where), ["const", node.attr]]
        if isinstance(node, nodes.Getitem):
            return ["item", self.expr(node.node, where), self.expr(node.arg, where)]
        if isinstance(node, nodes.Not):
            return ["not", self.expr(node.node, where)]
        if isinstance(node, nodes.Neg):
            return ["neg", self.expr(node.node, where)]
        if isinstance(node, nodes.And):
            return ["and", self.expr(node.left, where), self.expr(node.right, where)]
        if isinstance(node, nodes.Or):
            return ["or", self.expr(node.left, where), self.expr(node.right, where)]
        if isinstance(node, nodes.BinExpr) and type(node).__name__ in _BIN:
            return ["bin", _BIN[type(node).__name__], self.expr(node.left, where), self.expr(node.right, where)]
        if isinstance(node, nodes.Compare):
            ops = [[op.op, self.expr(op.expr, where)] for op in node.ops]
            return ["cmp", self.expr(node.expr, where), ops]
        if isinstance(node, nodes.CondExpr):
            otherwise = None if node.expr2 is None else self.expr(node.expr2, where)
            return ["cond", self.expr(node.test, where), self.expr(node.expr1, where), otherwise]
        if isinstance(node, nodes.Concat):
            return ["concat", [self.expr(item, where) for item in node.nodes]]
        if isinstance(node, nodes.Tuple | nodes.List):
            return ["list", [self.expr(item, where) for item in node.items]]
        if isinstance(node, nodes.Dict):
            return ["dict", [[self.expr(p.key, where), self.expr(p.value, where)] for p in node.items]]
        if isinstance(node, nodes.Filter | nodes.Test):
            known, kind = (FILTERS, "filter") if isinstance(node, nodes.Filter) else (TESTS, "test")
            if node.name not in known:
                raise Unsupported(where, node.lineno, f"the {kind} '{node.name}'")
            if node.kwargs or node.dyn_kwargs:
                raise Unsupported(where, node.lineno, f"keyword arguments to the {kind} '{node.name}'")
            assert node.node is not None
            return [kind, node.name, self.expr(node.node, where), self.args(node, where)]
        if isinstance(node, nodes.Call):
            if node.kwargs or node.dyn_kwargs:
                raise Unsupported(where, node.lineno, "keyword arguments to a macro")
            return ["call", self.expr(node.node, where), self.args(node, where)]
        raise Unsupported(where, node.lineno, f"the expression '{type(node).__name__}'")

    def args(self, node: nodes.Filter | nodes.Test | nodes.Call, where: str) -> list[JSON]:
        """Positional arguments, a `*list` among them as ["splat", expr]."""
        args = [self.expr(arg, where) for arg in node.args]
        if node.dyn_args is not None:
            args.append(["splat", self.expr(node.dyn_args, where)])
        return args


def check_supported(templates: Templates, name: str) -> None:
    """Raise `Unsupported` (or Jinja's own errors) if the page could not play `name`."""
    Compiler(templates).file(name)


__all__ = ["FILTERS", "TESTS", "Compiler", "Unsupported", "check_supported"]
