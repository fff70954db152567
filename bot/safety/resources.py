"""Crisis resources per country, from `resources.yaml`: what /sos shows, and what the bot
shows whenever crisis language is noticed. Pure: no Telegram, no database.

The file is checked whole when it loads, so a typo fails at start-up with the file and the
problem in one sentence, never in front of a person in crisis.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

RESOURCES_FILE = Path(__file__).with_name("resources.yaml")
REQUIRED = ("US", "GB", "CA", "AU", "DE")  # countries every release must cover
ALIASES = {"UK": "GB"}  # common names that are not ISO 3166-1 codes

_CODE = re.compile(r"[A-Z]{2}")
_ENTRY_KEYS = {"name", "emergency", "crisis", "domestic_violence"}
_LINE_KEYS = {"name", "phone", "text", "url", "note"}


@dataclass(frozen=True, slots=True)
class Line:
    """One service: how to reach it by phone, text message or the web."""

    name: str
    phone: str | None = None
    text: str | None = None  # what to text and where, e.g. "START to 88788"
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything to show for one country."""

    country: str  # ISO 3166-1 alpha-2 code, or "default"
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
        problem = str(exc).splitlines()[0].rstrip(":")
        raise ConfigError(f"The crisis resources file {path} is not valid YAML: {problem}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The crisis resources file {path} must be a mapping of country codes to entries.")
    if not isinstance(data.get("reviewed"), datetime.date):
        raise ConfigError(
            f"The crisis resources file {path} needs `reviewed: YYYY-MM-DD`, the day every entry was last checked."
        )
    table: dict[str, Resources] = {}
    for code, entry in data.items():
        if code == "reviewed":
            continue
        if not isinstance(code, str) or not (code == "default" or _CODE.fullmatch(code)):
            raise ConfigError(
                f"The crisis resources file {path} has an entry '{code}': "
                "use an ISO 3166-1 code such as GB, or default."
            )
        table[code] = _entry(path, code, entry)
    missing = [code for code in ("default", *REQUIRED) if code not in table]
    if missing:
        raise ConfigError(f"The crisis resources file {path} has no entry for {', '.join(missing)}.")
    return table


def _entry(path: Path, code: str, entry: Any) -> Resources:
    def fail(problem: str) -> ConfigError:
        return ConfigError(f"In the crisis resources file {path}, entry '{code}' {problem}.")

    if not isinstance(entry, dict):
        raise fail("must be a mapping with name, emergency, crisis and domestic_violence")
    unknown = sorted(map(str, set(entry) - _ENTRY_KEYS))
    if unknown:
        raise fail(f"has unknown key(s) {', '.join(unknown)} (expected {', '.join(sorted(_ENTRY_KEYS))})")
    for key in ("name", "emergency"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise fail(f"needs '{key}' as text (in quotes if it is a number)")

    def lines(key: str) -> tuple[Line, ...]:
        items = entry.get(key)
        if not isinstance(items, list) or not items:
            raise fail(f"needs '{key}' as a list of at least one line")
        result = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise fail(f"has a '{key}' line without a name")
            name = item["name"]
            unknown = sorted(map(str, set(item) - _LINE_KEYS))
            if unknown:
                raise fail(f"has a '{key}' line ({name}) with unknown key(s) {', '.join(unknown)}")
            for field in ("phone", "text", "url", "note"):
                if field in item and not isinstance(item[field], str):
                    raise fail(f"has a '{key}' line ({name}) whose {field} is not quoted text")
            if not any(item.get(field) for field in ("phone", "text", "url")):
                raise fail(f"has a '{key}' line ({name}) with no phone, text or url")
            result.append(Line(name, item.get("phone"), item.get("text"), item.get("url"), item.get("note")))
        return tuple(result)

    return Resources(code, entry["name"], entry["emergency"], lines("crisis"), lines("domestic_violence"))


def resources_for(country: str | None, table: Mapping[str, Resources]) -> Resources:
    """The entry for `country` (any case; "UK" is GB), or the default one."""
    code = (country or "").strip().upper()
    code = ALIASES.get(code, code)
    return table.get(code) or table["default"]


# A bare language that, on its own, points at one country with its own entry. English,
# French or Spanish do not (spoken in many countries), so they fall back to the default.
_LANGUAGE_COUNTRY = {"de": "DE"}


def country_from_language(language_code: str | None) -> str | None:
    """The country in a language tag: Telegram's IETF tag ("en-US" -> "US", "fr-CA" -> "CA"),
    or a terminal's locale ("en_GB.UTF-8" -> "GB"). A bare language says nothing certain
    ("en" -> None), except German, taken for Germany."""
    if not language_code:
        return None
    tag = language_code.split(".", 1)[0].replace("_", "-")
    parts = [part for part in tag.split("-") if part]
    if not parts:
        return None
    for part in parts[1:]:  # the region subtag: two letters, after script or before variants
        if len(part) == 2 and part.isascii() and part.isalpha():
            return part.upper()
    return _LANGUAGE_COUNTRY.get(parts[0].lower())
