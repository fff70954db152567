"""Golden transcripts (tests/transcripts/*.transcript), played through `hedgehog chat`'s
code path against a real database: SQLite, and PostgreSQL where it runs.

What they walk is recorded (`tests/support/walked.py`) and held to the coverage floors in
pyproject.toml (`[tool.hedgehog.coverage]`) by the last test here; the prompt files each
renders are noted too (`tests/support/heard.py`, for `hedgehog transcripts --touching`).

A failure shows, as a diff, what the transcript's bot lines would have to say now;
`pytest --update-transcripts` rewrites them instead (`hedgehog transcripts --update`), and
`--transcripts DIR` plays another folder's."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.app import build_coach, load_library
from bot.config import Settings
from bot.dialogue.coverage import Walked, floors_from, measure, text
from tests.support.heard import heard_engine
from tests.support.transcript import REPORT, Player, Rewrite, Transcript, rewritten
from tests.support.walked import WALKED, watch

ROOT = Path(__file__).parent.parent
TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.transcript"))


def play(path: Path, db_url: str, walked: Walked = WALKED, update: bool = False) -> tuple[set[str], list[Rewrite]]:
    """Plays the transcript; the prompt files it rendered, and (`update`) the lines to rewrite."""
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    heard: set[str] = set()
    player = Player(
        Transcript.parse(path),
        lambda: watch(build_coach(settings, engine=heard_engine(settings, heard)), walked),
        name=path.stem,
        update=update,
    )
    player.play()
    return heard, player.rewrites or []


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every shipped transcript, or those in `--transcripts DIR` (`hedgehog transcripts --dir`)."""
    if metafunc.definition.name == "test_transcript":
        folder = metafunc.config.getoption("transcripts")
        paths = sorted(Path(folder).glob("*.transcript")) if folder else TRANSCRIPTS
        metafunc.parametrize("path", paths, ids=[p.stem for p in paths])


def test_transcript(path: Path, db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Plays the transcript. A failure shows, as a diff, what its bot lines would say now;
    under --update-transcripts they are rewritten (if the rewrite then plays) instead."""
    try:
        try:
            heard, _ = play(path, db_url)
        finally:
            WALKED.transcripts.add(path.stem)  # played: a failure is its own test's, not replayed for coverage
    except AssertionError as failure:
        settle(path, failure, tmp_path, update=request.config.getoption("update_transcripts"))
        return
    except Exception as error:
        REPORT[path.stem] = outcome("failed", str(error))
        raise
    REPORT[path.stem] = outcome("passed", prompts=heard)


def settle(path: Path, failure: AssertionError, tmp_path: Path, update: bool) -> None:
    """A failed transcript: plays it again noting what each failing bot line says now, then
    rewrites it (`update`, when every line can be and the rewrite plays) or fails with the diff."""
    before = path.read_text(encoding="utf-8")
    _, rewrites = play(path, f"sqlite:///{tmp_path}/now.sqlite3", Walked(), update=True)
    after = rewritten(before, rewrites)
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            shown(path),
            f"{shown(path)} (what the bot says now)",
        )
    )
    stuck = "".join(f"\nnot rewritten: {r.failure}" for r in rewrites if r.new is None)
    if update and diff and not stuck:
        path.write_text(after, encoding="utf-8")
        try:
            heard, _ = play(path, f"sqlite:///{tmp_path}/updated.sqlite3", Walked())
        except AssertionError as still:
            path.write_text(before, encoding="utf-8")
            note = f"{failure}\n\nRewritten, it still fails ({still}): the person's lines no longer fit."
            REPORT[path.stem] = outcome("failed", note, diff)
            raise AssertionError(note) from None
        REPORT[path.stem] = outcome("updated", diff=diff, prompts=heard)
        return
    REPORT[path.stem] = outcome("failed", f"{failure}{stuck}", diff, fixable=bool(diff) and not stuck)
    hint = stuck or "\nIf the change was intended: hedgehog transcripts --update " + path.stem
    raise AssertionError(f"{failure}\n\n{diff}{hint}") from None


def outcome(
    kind: str, failure: str = "", diff: str = "", prompts: Iterable[str] = (), fixable: bool = False
) -> dict[str, object]:
    """A transcript's line in `pytest --transcript-report FILE` (`hedgehog transcripts` reads it)."""
    return {"outcome": kind, "failure": failure, "diff": diff, "prompts": sorted(prompts), "fixable": fixable}


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
            try:
                play(path, f"sqlite:///{tmp_path}/{path.stem}.sqlite3")
            finally:
                WALKED.transcripts.add(path.stem)
    settings = Settings.load(environ={}, dotenv=Path("/nonexistent"))
    coverage = measure(load_library(settings), WALKED)
    floors = floors_from(ROOT / "pyproject.toml")
    assert set(floors) == {"steps", "choices", "transitions"}, "pyproject.toml sets no coverage floors"
    assert not coverage.below(floors), "\n".join(coverage.below(floors)) + "\n\n" + text(coverage, ROOT)
