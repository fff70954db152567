"""Which golden transcripts a change needs played (`hedgehog transcripts --touching`, `--changed`).

Every `hedgehog transcripts` run notes, per transcript, the prompt files its run rendered
(the engine's own templates, each render noted: `tests/support/heard.py`) in
`.hedgehog/transcripts.json`, with two fingerprints: the transcript's own text, and
everything that decides where a conversation goes (`dialogues/*.yaml`, and `bot/**/*.py`
but the command line and the benchmarks). A changed file then selects:

- a prompt (`prompts/**/*.j2`): every transcript whose run rendered it, or rendered a prompt
  that includes or imports it; and every transcript with no up-to-date note (never played
  here, edited since, or the flows or the code changed since), so an unknown is played,
  never skipped;
- a transcript: itself;
- a flow file, the code, the transcript runner, pyproject.toml: every transcript;
- anything else (docs, the README): none.

`pytest` itself always plays every transcript; this is for the quick run while editing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

INDEX = Path(".hedgehog") / "transcripts.json"
EVERYTHING = ("dialogues", "bot", "tests/support", "tests/test_transcripts.py", "tests/conftest.py", "pyproject.toml")


# The code that never takes part in a conversation.
OUTSIDE = ("bot/cli.py", "bot/bench/", "bot/transcripts.py")


def fingerprint(root: Path) -> str:
    """One hash of what decides where a conversation goes: the flows and the code."""
    digest = hashlib.sha256()
    code = [p for p in (root / "bot").rglob("*.py") if not p.relative_to(root).as_posix().startswith(OUTSIDE)]
    files = sorted([*(root / "dialogues").glob("*.yaml"), *code])
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def text_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Index:
    """What each transcript rendered when it last passed: key -> (its text's digest, prompts)."""

    fingerprint: str
    notes: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, current: str) -> Index:
        """The saved notes, or none if there are none, they cannot be read, or the flows or
        the code changed since they were taken."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("fingerprint") != current:
                return cls(current)
            notes = {key: (str(d), frozenset(map(str, p))) for key, (d, p) in data["transcripts"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return cls(current)
        return cls(current, notes)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        notes = {key: [d, sorted(p)] for key, (d, p) in sorted(self.notes.items())}
        path.write_text(json.dumps({"fingerprint": self.fingerprint, "transcripts": notes}, indent=1) + "\n")

    def note(self, key: str, transcript: Path, prompts: Iterable[str]) -> None:
        self.notes[key] = (text_digest(transcript), frozenset(prompts))

    def rendered(self, key: str, transcript: Path) -> frozenset[str] | None:
        """The prompts the transcript rendered as it now reads, or None if not known."""
        note = self.notes.get(key)
        if note is None or not transcript.is_file() or note[0] != text_digest(transcript):
            return None
        return note[1]


def including(prompts: Path, changed: set[str]) -> set[str]:
    """`changed` and every prompt that includes or imports one of them, however deep."""
    env = jinja2.Environment()
    uses: dict[str, set[str]] = {}
    for path in prompts.rglob("*.j2"):
        name = path.relative_to(prompts).as_posix()
        try:
            tree = env.parse(path.read_text(encoding="utf-8"))
        except jinja2.TemplateSyntaxError:
            continue  # `hedgehog check` reports it; it renders nothing
        uses[name] = {ref for ref in meta.find_referenced_templates(tree) if ref is not None}
    found = set(changed)
    grown = True
    while grown:
        more = {name for name, refs in uses.items() if refs & found} - found
        found |= more
        grown = bool(more)
    return found


def select(changed: Iterable[str], transcripts: Mapping[str, Path], index: Index, root: Path) -> dict[str, str]:
    """The transcripts (key -> path) a change to the `changed` files (relative to `root`)
    needs played, each with the reason."""
    picked: dict[str, str] = {}
    prompts: set[str] = set()
    for name in changed:
        if name.startswith("prompts/") and name.endswith(".j2"):
            prompts.add(name.removeprefix("prompts/"))
        elif name.endswith(".transcript"):
            for key, path in transcripts.items():
                if path.resolve() == (root / name).resolve():
                    picked.setdefault(key, "changed itself")
        elif any(name == part or name.startswith(part + "/") for part in EVERYTHING):
            for key in transcripts:
                picked.setdefault(key, f"{name} changed")
    if prompts:
        touched = including(root / "prompts", prompts)
        for key, path in transcripts.items():
            rendered = index.rendered(key, path)
            if rendered is None:
                picked.setdefault(key, "not played here since it, the flows or the code changed")
            elif rendered & touched:
                names = [
                    f"prompts/{p}" + ("" if p in prompts else ", which includes a changed prompt")
                    for p in sorted(rendered & touched)
                ]
                picked.setdefault(key, "renders " + ", ".join(names))
    return {key: picked[key] for key in transcripts if key in picked}


def outcome_line(report: Mapping[str, Any]) -> str:
    """'12 played: 10 passed, 1 updated, 1 failed.'"""
    counts = {kind: sum(e["outcome"] == kind for e in report.values()) for kind in ("passed", "updated", "failed")}
    told = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    return f"{len(report)} played: {told or 'none'}."
