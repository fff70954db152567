"""Settings: read once from the environment and an optional `.env` file, nowhere else.

| variable                 | default                                   | meaning                            |
|--------------------------|-------------------------------------------|------------------------------------|
| HEDGEHOG_DATABASE_URL    | SQLite under HEDGEHOG_DATA_DIR / XDG dir  | sqlite:///path or postgresql://... |
| HEDGEHOG_DATA_DIR        | $XDG_DATA_HOME/hedgehog (~/.local/share)  | where the default SQLite file goes |
| HEDGEHOG_EXPORT_DIR      | HEDGEHOG_DATA_DIR/exports (made 0700)     | where `hedgehog chat` saves /export |
| HEDGEHOG_CACHE_DIR       | $XDG_CACHE_HOME/hedgehog (~/.cache)       | checked flows kept; `off`: none    |
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
| HEDGEHOG_LOG_FORMAT      | text                                      | `text` (key=value) or `json` lines |
| HEDGEHOG_HEALTH_PORT     | (none)                                    | /healthz /readyz /metrics port     |
| HEDGEHOG_HEALTH_HOST     | 127.0.0.1                                 | where that port listens            |
| HEDGEHOG_DRAIN_GRACE     | 0                                         | s after SIGTERM still taking hooks |
| HEDGEHOG_DRAIN_TIMEOUT   | 25                                        | s to finish updates in flight      |
| HEDGEHOG_SEND_RATE       | 30                                        | messages/s per bot, all replicas   |
| HEDGEHOG_FOLLOWUP_INTERVAL | 30                                      | s between looks for due follow-ups |
| HEDGEHOG_FOLLOWUP_LEASE  | 120                                       | s a replica holds a due batch      |

Values in the environment win over `.env`. Secrets are kept out of `repr`. A secret may
come from a file instead (Docker and Kubernetes secrets): `TELEGRAM_BOT_TOKEN_FILE`,
`TELEGRAM_WEBHOOK_SECRET_FILE`, `HEDGEHOG_DATABASE_URL_FILE` (it holds the password) and
`HEDGEHOG_LOG_SALT_FILE` name a file whose contents (less the final newline) are the value;
setting both a variable and its `_FILE` is refused as ambiguous.
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
    database_url: str | None = field(default=None, repr=False)  # may hold a password
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
    log_format: str = "text"  # "text": key=value; "json": one JSON object a line
    health_host: str = "127.0.0.1"
    health_port: int | None = None  # a side port for /healthz, /readyz and /metrics
    drain_grace: float = 0.0  # seconds after SIGTERM the webhook still takes updates (a proxy's health interval)
    drain_timeout: float = 25.0  # seconds to wait for updates in flight before stopping anyway
    send_rate: float = 30.0  # messages a second Telegram takes from the bot, all replicas together
    followup_interval: float = 30.0  # seconds between looks for due follow-ups (none due at the last)
    followup_lease: float = 120.0  # seconds a batch of due follow-ups is one replica's (a dead one's come back then)
    data_dir: Path | None = None  # None: $XDG_DATA_HOME/hedgehog, as the default database
    export_dir: Path | None = None  # None: a private folder "exports" in the data folder
    cache_dir: Path | None = None  # checked flows kept between starts; None: none (`load` picks the XDG one)

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

        def secret(name: str) -> str | None:
            """`name`, or the contents of the file `name_FILE` names (a Docker secret)."""
            path = get(f"{name}_FILE")
            if path is None:
                return get(name)
            if get(name) is not None:
                raise ConfigError(f"Both {name} and {name}_FILE are set; keep one of them.")
            try:
                value = Path(path).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or "not UTF-8 text"
                raise ConfigError(f"Cannot read {name}_FILE at {path} ({reason}).") from None
            if not value:
                raise ConfigError(f"{name}_FILE names {path}, which is empty.")
            return value

        def seconds(name: str, default: str, low: float, high: float) -> float:
            text = get(name) or default
            try:
                value = float(text)
            except ValueError:
                value = -1.0
            if not low <= value <= high:
                raise ConfigError(f"{name} is '{text}'; use a number of seconds from {low:g} to {high:g}.")
            return value

        def rate(name: str, default: str) -> float:
            text = get(name) or default
            try:
                value = float(text)
            except ValueError:
                value = -1.0
            if not 0.1 <= value <= 10_000:
                raise ConfigError(f"{name} is '{text}'; use messages a second from 0.1 to 10000 (Telegram allows 30).")
            return value

        log_format = (get("HEDGEHOG_LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            raise ConfigError(f"HEDGEHOG_LOG_FORMAT is '{log_format}'; use text or json.")
        health_port = get("HEDGEHOG_HEALTH_PORT")
        if health_port is not None and not (health_port.isdigit() and 0 < int(health_port) < 65536):
            raise ConfigError(f"HEDGEHOG_HEALTH_PORT is '{health_port}'; use a port number from 1 to 65535.")

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
            log_format=log_format,
            health_host=get("HEDGEHOG_HEALTH_HOST") or "127.0.0.1",
            health_port=int(health_port) if health_port is not None else None,
            drain_grace=seconds("HEDGEHOG_DRAIN_GRACE", "0", 0, 120),
            drain_timeout=seconds("HEDGEHOG_DRAIN_TIMEOUT", "25", 0, 600),
            send_rate=rate("HEDGEHOG_SEND_RATE", "30"),
            followup_interval=seconds("HEDGEHOG_FOLLOWUP_INTERVAL", "30", 0.1, 3600),
            followup_lease=seconds("HEDGEHOG_FOLLOWUP_LEASE", "120", 1, 3600),
            outbox_lease=lease_seconds,
            test_crash_at=get("HEDGEHOG_TEST_CRASH_AT"),
            data_dir=Path(data) if (data := get("HEDGEHOG_DATA_DIR")) else None,
            export_dir=Path(exports) if (exports := get("HEDGEHOG_EXPORT_DIR")) else None,
            cache_dir=_cache_dir(get("HEDGEHOG_CACHE_DIR")),
            homework_link_days=int(link_days),
            database_url=secret("HEDGEHOG_DATABASE_URL"),
            dialogues_dir=Path(get("HEDGEHOG_DIALOGUES_DIR") or PROJECT_ROOT / "dialogues"),
            prompts_dir=Path(get("HEDGEHOG_PROMPTS_DIR") or PROJECT_ROOT / "prompts"),
            default_flow=get("HEDGEHOG_DEFAULT_FLOW") or "checkin",
            log_level=level.upper() if level else None,
            log_salt=secret("HEDGEHOG_LOG_SALT"),
            telegram_token=secret("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
            telegram_webhook_secret=secret("TELEGRAM_WEBHOOK_SECRET"),
        )


def _cache_dir(setting: str | None) -> Path | None:
    """HEDGEHOG_CACHE_DIR, `off` for none, else $XDG_CACHE_HOME/hedgehog (~/.cache/hedgehog)."""
    if setting is not None and setting.strip().lower() in ("off", "none", "0"):
        return None
    if setting:
        return Path(setting)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(xdg) / "hedgehog" if xdg else Path.home() / ".cache" / "hedgehog"
