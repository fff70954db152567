"""The `hedgehog` command as a person runs it: a real process, real files, real SQLite."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT


def hedgehog(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=env.get("CWD", PROJECT_ROOT),
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    return {**base, "HEDGEHOG_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_chat_walks_quits_and_resumes_at_the_same_step_with_the_same_answers(env: dict[str, str]) -> None:
    first = hedgehog(
        "chat", "--as", "robin", "--flow", "checkin", env=env, stdin="2\n6\nTight chest\nShe went quiet after dinner\n"
    )
    assert first.returncode == 0, first.stderr
    assert "  [1] Toward them" in first.stdout
    assert "did you tell yourself it meant" in first.stdout
    second = hedgehog("chat", "--as", "robin", env=env, stdin="That I had done something wrong\n/skip\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("Welcome back")
    assert "What happened: She went quiet after dinner" in second.stdout
    assert "What you told yourself: That I had done something wrong" in second.stdout
    assert "In your body: a tight chest" in second.stdout


def test_chat_survives_ctrl_c_and_resumes(env: dict[str, str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--as", "kim", "--flow", "checkin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=env["CWD"],
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("1\n")
    process.stdin.flush()
    # Wait for the question it then waits on (not for a moment: on a busy machine it may
    # still be starting, before its Ctrl-C handling is in place).
    seen = ""
    while "0 (calm) to 10" not in seen:
        line = process.stdout.readline()
        assert line, f"chat ended before asking: {seen!r}"
        seen += line
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    again = hedgehog("chat", "--as", "kim", env=env, stdin="")
    assert again.stdout.startswith("Welcome back")
    assert "0 (calm) to 10" in again.stdout


def test_different_people_have_different_conversations(env: dict[str, str]) -> None:
    hedgehog("chat", "--as", "a", "--flow", "checkin", env=env, stdin="1\n")
    other = hedgehog("chat", "--as", "b", env=env, stdin="")
    assert "Welcome back" not in other.stdout


def test_unknown_flow_is_one_sentence_and_creates_nothing(env: dict[str, str], tmp_path: Path) -> None:
    result = hedgehog("chat", "--flow", "nope", env=env)
    assert result.returncode == 2
    line = one_sentence(result.stderr)
    assert "no flow called 'nope'" in line and "checkin" in line
    assert not (tmp_path / "data").exists()


def test_unwritable_database_names_the_setting(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    env["HEDGEHOG_DATABASE_URL"] = f"sqlite:///{tmp_path}/afile/sub/db.sqlite3"
    result = hedgehog("chat", env=env)
    assert result.returncode == 2
    line = one_sentence(result.stderr)
    assert "HEDGEHOG_DATABASE_URL" in line and "afile" in line


def test_a_database_from_a_newer_hedgehog_is_refused_untouched(env: dict[str, str], tmp_path: Path) -> None:
    hedgehog("chat", "--as", "x", "--flow", "checkin", env=env, stdin="1\n")
    database = tmp_path / "data" / "hedgehog.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    before = database.read_bytes()
    result = hedgehog("chat", "--as", "x", env=env, stdin="2\n")
    assert result.returncode == 2
    assert "newer" in one_sentence(result.stderr)
    assert database.read_bytes() == before


def test_broken_dialogue_files_stop_the_chat_with_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "checkin.yaml").write_text("flow: checkin\nversion: [1\n")
    env["HEDGEHOG_DIALOGUES_DIR"] = str(folder)
    result = hedgehog("chat", env=env)
    assert result.returncode == 2
    line = one_sentence(result.stderr)
    assert "checkin.yaml:3" in line or "checkin.yaml:2" in line
    assert not (tmp_path / "data").exists()


def test_a_wrong_type_in_a_flow_is_reported_with_its_line(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "checkin.yaml").write_text(
        "flow: checkin\nversion: 1\ntitle: T\nsummary: S\nstart: a\nsteps:\n  a:\n    say: hi\n    end: 7\n"
    )
    env["HEDGEHOG_DIALOGUES_DIR"] = str(folder)
    result = hedgehog("chat", env=env)
    assert result.returncode == 2
    assert "checkin.yaml:9" in one_sentence(result.stderr)


def test_a_missing_dialogues_folder_is_named(env: dict[str, str], tmp_path: Path) -> None:
    env["HEDGEHOG_DIALOGUES_DIR"] = str(tmp_path / "nowhere")
    result = hedgehog("check", env=env)
    assert result.returncode == 1
    assert "nowhere" in result.stdout and "HH001" in result.stdout


def test_graph_is_generated_from_the_file(env: dict[str, str]) -> None:
    mermaid = hedgehog("graph", "checkin", env=env)
    assert mermaid.returncode == 0
    assert mermaid.stdout.startswith("flowchart TD")
    assert "intensity >= 8" in mermaid.stdout and "flooded" in mermaid.stdout
    dot = hedgehog("graph", "checkin", "--format", "dot", env=env)
    assert dot.stdout.startswith('digraph "checkin"')
    assert '"intensity" -> "flooded"' in dot.stdout
    unknown = hedgehog("graph", "nope", env=env)
    assert unknown.returncode == 2 and "no flow called 'nope'" in one_sentence(unknown.stderr)


def test_python_dash_m_and_version(env: dict[str, str]) -> None:
    result = hedgehog("--version", env=env)
    assert result.returncode == 0 and result.stdout.startswith("hedgehog ")


def test_a_killed_chat_resumes_at_the_last_step_it_showed(env: dict[str, str]) -> None:
    """A reply is shown only after its step is committed: whatever the person saw survives SIGKILL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--as", "lee", "--flow", "checkin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=env["CWD"],
        bufsize=1,
    )
    assert process.stdin is not None and process.stdout is not None
    seen = ""
    for answer in ("Toward them", "4", "Racing heart", "He cancelled our plans again"):
        process.stdin.write(answer + "\n")
        process.stdin.flush()
    deadline = time.monotonic() + 30
    while "did you tell yourself" not in seen and time.monotonic() < deadline:
        seen += process.stdout.readline()
    assert "did you tell yourself" in seen
    process.kill()
    process.communicate(timeout=30)
    again = hedgehog("chat", "--as", "lee", env=env, stdin="/skip\n/skip\n")
    assert again.stdout.startswith("Welcome back")
    assert "did you tell yourself" in again.stdout.split("\n\n", 2)[1]
    assert "What happened: He cancelled our plans again" in again.stdout
    assert "In your body: a racing heart" in again.stdout


