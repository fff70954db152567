"""The code base stays clean: ruff (lint and format) and mypy run as part of the tests, so CI
enforces them with the versions the test extra installs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is part of the test extras: pip install -e '.[test]'"
    return found


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)


def test_ruff_is_clean() -> None:
    done = run(tool("ruff"), "check", "bot", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted_with_ruff() -> None:
    done = run(tool("ruff"), "format", "--check", "bot", "tests")
    assert done.returncode == 0, "run: ruff format bot tests\n" + done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    done = run(tool("mypy"), "bot")
    assert done.returncode == 0, done.stdout + done.stderr
