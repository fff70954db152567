"""Golden transcripts (tests/transcripts/*.transcript), played through `hedgehog chat`'s
code path against a real database: SQLite, and PostgreSQL where it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_coach
from bot.config import Settings
from tests.support.transcript import Player, Transcript

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.transcript"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript(path: Path, db_url: str) -> None:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    Player(Transcript.parse(path), lambda: build_coach(settings), name=path.stem).play()


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
