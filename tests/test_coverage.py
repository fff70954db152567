"""`hedgehog coverage`: what a walk through the real engine covers, measured on a small
flow whose every part is known (tests/dialogues/good: `sample` calls `pause`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.app import REQUIRED_TEMPLATES
from bot.config import Settings
from bot.dialogue.check import load_checked
from bot.dialogue.coverage import Walked, floors_from, html_report, measure, text
from bot.dialogue.model import Library
from bot.engine.engine import Engine
from bot.engine.state import Choice, Text
from tests.support.walked import watch_engine

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "dialogues" / "good"


def sample_library() -> Library:
    settings = Settings.load(environ={}, dotenv=Path("/nonexistent"))
    return load_checked([GOOD], [GOOD / "prompts", settings.prompts_dir], REQUIRED_TEMPLATES)


def walk(engine: Engine, *events: Choice | Text) -> None:
    state = engine.start("sample").state
    for event in events:
        if isinstance(event, Choice):
            event = Choice(event.choice_id, state.step_id, state.seq)
        state = engine.handle(state, event).state


def missing(library: Library, walked: Walked, flow: str) -> set[str]:
    coverage = measure(library, walked)
    found = next(fc for fc in coverage.flows if fc.flow.id == flow)
    return {f"{item.step}: {item.what}" for item in found.missing()}


def test_a_walk_counts_the_steps_buttons_and_routes_it_took():
    library = sample_library()
    walked = Walked()
    engine = watch_engine(Engine(library), walked)
    walk(engine, Choice("toward"), Text("7/10"), Text("a bit wound up, honestly"))
    coverage = measure(library, walked)
    left = missing(library, walked, "sample")
    # Not taken: the other button, the strong-feelings route and its call, the buttons
    # and the Skip of the feeling question (a typed answer is neither).
    assert "urge: button 'Away 🐢' (away)" in left
    assert "urge: button 'Toward' (toward)" not in left
    assert "intensity: transition → pause when intensity is number and intensity >= 8" in left
    assert "intensity: transition → feeling" not in left
    assert "pause: step" in left and "pause: transition: call pause" in left
    assert "feeling: the Skip button" in left and "feeling: button 'Angry' (angry)" in left
    assert "done: exit (completed)" not in left
    # `pause` was never entered: nothing of it counts.
    assert coverage.flows[[fc.flow.id for fc in coverage.flows].index("pause")].count("steps") == (0, 2)


def test_calls_returns_and_skips_are_walked_when_taken():
    library = sample_library()
    walked = Walked()
    engine = watch_engine(Engine(library), walked)
    walk(engine, Choice("away"), Text("9"), Choice("ready"), Choice("skip"))
    left = missing(library, walked, "sample")
    assert "pause: transition: call pause" not in left
    assert "pause: transition: return from pause" not in left
    assert "feeling: the Skip button" not in left
    assert missing(library, walked, "pause") == set()
    walk(engine, Choice("toward"), Text("2"), Choice("angry"))
    assert "feeling: button 'Angry' (angry)" not in missing(library, walked, "sample")


def test_the_text_and_html_reports_list_what_is_missing_at_its_line(tmp_path: Path):
    library = sample_library()
    walked = Walked(transcripts={"one"})
    walk(watch_engine(Engine(library), walked), Choice("toward"), Text("3"), Text("fine"))
    coverage = measure(library, walked)
    report = text(coverage, ROOT)
    line = library["sample"].steps["urge"].choices[1].line
    assert f"tests/dialogues/good/sample.yaml:{line}: sample:urge: button 'Away 🐢' (away)" in report
    assert "What 1 golden transcripts walk" in report
    page = html_report(coverage, ROOT, {"steps": 50.0})
    assert f"sample.yaml:{line}</code> urge: button &#x27;Away 🐢&#x27; (away)" in page
    assert "steps 50.0 %" in page


def test_the_cli_reports_a_saved_walk_and_fails_under_the_floor(tmp_path: Path):
    saved = tmp_path / "walked.json"
    Walked(transcripts={"none"}).save(saved)  # a walk that walked nothing
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEDGEHOG_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "coverage", "--walked", str(saved), "-o", str(tmp_path / "site"), "--brief"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "all flows" in done.stdout and "0/" in done.stdout
    assert "steps coverage is 0.0 %, under the floor of" in done.stderr
    data = json.loads((tmp_path / "site" / "coverage.json").read_text())
    assert data["flows"]["checkin"]["steps"][0] == 0
    assert "checkin" in (tmp_path / "site" / "coverage.html").read_text()


def test_the_repository_sets_a_floor_for_each_figure():
    floors = floors_from(ROOT / "pyproject.toml")
    assert set(floors) == {"steps", "choices", "transitions"}
    assert all(0 < value <= 100 for value in floors.values())
