"""`hedgehog bench --start`: how fast Hedgehog starts and how much memory it holds, each
figure from fresh processes (the median of `runs`):

- importing what `hedgehog chat` imports;
- building the engine (every flow loaded, checked, compiled) with the shipped flows and with
  50 flows (the shipped ones and copies of one under new names), cold (an empty cache
  folder) and cached (the checked flows kept from the run before, `HEDGEHOG_CACHE_DIR`);
- `hedgehog chat` from launch to its first prompt, cold and cached (a new person: the database
  is created), and cached for a returning person (the database is there);
- the idle chat's resident memory, once the crisis layer's sentence model is loaded;
- the sentence model's own part: its load time and the memory it adds.

Nothing here asserts on time; compare figures from one run.
"""

from __future__ import annotations

import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Settings

FLOWS = 50
SYNTHETIC_FROM = "softened-startup"  # copied under new names, its role tag taken off

_IMPORTS = "import bot.cli, bot.app, bot.transports.terminal"
_IMPORT = f"import time; t = time.perf_counter(); {_IMPORTS}; print(time.perf_counter() - t)"
_BUILD = (
    "import sys, time; from pathlib import Path; from bot.config import Settings; from bot.app import build_engine; "
    "kept = {'cache_dir': Path(sys.argv[3])} if sys.argv[3] else {}; "
    "s = Settings(dialogues_dir=Path(sys.argv[1]), prompts_dir=Path(sys.argv[2]), **kept); "
    "t = time.perf_counter(); e = build_engine(s); print(time.perf_counter() - t, len(e.library.flows))"
)
_COACH = (
    "def rss():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
    f"{_IMPORTS}\n"
    "from bot.app import build_coach\n"
    "from bot.config import Settings\n"
    "coach = build_coach(Settings.load())\n"
    "print(rss())\n"
)
_MODEL = (
    "import time\n"
    "def rss():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
    f"{_IMPORTS}\n"
    "from bot.safety import crisis, semantic\n"
    "before = rss(); t = time.perf_counter(); crisis.warm()\n"
    "print(time.perf_counter() - t, rss() - before, semantic.load() is not None)\n"
)


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env or _env()
    ).stdout


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("HEDGEHOG_CACHE_DIR", None)
    env.update(extra)
    return env


