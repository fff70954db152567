"""Diagnostics: one problem in the dialogue files, with a stable code, a place and a hint.

Codes never change meaning once shipped; `docs/check-codes.md` explains each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title: str
    severity: Severity = Severity.ERROR
    # A rule of the dialogue guide's tone (dialogues/README.md): a warning, an error under
    # `hedgehog check --strict`, and a step may accept it on purpose (`allow:` in its tags).
    style: bool = False


# The catalogue. Add new rules at the end; never renumber.
RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("HH001", "file cannot be read"),
        Rule("HH002", "YAML syntax error"),
        Rule("HH003", "required key missing"),
        Rule("HH004", "wrong type or value"),
        Rule("HH005", "unknown key"),
        Rule("HH006", "invalid id"),
        Rule("HH007", "duplicate id"),
        Rule("HH008", "unknown step"),
        Rule("HH009", "unknown flow"),
        Rule("HH010", "unreachable step"),
        Rule("HH011", "no way to an end"),
        Rule("HH012", "missing template"),
        Rule("HH013", "template syntax error"),
        Rule("HH014", "condition syntax error"),
        Rule("HH015", "variable used before it is set"),
        Rule("HH016", "button label too long"),
        Rule("HH017", "button payload over Telegram's 64 bytes"),
        Rule("HH018", "migration names a missing step"),
        Rule("HH019", "conflicting step keys"),
        Rule("HH020", "call cycle"),
        Rule("HH021", "flow id does not match its file name", Severity.WARNING),
        Rule("HH022", "unreachable route after an unconditional one", Severity.WARNING),
        Rule("HH023", "migration version out of order"),
        Rule("HH024", "steps loop without asking anything"),
        Rule("HH025", "a step toward the partner is reachable for someone not safe"),
        Rule("HH026", "nested too deeply"),
        Rule("HH027", "a character that does not belong in text"),
        Rule("HH028", "an alias that never ends or repeats too much"),
        Rule("HH029", "a count that cannot mean what it says"),
        Rule("HH030", "a typed answer two buttons both accept"),
        Rule("HH031", "a condition that fails when a scale is skipped"),
        Rule("HH040", "unknown filter or test in a template"),
        Rule("HH041", 'a directive ("you should") in a prompt', Severity.WARNING, style=True),
        Rule("HH042", "a button label over 24 characters", Severity.WARNING, style=True),
        Rule("HH043", "more than one question in a step", Severity.WARNING, style=True),
        Rule("HH044", "a step longer than a phone shows without scrolling", Severity.WARNING, style=True),
        Rule("HH045", "too many questions before the exercise", Severity.WARNING, style=True),
        Rule("HH046", "an 'allow' that cannot apply"),
    )
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    file: Path
    line: int
    message: str
    hint: str = ""
    severity: Severity | None = None  # None: the rule's own

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def level(self) -> Severity:
        return self.severity or self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.level is Severity.ERROR

    def render(self, root: Path | None = None) -> str:
        path = self.file
        if root is not None:
            try:
                path = self.file.resolve().relative_to(root.resolve())
            except ValueError:
                path = self.file
        text = f"{path}:{self.line}: {self.level.value} {self.code}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class Report:
    """Collects diagnostics while loading and checking. `strict`: every warning is an error
    (`hedgehog check --strict`, what CI runs on the shipped flows)."""

    def __init__(self, strict: bool = False) -> None:
        self.items: list[Diagnostic] = []
        self.strict = strict

    def add(self, code: str, file: Path, line: int, message: str, hint: str = "") -> None:
        if code not in RULES:
            raise KeyError(f"unknown diagnostic code {code}")
        severity = Severity.ERROR if self.strict else None
        self.items.append(Diagnostic(code, file, line, message, hint, severity))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (str(d.file), d.line, d.code))
