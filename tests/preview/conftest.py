"""A real headless Chromium for the preview's tests: Debian's `chromium`, driven by
Playwright's Python package (Playwright's own browser download cannot reach its host).

Where no browser can be had (no `chromium` on the PATH, or no `playwright` installed)
the tests skip with the reason, except under CI=true, where they fail: the README's
test command installs both there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")  # closed before other modules' asyncio tests run
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium on this machine: apt-get install -y chromium (as root)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page `hedgehog preview` writes for the shipped flows, made by the real command."""
    out = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEDGEHOG_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "-o", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out / "index.html"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the tests leave their screenshots: $PREVIEW_SCREENSHOTS if set, else the
    test's own temporary folder (pytest prints nothing; the report names the path)."""
    where = Path(os.environ.get("PREVIEW_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where