def synthetic_flows(settings: Settings, folder: Path, total: int = FLOWS) -> Path:
    """The shipped flows and copies of one under new names, `total` in all, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    shipped = sorted(settings.dialogues_dir.glob("*.yaml"))
    for file in shipped:
        shutil.copy(file, folder / file.name)
    source = (settings.dialogues_dir / f"{SYNTHETIC_FROM}.yaml").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.lstrip().startswith("role:")]
    source = "\n".join(lines) + "\n"
    for n in range(total - len(shipped)):
        name = f"bench-copy-{n:02d}"
        (folder / f"{name}.yaml").write_text(source.replace(f"flow: {SYNTHETIC_FROM}", f"flow: {name}", 1))
    return folder


def _build(flows: Path, prompts: Path, cache: Path | None) -> tuple[float, int]:
    seconds, count = _python(_BUILD, str(flows), str(prompts), str(cache or "")).split()
    return float(seconds), int(count)


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _settled(pid: int, limit: float = 90.0) -> float:
    """Resident MiB once the sentence model, loading in the background from the first
    question on, is in (the memory has grown by more than the patterns alone take and
    stopped growing), or after `limit` s."""
    from bot.safety import semantic

    expect = semantic.model_file() is not None
    start = last = _rss(pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _rss(pid)
        if abs(now - last) < 1.0 and (not expect or now - start > 50):
            return now
        last = now
    return last


def first_prompt(data: Path, cache: Path | None, settle: bool = False) -> tuple[float, float]:
    """Seconds from launching `hedgehog chat` (on a terminal of its own, so it prompts as it
    does for a person) to its first "> ", and, with `settle`, its resident MiB once idle with
    the sentence model loaded (0.0 without)."""
    env = _env(HEDGEHOG_DATA_DIR=str(data), HEDGEHOG_CACHE_DIR=str(cache) if cache else "off")
    main, other = pty.openpty()
    started = time.perf_counter()
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--as", "bench"],
        stdin=other,
        stdout=other,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
    )
    os.close(other)
    try:
        seen = b""
        while b"> " not in seen:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the chat ended
                chunk = b""
            if not chunk:
                raise RuntimeError("hedgehog chat ended before its first prompt")
            seen += chunk
        seconds = time.perf_counter() - started
        rss = _settled(chat.pid) if settle else 0.0
        os.write(main, b"/quit\n")
        try:
            chat.wait(timeout=30)
        except subprocess.TimeoutExpired:
            chat.kill()
            chat.wait()
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait()
        os.close(main)
    return seconds, rss


def run_start_benchmark(settings: Settings, runs: int = 3) -> int:
    runs = max(1, runs)
    print(f"hedgehog bench --start: medians of {runs} fresh processes each, Python {sys.version.split()[0]}")
    imports = statistics.median(float(_python(_IMPORT)) for _ in range(runs))
    print(f"  imports of `hedgehog chat`:                  {imports:>8.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        many = synthetic_flows(settings, root / "flows")
        for flows, label in ((settings.dialogues_dir, "shipped"), (many, str(FLOWS))):
            cold, cached = [], []
            count = 0
            for n in range(runs):
                cache = root / f"cache-{label}-{n}"
                seconds, count = _build(flows, settings.prompts_dir, cache)
                cold.append(seconds)
                cached.append(_build(flows, settings.prompts_dir, cache)[0])
            name = f"engine build, {count} flows"
            print(f"  {name + ', cold:':<45}{statistics.median(cold):>8.3f} s")
            print(f"  {name + ', cached:':<45}{statistics.median(cached):>8.3f} s")
        cold_chat = [first_prompt(root / f"data-cold-{n}", None)[0] for n in range(runs)]
        cache = root / "chat-cache"
        first_prompt(root / "data-fill", cache)  # fills the cache
        cached_chat = [first_prompt(root / f"data-{n}", cache)[0] for n in range(runs)]
        print(f"  `hedgehog chat` to its first prompt, cold:   {statistics.median(cold_chat):>8.3f} s")
        print(f"  `hedgehog chat` to its first prompt, cached: {statistics.median(cached_chat):>8.3f} s")
        # The same people again: their databases are there and migrated, as on every launch but the first.
        again = [first_prompt(root / f"data-{n}", cache)[0] for n in range(runs)]
        print(f"  the same, a returning person (database there): {statistics.median(again):>6.3f} s")
        # Idle: the sentence model loads in the background once the first question is shown; wait for it.
        idle = statistics.median(first_prompt(root / f"data-idle-{n}", cache, settle=True)[1] for n in range(runs))
        print(f"  idle `hedgehog chat` resident memory:        {idle:>8.1f} MiB (sentence model loaded)")
        coach = statistics.median(
            float(
                _python(
                    _COACH, env=_env(HEDGEHOG_DATA_DIR=str(root / f"data-coach-{n}"), HEDGEHOG_CACHE_DIR=str(cache))
                )
            )
            for n in range(runs)
        )
        print(f"  the same before the sentence model loads:    {coach:>8.1f} MiB (engine, database, imports)")
    model = [_python(_MODEL).split() for _ in range(runs)]
    if model[0][2] == "True":
        load = statistics.median(float(m[0]) for m in model)
        added = statistics.median(float(m[1]) for m in model)
        print(f"  crisis layer (patterns, sentence model) load: {load:>7.3f} s, in the background")
        print(f"  crisis layer's part of resident memory:      {added:>8.1f} MiB")
    else:
        print("  sentence model: not installed (the patterns work alone)")
    return 0
