"""Settings: read once from the environment and an optional `.env` file, nowhere else.

| variable                 | default                                   | meaning                            |
|--------------------------|-------------------------------------------|------------------------------------|
| HEDGEHOG_DATABASE_URL    | SQLite under HEDGEHOG_DATA_DIR / XDG dir  | sqlite:///path or postgresql://... |
| HEDGEHOG_DATA_DIR        | $XDG_DATA_HOME/hedgehog (~/.local/share)  | where the default SQLite file goes |
| HEDGEHOG_EXPORT_DIR      | HEDGEHOG_DATA_DIR/exports (made 0700)     | where `hedgehog chat` saves /export |
| HEDGEHOG_DIALOGUES_DIR   | <project>/dialogues                       | the flows                          |
| HEDGEHOG_PROMPTS_DIR     | <project>/prompts                         | the wording                        |
| HEDGEHOG_DEFAULT_FLOW    | checkin                                   | what /start and `chat` begin with  |
| HEDGEHOG_LOG_LEVEL       | INFO (WARNING for `hedgehog chat`)        | logging threshold                  |
| HEDGEHOG_LOG_SALT        | random per process                        | salt for hashed chat ids in logs   |
| TELEGRAM_BOT_TOKEN       | (none)                                    | needed by `hedgehog run` only      |
| TELEGRAM_API_BASE_URL    | https://api.telegram.org                  | a self-hosted Bot API server       |
| TELEGRAM_WEBHOOK_SECRET  | derived from the token                    | webhook secret header value        |
| HEDGEHOG_OUTBOX_LEASE    | 15                                        | seconds a sender holds replies     |
| HEDGEHOG_TEST_CRASH_AT   | (none)                                    | tests: `after-commit:N` self-kill  |

Values in the environment win over `.env`. Secrets are kept out of `repr`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def read_dotenv(path: Path) -> dict[str, str]:
    """`KEY=value` lines; `#` comments, blank lines and optional quotes allowed."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return values
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{path}:{number} is not a KEY=value line; fix or remove it.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    dialogues_dir: Path = PROJECT_ROOT / "dialogues"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    default_flow: str = "checkin"
    log_level: str | None = None
    log_salt: str | None = field(default=None, repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    homework_link_days: int = 7  # how long a therapist's homework link works
    outbox_lease: float = 15.0  # seconds a sender holds the outbox rows it claimed
    test_crash_at: str | None = None  # the chaos test's aimed kills ("after-commit:3")
    data_dir: Path | None = None  # None: $XDG_DATA_HOME/hedgehog, as the default database
    export_dir: Path | None = None  # None: a private folder "exports" in the data folder

    @property
    def exports(self) -> tuple[Path, bool]:
        """Where `hedgehog chat` saves what /export gives, and whether it is the private
        default (made 0700 by the terminal) rather than a folder the operator named."""
        if self.export_dir is not None:
            return self.export_dir, False
        data = self.data_dir
        if data is None:
            xdg = os.environ.get("XDG_DATA_HOME", "").strip()
            data = Path(xdg) / "hedgehog" if xdg else Path.home() / ".local" / "share" / "hedgehog"
        return data / "exports", True

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        env = {**read_dotenv(dotenv or Path.cwd() / ".env"), **(os.environ if environ is None else environ)}

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        level = get("HEDGEHOG_LOG_LEVEL")
        if level is not None and level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(f"HEDGEHOG_LOG_LEVEL is '{level}'; use DEBUG, INFO, WARNING or ERROR.")
        link_days = get("HEDGEHOG_HOMEWORK_LINK_DAYS") or "7"
        if not link_days.isdigit() or not 1 <= int(link_days) <= 90:
            raise ConfigError(f"HEDGEHOG_HOMEWORK_LINK_DAYS is '{link_days}'; use a whole number of days from 1 to 90.")
        lease = get("HEDGEHOG_OUTBOX_LEASE") or "15"
        try:
            lease_seconds = float(lease)
        except ValueError:
            lease_seconds = -1.0
        if not 0.2 <= lease_seconds <= 600:
            raise ConfigError(f"HEDGEHOG_OUTBOX_LEASE is '{lease}'; use a number of seconds from 0.2 to 600.")
        return cls(
            outbox_lease=lease_seconds,
            test_crash_at=get("HEDGEHOG_TEST_CRASH_AT"),
            data_dir=Path(data) if (data := get("HEDGEHOG_DATA_DIR")) else None,
            export_dir=Path(exports) if (exports := get("HEDGEHOG_EXPORT_DIR")) else None,
            homework_link_days=int(link_days),
            database_url=get("HEDGEHOG_DATABASE_URL"),
            dialogues_dir=Path(get("HEDGEHOG_DIALOGUES_DIR") or PROJECT_ROOT / "dialogues"),
            prompts_dir=Path(get("HEDGEHOG_PROMPTS_DIR") or PROJECT_ROOT / "prompts"),
            default_flow=get("HEDGEHOG_DEFAULT_FLOW") or "checkin",
            log_level=level.upper() if level else None,
            log_salt=get("HEDGEHOG_LOG_SALT"),
            telegram_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
        )
