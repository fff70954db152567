"""`hedgehog preview` (and `hedgehog graph`) as a maintainer runs it: the page is written for
the flows that are fine while another file has an error, and a flow that does not exist is
one sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.dialogue.preview import page

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEDGEHOG_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_flow_that_does_not_exist_is_one_sentence(tmp_path: Path):
    done = run("preview", "no-such-flow", "-o", str(tmp_path))
    assert done.returncode == 2
    assert "no-such-flow" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "index.html").exists()


def test_the_flows_that_are_fine_are_shown_while_another_has_an_error(tmp_path: Path):
    dialogues = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", dialogues)
    broken = dialogues / "set-it-free.yaml"
    broken.write_text(broken.read_text().replace("steps:", "steps: [", 1))
    done = run("preview", "-o", str(tmp_path / "site"), env={"HEDGEHOG_DIALOGUES_DIR": str(dialogues)})
    assert done.returncode == 1
    assert "set-it-free.yaml" in done.stderr
    written = (tmp_path / "site" / "index.html").read_text()
    assert '"break":{' in written and '"set-it-free":{' not in written
    assert "left out" in done.stdout


def broken_set_it_free(tmp_path: Path) -> dict[str, str]:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", dialogues)
    broken = dialogues / "set-it-free.yaml"
    broken.write_text(broken.read_text().replace("steps:", "steps: [", 1))
    return {"HEDGEHOG_DIALOGUES_DIR": str(dialogues)}


def test_graph_draws_a_flow_that_is_fine_while_another_file_is_broken(tmp_path: Path):
    env = broken_set_it_free(tmp_path)
    checkin = run("graph", "checkin", env=env)
    assert checkin.returncode == 0
    assert checkin.stdout.startswith("flowchart TD") and "do-free → set-it-free" in checkin.stdout
    assert "set-it-free.yaml" in checkin.stderr and "HH002" in checkin.stderr
    assert "HH009" not in checkin.stderr  # the broken file once, not again at its caller
    broken = run("graph", "set-it-free", env=env)
    assert broken.returncode == 1 and broken.stdout == ""
    assert "flow 'set-it-free' is not drawn: its file has the errors above." in broken.stderr


def test_preview_fails_only_when_a_flow_asked_for_is_left_out(tmp_path: Path):
    env = broken_set_it_free(tmp_path)
    fine = run("preview", "break", "-o", str(tmp_path / "fine"), env=env)
    assert fine.returncode == 0, fine.stderr
    assert '"break":{' in (tmp_path / "fine" / "index.html").read_text()
    assert "set-it-free.yaml" in fine.stderr  # the errors are still shown
    calls_it = run("preview", "checkin", "-o", str(tmp_path / "left"), env=env)
    assert calls_it.returncode == 1
    assert "left out flow 'checkin': it calls 'set-it-free', whose file has errors" in calls_it.stderr


def test_the_page_is_one_file_that_loads_nothing(tmp_path: Path):
    done = run("preview", "checkin", "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "index.html").read_text()
    assert "<script src" not in written and "<link" not in written and "@import" not in written
    assert "default-src 'none'" in written  # the browser itself refuses any request
    # The check-in and the flows it calls, nothing else.
    assert '"checkin":{' in written and '"break":{' in written and '"delete":{' not in written


def test_what_people_typed_cannot_close_the_script_it_is_kept_in():
    from bot.dialogue.preview import Export

    html = page(Export({"flows": {}, "note": "</script><script>alert(1)</script>\u2028"}))
    assert html.count("</script>") == 2  # the data's and the renderer's own
    assert "\\u003c/script\\u003e" in html


def test_ci_runs_exactly_the_readme_test_command():
    """The command that installs the browser these tests need is the README's, word for word."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("Run the tests:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    script = (ROOT / ".ci" / "run").read_text()
    assert script.rstrip().endswith(block.rstrip())
    assert "apt-get install -y -qq chromium" in block and "'.[test]'" in block