def test_output_cut_short_by_a_pipe_ends_quietly(env: dict[str, str]) -> None:
    command = f"{sys.executable} -m bot chat --as pipe --flow checkin | head -1"
    answers = "\n".join(["Away from them", "/skip", "3"] + ["/skip"] * 5) + "\n"
    run = subprocess.run(
        ["bash", "-c", command],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        cwd=env["CWD"],
        timeout=60,
        check=False,
    )
    assert run.stdout.strip() and "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["invite", "--name", "D" * 100], "--name needs 1 to 80 characters (this one has 100)"),
        (["add", "1001", "--name", "Dana " * 20], "--name needs 1 to 80 characters (this one has 99)"),
        (["invite", "--name", "Dana\x1b[2J Levi"], "--name cannot hold control characters"),
        (["add", "1001", "--name", "Dana\x07"], "--name cannot hold control characters"),
        (["invite", "--name", os.fsdecode(b"Dana \xff\xfe")], "not UTF-8 text"),
        (["invite", "--name", "   "], "--name needs 1 to 80 characters"),
        (["add", "terminal:" + "k" * 200, "--name", "Dana"], "is not a chat"),
        (["add", "١٢٣", "--name", "Dana"], "is not a chat"),  # Arabic-Indic digits are digits to Python
        (["remove", "terminal:ro\x01bin"], "is not a chat"),
    ],
    ids=["invite-100", "add-99", "escape", "bell", "not-utf8", "blank", "long-chat", "arabic-digits", "control-chat"],
)
def test_operator_input_gets_one_clear_sentence_on_every_database(
    env: dict[str, str], db_url: str, args: list[str], says: str
) -> None:
    env = {**env, "HEDGEHOG_DATABASE_URL": db_url}
    run = hedgehog("therapist", *args, env=env)
    assert run.returncode == 2
    line = one_sentence(run.stderr)
    assert line.startswith("hedgehog: ") and says in line
    assert "DataError" not in line and "\x1b" not in line


def test_operator_input_that_fits_is_kept_as_typed(env: dict[str, str], db_url: str) -> None:
    env = {**env, "HEDGEHOG_DATABASE_URL": db_url}
    name = "Dr. Zoë  O\u2019Brien-Łukasiewicz 🌱"
    added = hedgehog("therapist", "add", "1001", "--name", name, env=env)
    assert added.returncode == 0, added.stderr
    invited = hedgehog("therapist", "invite", "--name", "D" * 80, env=env)
    assert invited.returncode == 0, invited.stderr
    listed = hedgehog("therapist", "list", env=env)
    assert "telegram:1001\tDr. Zoë O\u2019Brien-Łukasiewicz 🌱\t0 open" in listed.stdout


def test_words_of_danger_typed_before_the_crisis_layer_is_warm_are_still_read(env: dict[str, str]) -> None:
    # The chat warms the crisis layer only once its first question is on the screen (sooner
    # it slowed that question); an answer piped in at once reaches it before the layer is
    # loaded, and must wait for it rather than go unchecked.
    chat = hedgehog("chat", "--as", "kim", "--flow", "checkin", env=env, stdin="i want to kill myself\n")
    assert chat.returncode == 0, chat.stderr
    _, _, after = chat.stdout.partition("which way are you pulled")
    assert after, chat.stdout
    assert "are you safe right now?" in after
    assert "Find A Helpline" in after
