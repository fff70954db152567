"""Golden transcripts (tests/transcripts/*.transcript), played through `hedgehog chat`'s
code path against a real database: SQLite, and PostgreSQL where it runs.

What they walk is recorded (`tests/support/walked.py`) and held to the coverage floors in
pyproject.toml (`[tool.hedgehog.coverage]`) by the last test here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_coach, load_library
from bot.config import Settings
from bot.dialogue.coverage import floors_from, measure, text
from tests.support.transcript import Player, Transcript
from tests.support.walked import WALKED, watch

ROOT = Path(__file__).parent.parent
TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.transcript"))


def play(path: Path, db_url: str) -> None:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    try:
        Player(Transcript.parse(path), lambda: watch(build_coach(settings)), name=path.stem).play()
    finally:
        WALKED.transcripts.add(path.stem)  # played: a failure is its own test's, not replayed for coverage


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript(path: Path, db_url: str) -> None:
    play(path, db_url)


def test_every_shipped_flow_has_a_transcript() -> None:
    covered = {Transcript.parse(p).flow for p in TRANSCRIPTS}
    shipped = {p.stem for p in (Path(__file__).parent.parent / "dialogues").glob("*.yaml")}
    assert shipped <= covered | _called_from_transcripts()


def _called_from_transcripts() -> set[str]:
    """Flows walked inside another flow's transcript (`@ flow:step`)."""
    flows: set[str] = set()
    for path in TRANSCRIPTS:
        for directive in Transcript.parse(path).directives:
            if directive.kind == "@" and ":" in directive.value:
                flows.add(directive.value.split(":", 1)[0])
    return flows


def test_the_transcripts_walk_at_least_the_coverage_floor(tmp_path: Path) -> None:
    """Steps, choices and transitions walked, against the floors pyproject.toml sets. The
    transcripts this session did not play (`-k`, a failure) are played here first."""
    for path in TRANSCRIPTS:
        if path.stem not in WALKED.transcripts:
            play(path, f"sqlite:///{tmp_path}/{path.stem}.sqlite3")
    settings = Settings.load(environ={}, dotenv=Path("/nonexistent"))
    coverage = measure(load_library(settings), WALKED)
    floors = floors_from(ROOT / "pyproject.toml")
    assert set(floors) == {"steps", "choices", "transitions"}, "pyproject.toml sets no coverage floors"
    assert not coverage.below(floors), "\n".join(coverage.below(floors)) + "\n\n" + text(coverage, ROOT)
