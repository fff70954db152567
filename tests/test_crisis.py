"""Crisis language detection and the crisis resources: the phrase lists in tests/safety/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.safety.crisis import detect
from bot.safety.resources import REQUIRED, country_from_language, load_resources, resources_for

SAFETY = Path(__file__).parent / "safety"


def _lines(name: str) -> list[str]:
    return [line for line in (SAFETY / name).read_text().splitlines() if line.strip() and not line.startswith("#")]


POSITIVE = [tuple(line.split(" | ", 1)) for line in _lines("positive.txt")]
NEGATIVE = _lines("negative.txt")


def test_the_lists_are_long_enough_to_mean_something() -> None:
    assert len(POSITIVE) >= 100 and len(NEGATIVE) >= 100
    assert {category for category, _ in POSITIVE} == {"suicide", "self_harm", "partner_violence", "harm_others"}


@pytest.mark.parametrize(("category", "phrase"), POSITIVE, ids=[p for _, p in POSITIVE])
def test_crisis_language_is_noticed(category: str, phrase: str) -> None:
    signal = detect(phrase)
    assert signal is not None, phrase
    assert category in signal.categories


@pytest.mark.parametrize("phrase", NEGATIVE)
def test_everyday_relationship_talk_is_not_a_crisis(phrase: str) -> None:
    assert detect(phrase) is None


def test_a_crisis_sentence_buried_in_a_long_message_is_found() -> None:
    ordinary = "We argued about the weekend plans and then he went quiet for hours. " * 40
    assert detect(ordinary + "Honestly I want to die. " + ordinary) is not None


def test_the_shipped_resources_cover_every_required_country() -> None:
    table = load_resources()
    for code in ("default", *REQUIRED):
        entry = table[code]
        assert entry.emergency and entry.crisis and entry.violence
    assert resources_for("US", table).emergency == "911"
    assert resources_for("uk", table).country == "GB"
    assert resources_for(None, table).country == "default"
    assert resources_for("XX", table).country == "default"


@pytest.mark.parametrize(
    ("tag", "country"),
    [("en-US", "US"), ("en-GB", "GB"), ("en_AU.UTF-8", "AU"), ("fr-CA", "CA"), ("de", "DE"), ("en", None),
     (None, None)],
)
def test_the_country_is_taken_from_the_language_when_it_says_one(tag: str | None, country: str | None) -> None:
    assert country_from_language(tag) == country


def test_a_broken_resources_file_names_itself(tmp_path: Path) -> None:
    broken = tmp_path / "resources.yaml"
    broken.write_text("default:\n  name: x\n  emergency: '112'\n  crisis: []\n  violence: []\n")
    with pytest.raises(ConfigError, match=r"resources\.yaml"):
        load_resources(broken)


def test_detection_needs_neither_telegram_nor_the_database() -> None:
    code = ("import sys, bot.safety.crisis, bot.safety.resources;"
            "print([m for m in ('telegram', 'sqlalchemy') if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
