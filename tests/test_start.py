"""Start-up: checked flows kept between starts (and never trusted over a changed file),
Alembic and Pillow left unimported until they are needed, one answer embedded once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.app import build_engine
from bot.config import PROJECT_ROOT, Settings
from bot.dialogue.templates import Templates
from bot.errors import DialogueError
from bot.safety import crisis, semantic
from bot.storage import db


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    folder = tmp_path / "dialogues"
    shutil.copytree(PROJECT_ROOT / "dialogues", folder)
    return folder


def test_checked_flows_are_kept_and_a_changed_file_is_checked_again(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = Settings(dialogues_dir=flows, cache_dir=cache)
    assert build_engine(settings).flow("checkin").title == "Check-in"
    assert len(list(cache.glob("library-*.pickle"))) == 1
    assert list((cache / "templates").iterdir())  # compiled prompt files kept too
    assert build_engine(settings).flow("checkin").title == "Check-in"  # from what was kept

    checkin = flows / "checkin.yaml"
    checkin.write_text(checkin.read_text().replace("title: Check-in", "title: Check in now", 1))
    assert build_engine(settings).flow("checkin").title == "Check in now"

    checkin.write_text(checkin.read_text().replace("next: urge", "next: no-such-step", 1))
    with pytest.raises(DialogueError, match="no-such-step"):
        build_engine(settings)


def test_a_kept_library_brings_what_each_prompt_reads_and_the_engine_does_not_parse_again(
    flows: Path, tmp_path: Path
) -> None:
    settings = Settings(dialogues_dir=flows, cache_dir=tmp_path / "cache")
    build_engine(settings)  # checked and kept
    engine = build_engine(settings)  # from what was kept
    fresh = Templates(*engine.library.prompts)  # parses everything itself
    said = 0
    for compiled in engine.flows.values():
        for step_id, prompt in compiled.prompts.items():
            say = compiled.flow.steps[step_id].say
            assert say is not None
            key = f"file:{say.source}" if say.is_file else f"inline:{say.source}"
            assert key in engine.library.reads or "{" not in say.source, key  # nothing left to parse
            again = fresh.file_prompt(say.source) if say.is_file else fresh.inline_prompt(say.source)
            assert prompt.uses == again.uses, step_id  # and what was kept is what a parse finds
            said += 1
    assert said > 150


def test_a_cache_folder_that_cannot_be_written_costs_only_the_check(flows: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    engine = build_engine(Settings(dialogues_dir=flows, cache_dir=blocked / "cache"))
    assert engine.flow("checkin").title == "Check-in"
    assert blocked.read_text() == "not a folder"


def test_a_damaged_kept_library_is_checked_again(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = Settings(dialogues_dir=flows, cache_dir=cache)
    build_engine(settings)
    (kept,) = cache.glob("library-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])
    for compiled in (cache / "templates").iterdir():
        compiled.write_bytes(b"\x00garbage")
    engine = build_engine(settings)
    assert engine.flow("checkin").title == "Check-in"
    assert engine.start("checkin").replies[-1].text.strip()


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(db.alembic_config())
    assert db.head_revision() == scripts.get_current_head()
    assert db.known_revisions() == {revision.revision for revision in scripts.walk_revisions()}


def test_a_start_with_nothing_to_migrate_imports_neither_alembic_nor_pillow(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from bot.app import build_coach
        from bot.config import Settings
        from bot.transports import terminal
        coach = build_coach(Settings(database_url="sqlite:///{tmp_path / "h.sqlite3"}"))
        print(sorted(name for name in ("alembic", "PIL") if name in sys.modules))
        coach.store.close()
        """
    )
    run = [sys.executable, "-c", script]
    first = subprocess.run(run, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert first.stdout.strip() == "['alembic']"  # the new database was migrated
    again = subprocess.run(run, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert again.stdout.strip() == "[]"


def test_one_typed_answer_is_embedded_once_and_read_the_same() -> None:
    layer = semantic.load()
    if layer is None:
        pytest.skip("the sentence model is not installed")
    said = "honestly I just want to get away from him for a bit"
    labels = ["Toward them", "Away from them", "Not sure"]
    semantic.likeness("something else", labels)  # the buttons' words, embedded once for good
    layer.embedder.forget()
    crisis.detect(said)
    remembered = len(layer.embedder._recent)
    kept = semantic.likeness(said, labels)
    assert len(layer.embedder._recent) == remembered  # the crisis reading's vector was used
    layer.embedder.forget()
    fresh = semantic.likeness(said, labels)
    assert kept == pytest.approx(fresh, abs=1e-5)
    assert max(range(3), key=lambda i: fresh[i]) == 1


def test_the_chat_is_ready_only_once_its_first_question_is_on_the_screen(tmp_path: Path) -> None:
    import io

    from bot.app import build_coach
    from bot.transports import terminal

    coach = build_coach(Settings(database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}"))
    screen = io.StringIO()
    when: list[str] = []
    try:
        chat = terminal.TerminalChat(coach, "kim")
        terminal.run(
            chat,
            "checkin",
            stdin=io.StringIO("1\n2\n"),
            stdout=screen,
            interactive=True,
            exports=tmp_path,
            ready=lambda: when.append(screen.getvalue()),
        )
    finally:
        coach.store.close()
    assert len(when) == 1  # once, not at every question
    assert when[0].rstrip().endswith(">")
    assert "which way are you pulled" in when[0]
