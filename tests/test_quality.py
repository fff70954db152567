"""The code base stays lint-clean: ruff runs as part of the tests, so CI enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the test extras: pip install -e '.[test]'"
    run = subprocess.run([ruff, "check", "bot", "tests"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
