"""Crisis resources per country, from `resources.yaml`: what /sos shows, and what the bot
shows whenever crisis language is noticed. Pure: no Telegram, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

RESOURCES_FILE = Path(__file__).with_name("resources.yaml")
ALIASES = {"UK": "GB"}
REQUIRED = ("US", "GB", "CA", "AU", "DE")


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Resources:
    country: str  # ISO code, or "default"
    country_name: str
    emergency: str
    crisis: tuple[Line, ...]
    violence: tuple[Line, ...]


def load_resources(path: Path | None = None) -> dict[str, Resources]:
    """Every entry of the resources file, validated. Raises ConfigError naming the file."""
    path = path or RESOURCES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the crisis resources file {path}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"The crisis resources file {path} is not valid YAML: {str(exc).splitlines()[0]}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The crisis resources file {path} must be a mapping of country codes to entries.")
    table: dict[str, Resources] = {}
    for code, entry in data.items():
        if code == "reviewed":
            continue
        table[str(code)] = _entry(path, str(code), entry)
    missing = [c for c in ("default", *REQUIRED) if c not in table]
    if missing:
        raise ConfigError(f"The crisis resources file {path} has no entry for {', '.join(missing)}.")
    return table


def _entry(path: Path, code: str, entry: Any) -> Resources:
    def fail(problem: str) -> ConfigError:
        return ConfigError(f"In the crisis resources file {path}, entry '{code}' {problem}.")

    if not isinstance(entry, dict):
        raise fail("must be a mapping")
    for key in ("name", "emergency", "crisis", "violence"):
        if not entry.get(key):
            raise fail(f"has no '{key}'")

    def lines(key: str) -> tuple[Line, ...]:
        items = entry[key]
        if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("name") for i in items):
            raise fail(f"needs '{key}' as a list of lines, each with a name")
        for item in items:
            if not any(item.get(k) for k in ("phone", "text", "url")):
                raise fail(f"has a '{key}' line ({item['name']}) with no phone, text or url")
        return tuple(
            Line(str(i["name"]), *(str(i[k]) if i.get(k) else None for k in ("phone", "text", "url", "note")))
            for i in items
        )

    return Resources(code, str(entry["name"]), str(entry["emergency"]), lines("crisis"), lines("violence"))


def resources_for(country: str | None, table: Mapping[str, Resources]) -> Resources:
    code = (country or "").strip().upper()
    code = ALIASES.get(code, code)
    return table.get(code) or table["default"]


def country_from_language(language: str | None) -> str | None:
    """The region of a language tag: Telegram's "en-US", a terminal's "en_GB.UTF-8".
    A bare language ("en", "de") says nothing certain about the country, except German,
    whose default is Germany."""
    if not language:
        return None
    tag = language.split(".", 1)[0].replace("_", "-")
    parts = tag.split("-")
    if len(parts) >= 2 and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1].upper()
    return {"de": "DE"}.get(parts[0].lower())
