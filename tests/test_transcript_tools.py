"""Keeping golden transcripts, as a maintainer does it: `hedgehog chat --record`,
`hedgehog transcripts` (a failure as a diff, `--update`, `--touching`) and `% at`, each a real
`python -m bot` process on real files, playing through the real transcript runner."""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import load_library
from bot.config import PROJECT_ROOT, Settings

SHIPPED = PROJECT_ROOT / "tests" / "transcripts"


def hedgehog(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=env["CWD"],
        timeout=600,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    return {**base, "HEDGEHOG_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}


def steps() -> set[str]:
    library = load_library(Settings.load(environ={}, dotenv=Path("/nonexistent")))
    return {f"{flow.id}:{step}" for flow in library.flows.values() for step in flow.steps}


def test_a_recorded_session_replays_green_and_holds_only_what_was_on_screen_and_typed(
    env: dict[str, str], tmp_path: Path
) -> None:
    typed = [
        "keep checking my phone",
        "ok",
        "I'm going to give us both some space tonight, talk tomorrow? x",
        "2",
        "done",
        "go for a run and then finally call my sister back",
        "1 hour",
        "i'll try",
    ]
    folder = tmp_path / "recorded"
    folder.mkdir()
    record = folder / "set-it-free-recorded.transcript"
    chat = hedgehog("chat", "--flow", "set-it-free", "--record", str(record), env=env, stdin="\n".join(typed) + "\n")
    assert chat.returncode == 0, chat.stderr
    assert "Instead of: keep checking for a reply" in chat.stdout  # the session really went to its end
    assert "hedgehog transcripts --dir" in chat.stderr

    lines = record.read_text(encoding="utf-8").splitlines()
    screen = " ".join(chat.stdout.split())
    known = steps()
    assert lines[0] == "flow: set-it-free"
    assert [line[2:] for line in lines if line.startswith("> ")] == typed
    for line in lines[1:]:
        kind, _, value = line.partition(" ")
        if kind == "~":
            assert value and value in screen, line
        elif kind == "*":
            assert f"] {value}" in chat.stdout, line
        elif kind == "@":
            assert (value if ":" in value else f"set-it-free:{value}") in known, line
        elif kind == "=":
            assert value in ("open", "ended"), line
        else:
            assert kind in (">", ""), f"not what was on screen or typed: {line!r}"
    text = record.read_text(encoding="utf-8")
    assert lines[-1] == "= ended"
    assert getpass.getuser() not in text and "sqlite" not in text and str(tmp_path) not in text

    played = hedgehog("transcripts", "--dir", str(folder), "--index", str(tmp_path / "index.json"), env=env)
    assert played.returncode == 0, played.stdout + played.stderr
    assert played.stdout.strip().endswith("1 played: 1 passed.")
    again = hedgehog("chat", "--flow", "set-it-free", "--record", str(record), env=env, stdin="")
    assert again.returncode == 2 and "exists" in again.stderr  # a recording never overwrites a transcript


def test_a_stale_transcript_fails_as_a_diff_and_update_rewrites_only_the_bot_lines(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "stale"
    folder.mkdir()
    shipped = (SHIPPED / "set-it-free.transcript").read_text(encoding="utf-8")
    stale = shipped.replace(
        "~ Instead of: keep checking for a reply", "~ Instead of: checking your phone  # the plan, read back"
    ).replace("@ soothe-do\n", "@ soothe-now\n")
    assert stale != shipped
    path = folder / "set-it-free-stale.transcript"
    path.write_text(stale, encoding="utf-8")
    index = str(tmp_path / "index.json")

    failed = hedgehog("transcripts", "--dir", str(folder), "--index", index, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAILED set-it-free-stale: set-it-free-stale.transcript:12: expected step 'soothe-now'" in failed.stdout
    assert "\n-@ soothe-now\n+@ soothe-do\n" in failed.stdout
    assert "\n-~ Instead of: checking your phone  # the plan, read back\n" in failed.stdout
    assert "\n+~ • Instead of: keep checking for a reply  # the plan, read back\n" in failed.stdout
    assert f"hedgehog transcripts --update --dir {folder} set-it-free-stale" in failed.stdout
    assert path.read_text(encoding="utf-8") == stale  # nothing rewritten without --update

    updated = hedgehog("transcripts", "--dir", str(folder), "--index", index, "--update", env=env)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "UPDATED set-it-free-stale" in updated.stdout and "+@ soothe-do" in updated.stdout
    assert updated.stdout.strip().endswith("1 played: 1 updated.")
    now = path.read_text(encoding="utf-8").splitlines()
    before = stale.splitlines()
    changed = [(old, new) for old, new in zip(before, now, strict=True) if old != new]
    assert changed == [
        ("@ soothe-now", "@ soothe-do"),
        (
            "~ Instead of: checking your phone  # the plan, read back",
            "~ • Instead of: keep checking for a reply  # the plan, read back",
        ),
    ]
    again = hedgehog("transcripts", "--dir", str(folder), "--index", index, env=env)
    assert again.returncode == 0 and again.stdout.strip().endswith("1 played: 1 passed."), again.stdout


def test_update_never_rewrites_what_the_bot_must_not_say(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "never"
    folder.mkdir()
    shipped = (SHIPPED / "set-it-free.transcript").read_text(encoding="utf-8")
    path = folder / "set-it-free-never.transcript"
    path.write_text(shipped.replace("= ended", "!~ finish the chapter\n= ended"), encoding="utf-8")
    done = hedgehog("transcripts", "--dir", str(folder), "--index", str(tmp_path / "i.json"), "--update", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the bot said 'finish the chapter', which it must not" in done.stdout
    assert "!~ finish the chapter" in path.read_text(encoding="utf-8")


def test_a_session_started_mid_flow_records_its_start_and_replays(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "mid"
    folder.mkdir()
    record = folder / "checkin-mid.transcript"
    chat = hedgehog(
        "chat",
        "--at",
        "checkin:underneath",
        "--set",
        "urge=toward",
        "--set",
        "intensity=8",
        "--set",
        "trigger=she said we need to talk and went quiet",
        "--record",
        str(record),
        env=env,
        stdin="kind of alone tbh\n3\n",
    )
    assert chat.returncode == 0, chat.stderr
    assert "A pull toward your partner, 8 out of 10" in chat.stdout
    assert "What happened: she said we need to talk and went quiet" in chat.stdout
    first = record.read_text(encoding="utf-8").splitlines()[0]
    assert first == "% at checkin:underneath urge=toward intensity=8 trigger='she said we need to talk and went quiet'"
    played = hedgehog("transcripts", "--dir", str(folder), "--index", str(tmp_path / "index.json"), env=env)
    assert played.returncode == 0 and played.stdout.strip().endswith("1 played: 1 passed."), played.stdout


def test_an_unknown_flow_step_or_variable_in_a_start_mid_flow_is_named_at_its_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "wrong"
    folder.mkdir()
    for name, where in (
        ("no-flow", "chekin:underneath"),
        ("no-step", "checkin:undernaeth"),
        ("no-variable", "checkin:underneath urgee=toward"),
    ):
        (folder / f"{name}.transcript").write_text(f"# wrong\nonboarded: yes\n% at {where}\n> Scared\n")
    done = hedgehog("transcripts", "--dir", str(folder), "--index", str(tmp_path / "index.json"), env=env)
    assert done.returncode == 1
    assert "no-flow.transcript:3: There is no flow called 'chekin'." in done.stdout
    assert "no-step.transcript:3: The flow 'checkin' has no step 'undernaeth'. Did you mean 'underneath'?" in (
        done.stdout
    )
    assert "no-variable.transcript:3: The flow 'checkin' has no variable 'urgee'. Did you mean 'urge'?" in done.stdout
    cli = hedgehog("chat", "--at", "checkin:underneath", "--set", "urgee=toward", env=env)
    assert cli.returncode == 2
    assert cli.stderr.strip() == "hedgehog: The flow 'checkin' has no variable 'urgee'. Did you mean 'urge'?"


def test_touching_a_prompt_selects_every_transcript_that_renders_it(env: dict[str, str], tmp_path: Path) -> None:
    """The check-in that ends in "Set it free" renders set-it-free's first question too: a
    change to that prompt plays it, though it is not named after the flow."""
    folder = tmp_path / "some"
    folder.mkdir()
    for name in ("set-it-free", "checkin-run-on", "delete"):
        shutil.copy(SHIPPED / f"{name}.transcript", folder)
    index = tmp_path / "index.json"
    first = hedgehog("transcripts", "--dir", str(folder), "--index", str(index), env=env)
    assert first.returncode == 0 and first.stdout.strip().endswith("3 played: 3 passed."), first.stdout
    notes = json.loads(index.read_text())["transcripts"]
    assert "set-it-free/pull.j2" in notes[str(folder / "checkin-run-on.transcript")][1]

    def chosen(*touching: str) -> dict[str, str]:
        listing = ["--dir", str(folder), "--index", str(index), "--list", "--touching", *touching]
        done = hedgehog("transcripts", *listing, env=env)
        assert done.returncode == 0, done.stderr
        return dict(re.findall(r"^(\S+)  \((.*)\)$", done.stdout, re.MULTILINE))

    assert chosen("prompts/set-it-free/pull.j2") == {
        "checkin-run-on": "renders prompts/set-it-free/pull.j2",
        "set-it-free": "renders prompts/set-it-free/pull.j2",
    }
    assert chosen("prompts/delete/confirm.j2").keys() <= {"delete"}
    assert chosen("docs/authoring.md") == {}
    assert set(chosen("dialogues/delete.yaml")) == {"set-it-free", "checkin-run-on", "delete"}
    with (folder / "delete.transcript").open("a") as edited:
        edited.write("# edited since it last played\n")
    assert chosen("prompts/set-it-free/pull.j2")["delete"].startswith("not played here since")


def test_a_changed_prompt_touches_every_prompt_that_includes_or_imports_it(tmp_path: Path) -> None:
    from bot.transcripts import including

    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "signs.j2").write_text("{% macro sign() %}Take a breath.{% endmacro %}")
    (tmp_path / "parts" / "pause.j2").write_text('{% from "parts/signs.j2" import sign %}{{ sign() }} Pause.')
    (tmp_path / "break.j2").write_text('{% include "parts/pause.j2" %} Then we go on.')
    (tmp_path / "other.j2").write_text("Nothing shared here.")
    assert including(tmp_path, {"parts/signs.j2"}) == {"parts/signs.j2", "parts/pause.j2", "break.j2"}
