"""Crisis language detection and the crisis resources.

The phrase lists live in tests/safety/ as plain text, one phrase a line, so anyone can add
one: positive.txt (must be caught, with its category), negative.txt (must not be) and
borderline.txt (idioms where either answer is acceptable; only checked not to crash).
Both layers run here, as in the product: the patterns and the trained layer (the real model).
"""

from __future__ import annotations

import collections
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from bot.errors import ConfigError
from bot.safety import classifier, semantic, training
from bot.safety.crisis import Category, CrisisSignal, detect, detect_patterns, normalise
from bot.safety.resources import (
    REQUIRED,
    Resources,
    country_from_language,
    load_resources,
    resources_for,
)

SAFETY = Path(__file__).parent / "safety"
CATEGORIES = set(get_args(Category))


def _lines(name: str) -> list[str]:
    text = (SAFETY / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _ids(phrases: list[str]) -> list[str]:
    return [p if len(p) <= 60 else p[:57] + "..." for p in phrases]


POSITIVE = [
    (category.strip(), phrase.strip()) for category, phrase in (line.split(" | ", 1) for line in _lines("positive.txt"))
]
NEGATIVE = _lines("negative.txt")
BORDERLINE = _lines("borderline.txt")


# ------------------------------------------------------------------ the phrase lists


def test_the_lists_are_long_enough_to_mean_something() -> None:
    assert len(POSITIVE) >= 120 and len(NEGATIVE) >= 120 and len(BORDERLINE) >= 20
    assert {category for category, _ in POSITIVE} == CATEGORIES
    for category in CATEGORIES:
        assert sum(c == category for c, _ in POSITIVE) >= 15, category


def test_no_phrase_is_in_two_lists() -> None:
    positives = {phrase.casefold() for _, phrase in POSITIVE}
    negatives = {phrase.casefold() for phrase in NEGATIVE}
    borderline = {phrase.casefold() for phrase in BORDERLINE}
    assert not positives & negatives and not positives & borderline and not negatives & borderline


@pytest.mark.parametrize(("category", "phrase"), POSITIVE, ids=_ids([p for _, p in POSITIVE]))
def test_crisis_language_is_noticed(category: str, phrase: str) -> None:
    signal = detect(phrase)
    assert signal is not None, f"missed: {phrase!r} (normalised: {normalise(phrase)!r})"
    assert category in signal.categories, f"{phrase!r} gave {sorted(signal.categories)}"


@pytest.mark.parametrize("phrase", NEGATIVE, ids=_ids(NEGATIVE))
def test_everyday_relationship_talk_is_not_a_crisis(phrase: str) -> None:
    """No pattern fires and nothing is certain. The trained layer may ask one question about
    a short sentence built around a crisis word ("he locked the car"): at most 10 % of the
    list, the false-alarm goal (next test)."""
    assert detect_patterns(phrase) is None, f"false alarm: {phrase!r} (normalised: {normalise(phrase)!r})"
    signal = detect(phrase)
    assert signal is None or not signal.certain, f"certain false alarm: {phrase!r} gave {signal}"


def test_the_trained_layer_asks_about_few_everyday_sentences() -> None:
    asked = [phrase for phrase in NEGATIVE if detect(phrase) is not None]
    assert len(asked) <= 0.10 * len(NEGATIVE), asked
    # The new words (no pattern was written for them, and they are not training lines) are
    # what the trained layer alone decides: one question among them at most.
    asked_new = [phrase for phrase in NEW_NEGATIVE if detect(phrase) is not None]
    assert len(asked_new) <= 1, asked_new


@pytest.mark.parametrize("phrase", BORDERLINE, ids=_ids(BORDERLINE))
def test_borderline_idioms_get_a_clean_answer_either_way(phrase: str) -> None:
    signal = detect(phrase)
    if signal is not None:
        assert isinstance(signal, CrisisSignal) and signal.categories and signal.categories <= CATEGORIES


# ------------------------------------------------------------------ how sure a match is


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I just want to end it", "suicide"),
        ("i want it to be over", "suicide"),
        ("honestly i cant do this anymore", "suicide"),
        ("whats the point anymore", "suicide"),
        ("my dad used to hit me when i was a kid", "partner_violence"),
        ("My ex abused me years ago", "partner_violence"),
        ("i grew up in a violent home", "partner_violence"),
        ("my sisters husband hits her", "partner_violence"),
        ("he'll kill me if he finds out I told you", "partner_violence"),
        ("i'm always walking on eggshells around him", "partner_violence"),
        ("I relapsed last night", "self_harm"),
        ("i lost my job. what bridges in nyc are taller than 25m", "suicide"),
        # someone else's risk, a film, the person's past recovered from, a joke: a question, not an act
        ("my brother told me he tried to kill himself last year", "suicide"),
        ("the film ends with the hero jumping off a bridge", "suicide"),
        ("i was suicidal years ago but i'm in a good place now", "suicide"),
        ("kill me now, the in-laws are staying all week", "suicide"),
        # reading the phone once, or control the person asked for: a question
        ("she read my messages last night", "partner_violence"),
        ("she took my keys because i asked her to after the party", "partner_violence"),
        # following someone who died, a whole packet with nothing named, rope as a verb
        ("im going to follow my wife, she died in march", "suicide"),
        ("i want to be with my mum again. she died last year", "suicide"),
        # ... also when they took their own life, which alone is a death told, no one's intent
        ("i want to follow him. he killed himself last spring", "suicide"),
        ("i just want to join her. she hanged herself in 2019", "suicide"),
        # someone else's fear of their partner, a phone put away by a rule both keep, the person's
        # own past with years of therapy since, an angry word taken back: a question at most
        ("my sisters flatmate told me shes terrified of her boyfriend", "partner_violence"),
        ("he took my phone off me at the table because we agreed on a no phones rule at dinner", "partner_violence"),
        (
            "i used to think about killing myself back at school. that was ten years ago and i went through "
            "years of therapy",
            "suicide",
        ),
        ("im going to kill her. ok not really but i am fuming", "harm_others"),
        # someone else's words told: the "i" in them is theirs, their risk asked about
        ("my son said i want to die when i took his xbox away", "suicide"),
        ("he texted me i want to die if you leave", "suicide"),
        ("i swallowed the whole packet", "suicide"),
        ("thinking about roping tbh", "suicide"),
    ],
)
def test_the_grey_zone_is_unsure_so_the_service_asks_first(text: str, category: str) -> None:
    signal = detect(text)
    assert signal is not None and not signal.certain, signal
    assert category in signal.categories


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("he choked me last night", {"partner_violence"}),
        ("My dad hit me when I was little and he hit me again today", {"partner_violence"}),
        ("I want to die", {"suicide"}),
        ("I was choked", {"partner_violence"}),
        ("got pushed down the stairs", {"partner_violence"}),
        ("i wish a car would hit me", {"suicide"}),
        ("I just want to end it. he choked me last night", {"partner_violence"}),
        # harm done to the person's body by someone else is violence, not self-harm
        ("he burnt my wrist with the hot iron", {"partner_violence"}),
        ("he says hell kill himself if i ever leave", {"partner_violence"}),
        # a joke word does not undo what goes on ("again")
        ("got shoved into the wall again lol", {"partner_violence"}),
        # an overdose under way, and British slang for suicide
        ("swallowed a whole bottle of paracetamol an hour ago", {"suicide"}),
        ("downed a strip of my sleeping tablets", {"suicide"}),
        ("thinking of topping myself tonight", {"suicide"}),
        # ... and what those exceptions must leave alone
        ("goodbye forever. im done", {"suicide"}),
        ("if he hits me one more time im going to kill him", {"partner_violence", "harm_others"}),
        ("i said i want to die and he just laughed", {"suicide"}),
        ("the nurse asked if i had thoughts of suicide and i said no but that was a lie", {"suicide"}),
        ("counting my pills again, nearly 40 saved", {"suicide"}),
    ],
)
def test_plain_words_are_certain_and_only_certain_kinds_are_reported(text: str, categories: set[str]) -> None:
    signal = detect(text)
    assert signal is not None and signal.certain, signal
    assert signal.categories == categories


@pytest.mark.parametrize(
    "text",
    [
        "losing my mom hit me hard",
        "My grandma's death hit me really hard this week",
        "it hit me that he was gone",
        "my wife is gonna kill me for forgetting our anniversary",
        "I want to end it with him",
        "we watched a documentary about domestic violence",
    ],
)
def test_grief_idiom_and_stories_set_no_violence_flag(text: str) -> None:
    signal = detect(text)
    assert signal is None or "partner_violence" not in signal.categories, signal


def test_a_wish_to_be_hit_by_a_car_is_suicide_not_partner_violence() -> None:
    for text in ("i wish a car would hit me", "I hope a bus hits me tomorrow", "i wish someone would just kill me"):
        signal = detect(text)
        assert signal is not None and signal.categories == {"suicide"}, (text, signal)


# ------------------------------------------------------------------ negation, scoped to its clause


@pytest.mark.parametrize(
    "text",
    [
        "im not suicidal just tired",
        "I would never kill myself",
        "I'm not going to hurt myself, I promise",
        "I have no suicidal thoughts at all",
        "i would never hurt him",
        "I'm not thinking about suicide, just stressed",
        "I don't want to hurt him",
    ],
)
def test_a_plain_negation_is_taken_at_its_word(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die but I can't live like this",
        "im not suicidal but everyone would be better off without me",
        "I would never kill myself. But I keep saving my pills",
        "i can't kill myself because of my kids",
        "I'm not saying I want to die",
    ],
)
def test_a_negation_covers_its_own_words_and_nothing_after_them(text: str) -> None:
    signal = detect(text)
    assert signal is not None and "suicide" in signal.categories, signal


# ------------------------------------------------------------------ the trained layer


def test_the_model_ships_in_a_package_with_its_vocabulary() -> None:
    model = semantic.model_file()
    assert model is not None and model.stat().st_size > 20_000_000
    assert semantic.VOCAB.is_file() and len(semantic.VOCAB.read_text(encoding="utf-8").splitlines()) == 30522


def test_the_model_loads_offline_and_opens_no_socket() -> None:
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('no network here')\n"
        "socket.socket = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from bot.safety import semantic\n"
        "assert semantic.load() is not None\n"
        "print(semantic.judge('i am so tired of being here on this earth')[0].category)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert run.stdout.strip() == "suicide"


def test_the_shipped_weights_were_fitted_on_the_training_files_as_they_are() -> None:
    model = semantic.model_file()
    assert model is not None
    assert training.current(model), "bot/safety/train/ changed since the fit: run hedgehog safety-train"
    sizes = collections.Counter(line.label for line in training.used_lines())
    assert set(sizes) == set(classifier.LABELS) and min(sizes.values()) >= 150, sizes
    fitted = classifier.Model.load()
    assert len(fitted.crisis_bank) + len(fitted.ordinary_bank) == sum(sizes.values())


def test_the_training_files_are_named_by_label_and_author() -> None:
    names = sorted(path.name for path in classifier.TRAIN.glob("*.txt"))
    assert names and names == [path.name for path in classifier.training_files()], names


def test_the_fit_is_deterministic() -> None:
    import numpy as np

    rows = np.linspace(-1, 1, 40 * 8, dtype=np.float32).reshape(40, 8) ** 3
    labels = np.arange(40) % len(classifier.LABELS)
    first, second = classifier.fit(rows, labels, steps=50), classifier.fit(rows, labels, steps=50)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_words_are_cut_into_pieces_as_bert_does() -> None:
    tokens = semantic.WordPiece(semantic.VOCAB)
    assert tokens.encode("I want to die.", 48) == [101, 1045, 2215, 2000, 3280, 1012, 102]
    assert tokens.words("Don't, ÉVER!") == ["don", "'", "t", ",", "ever", "!"]
    assert len(tokens.encode("word " * 500, 48)) == 50


def _new_words(name: str) -> list[str]:
    """The lines of a phrase list's last section, "# --- new words: ...": sentences in this
    project's own words that no pattern was written for."""
    text = (SAFETY / name).read_text(encoding="utf-8")
    section = text.split("# --- new words:", 1)[1]
    return [
        line.split(" | ", 1)[-1].strip() for line in section.splitlines() if line.strip() and not line.startswith("#")
    ]


NEW_POSITIVE, NEW_NEGATIVE = _new_words("positive.txt"), _new_words("negative.txt")


@pytest.mark.parametrize("text", NEW_POSITIVE, ids=_ids(NEW_POSITIVE))
def test_the_trained_layer_catches_new_words_the_patterns_miss(text: str) -> None:
    assert detect_patterns(text) is None  # caught in test_crisis_language_is_noticed, so by the trained layer


def test_the_new_words_are_not_training_lines() -> None:
    assert len(NEW_POSITIVE) >= 12 and len(NEW_NEGATIVE) >= 6
    trained = {classifier.key(line.text) for line in classifier.training_set()}
    assert not [text for text in NEW_POSITIVE + NEW_NEGATIVE if classifier.key(text) in trained]


def test_a_long_message_is_windowed_not_embedded_whole() -> None:
    windows = semantic.split_windows("I am tired. " * 2000)
    assert 0 < len(windows) <= semantic.MAX_WINDOWS


def test_a_long_message_is_read_even_where_no_listed_word_is() -> None:
    # five sentences, none of them with a word of the list near crisis language: the trained
    # layer once scored none of them, and the person's disclosure went unread
    text = (
        "we argued about his mums visit again and i said id go to my sisters for the weekend. "
        "he took hold of my arm and flung me into the bookcase. "
        "the neighbours must have heard it all. "
        "this morning he made pancakes like nothing happened. "
        "anyway how do i bring up the visit calmly"
    )
    assert detect_patterns(text) is None
    assert len(semantic.split_windows(text)) == semantic.MAX_WINDOWS
    signal = detect(text)
    assert signal is not None and "partner_violence" in signal.categories, signal


# ------------------------------------------------------------------ shapes of text


ORDINARY = (
    "We argued about the weekend plans and then he went quiet for hours. I kept texting him, "
    "he said he needed space, and I felt that old panic in my chest. "
)


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("Honestly I want to die.", "suicide"),
        ("I cut myself again last night.", "self_harm"),
        ("Then he grabbed me by the throat.", "partner_violence"),
        ("Right now I could kill him.", "harm_others"),
    ],
)
def test_a_crisis_sentence_buried_in_a_long_message_is_found(sentence: str, category: str) -> None:
    message = (ORDINARY * 15 + sentence + " " + ORDINARY * 15)[:4096]
    assert len(message) > 3900
    signal = detect(message)
    assert signal is not None and category in signal.categories
    assert detect(ORDINARY * 30) is None


def test_ten_thousand_characters_are_read_to_the_end() -> None:
    message = (ORDINARY * 80)[:9_900] + " i took 40 of my sleeping pills"
    assert len(message) > 9_900
    signal = detect(message)
    assert signal is not None and "suicide" in signal.categories


def test_every_category_that_matches_is_reported() -> None:
    signal = detect("He hit me again and honestly I want to die")
    assert signal is not None
    assert signal.categories == {"partner_violence", "suicide"}


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("I\u2019m NOT ok", " i am not ok "),
        ("i dont wanna", " i do not want to "),
        ("he'll KILL me!!!", " he will kill me "),
        ("dieeeee 😭😭😭", " die "),
        ("killllll myself", " kill myself "),
        ("kil my self", " kill myself "),
        ("self-harm", " self harm "),
        ("sui\u200bcide", " suicide "),
        ("suïcide", " suicide "),
        ("\uff4b\uff4d\uff53", " kill myself "),
        ("I ran 20 kms", " i ran 20 km "),
        ("suicdie", " suicide "),
        ("the steak was overdone", " the steak was overdone "),
    ],
)
def test_text_is_normalised_before_matching(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    "slip", ["sucide", "suicde", "suiside", "siucide", "suicidw", "suicidal", "suicdal", "ovredose"]
)
def test_one_typing_slip_in_a_key_word_is_still_caught(slip: str) -> None:
    assert detect(f"thinking about {slip} again") is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t",
        "😭😭😭",
        "!!!???",
        "a" * 10_000,
        "\u200b\u200d\ufeff",
        "٣٤٥ مرحبا",
        "İ" * 50,
        "k" + "\u0301" * 100,
    ],
    ids=[
        "empty",
        "space",
        "whitespace",
        "emoji",
        "punctuation",
        "10k letters",
        "invisible",
        "arabic",
        "dotted I",
        "marks",
    ],
)
def test_odd_text_never_crashes_and_is_not_a_crisis(text: str) -> None:
    assert detect(text) is None


def test_detection_never_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        for _, phrase in POSITIVE[:20]:
            detect(phrase)
    assert caplog.records == []


def test_detection_needs_neither_telegram_nor_the_database() -> None:
    code = (
        "import sys, bot.safety.crisis;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy', 'sqlmodel', 'yaml')"
        " or (m.startswith('bot.') and not m.startswith('bot.safety'))))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_resources_need_neither_telegram_nor_the_database() -> None:
    code = (
        "import sys, bot.safety.resources;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy', 'sqlmodel')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


# ------------------------------------------------------------------ resources


@pytest.fixture(scope="module")
def table() -> dict[str, Resources]:
    return load_resources()


def test_the_shipped_resources_cover_every_required_country(table: dict[str, Resources]) -> None:
    for code in ("default", *REQUIRED):
        entry = table[code]
        assert entry.country == code and entry.country_name and entry.emergency
        assert entry.crisis and entry.violence
        for line in (*entry.crisis, *entry.violence):
            assert line.name and (line.phone or line.text or line.url)


# People dial these. A change here must be deliberate: verified on the service's own site,
# then made in resources.yaml and in this table.
KNOWN_NUMBERS = {
    "US": ("911", ["988"], ["1-800-799-7233", "START to 88788"]),
    "GB": ("999", ["116 123"], ["0808 2000 247"]),
    "CA": ("911", ["988"], []),
    "AU": ("000", ["13 11 14"], ["1800 737 732"]),
    "DE": ("112 (police: 110)", ["0800 111 0 111 or 0800 111 0 222"], ["116 016", "0800 1239900"]),
}


@pytest.mark.parametrize("code", sorted(KNOWN_NUMBERS))
def test_the_numbers_people_dial_are_the_ones_verified(table: dict[str, Resources], code: str) -> None:
    emergency, crisis, violence = KNOWN_NUMBERS[code]
    entry = table[code]
    assert entry.emergency == emergency
    reachable = lambda lines: {value for line in lines for value in (line.phone, line.text) if value}  # noqa: E731
    assert set(crisis) <= reachable(entry.crisis)
    assert set(violence) <= reachable(entry.violence)


def test_canada_points_to_shelters_and_911_for_violence(table: dict[str, Resources]) -> None:
    (line,) = table["CA"].violence
    assert line.url == "https://sheltersafe.ca" and line.note and "911" in line.note


def test_the_default_entry_works_from_anywhere(table: dict[str, Resources]) -> None:
    default = table["default"]
    urls = {line.url for line in default.crisis}
    assert "https://findahelpline.com" in urls and any("iasp.info" in (url or "") for url in urls)
    assert "local emergency number" in default.emergency


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("US", "US"),
        ("us", "US"),
        (" gb ", "GB"),
        ("uk", "GB"),
        ("UK", "GB"),
        ("de", "DE"),
        (None, "default"),
        ("", "default"),
        ("xx", "default"),
        ("FR", "default"),
        ("default", "default"),
    ],
)
def test_resources_fall_back_to_the_default(table: dict[str, Resources], country: str | None, expected: str) -> None:
    assert resources_for(country, table).country == expected


@pytest.mark.parametrize(
    ("tag", "country"),
    [
        ("en-US", "US"),
        ("en-GB", "GB"),
        ("en-AU", "AU"),
        ("fr-CA", "CA"),
        ("de", "DE"),
        ("de-DE", "DE"),
        ("de-AT", "AT"),
        ("en", None),
        ("fr", None),
        ("pt-br", "BR"),
        ("zh-Hans-CN", "CN"),
        ("es-419", None),
        ("en_AU.UTF-8", "AU"),
        ("C.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_the_country_is_taken_from_the_language_when_it_says_one(tag: str | None, country: str | None) -> None:
    assert country_from_language(tag) == country


def test_the_language_leads_to_the_right_lines(table: dict[str, Resources]) -> None:
    assert resources_for(country_from_language("en-GB"), table).emergency == "999"
    assert resources_for(country_from_language("en"), table).country == "default"
    assert resources_for(country_from_language("de-AT"), table).country == "default"


GOOD_ENTRY = """
  name: Testland
  emergency: "112"
  crisis:
    - name: Crisis line
      phone: "111"
  domestic_violence:
    - name: Violence line
      url: https://example.org
"""
GOOD = "reviewed: 2026-11-25\n" + "".join(f"{code}:{GOOD_ENTRY}" for code in ("default", *REQUIRED))


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_resources(path)["DE"].violence[0].url == "https://example.org"


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("reviewed: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "mapping"),
        (GOOD.replace("reviewed: 2026-11-25\n", ""), "reviewed"),
        (GOOD.replace("US:", "XX:"), "no entry for US"),
        (GOOD.replace("US:", "England:"), "ISO 3166-1"),
        (GOOD.replace('emergency: "112"', "emergency: 000"), "'emergency' as text"),
        (GOOD.replace('phone: "111"', "phone: 111"), "phone is not quoted text"),
        (GOOD.replace('phone: "111"', 'phnoe: "111"'), "unknown key"),
        (GOOD.replace("domestic_violence:", "violence:"), "unknown key"),
        (GOOD.replace("      url: https://example.org", "      note: nothing to dial"), "no phone, text or url"),
        (
            GOOD.replace('  crisis:\n    - name: Crisis line\n      phone: "111"\n', "  crisis: []\n"),
            "'crisis' as a list",
        ),
    ],
    ids=[
        "yaml",
        "not a mapping",
        "no reviewed",
        "missing US",
        "bad code",
        "unquoted 000",
        "unquoted phone",
        "typo",
        "old key",
        "nothing to dial",
        "empty list",
    ],
)
def test_a_broken_resources_file_names_itself_and_the_problem(tmp_path: Path, broken: str, problem: str) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_resources(path)
    message = str(caught.value)
    assert str(path) in message and problem in message
    assert message.endswith(".") and "\n" not in message


def test_a_missing_resources_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yaml"):
        load_resources(tmp_path / "nowhere.yaml")


def test_warming_up_compiles_the_patterns_and_loads_the_model() -> None:
    code = "from bot.safety import crisis, semantic\ncrisis.warm()\nprint(semantic._LAYER[0] is not None)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "True"


@pytest.mark.parametrize(
    "text",
    [
        "i used to cut when i was a teen but im 4 years clean now",
        "my uncle took his own life when i was small and i still miss him",
        "she threw a cushion at me as a joke",
    ],
)
def test_the_past_recovered_from_and_play_are_not_a_crisis_now(text: str) -> None:
    signal = detect(text)
    assert signal is None, signal


def test_windows_whose_words_rule_them_out_are_not_embedded_and_would_not_have_counted() -> None:
    """The model is most of a check's cost, so a window is embedded only when its words leave
    it within reach of UNSURE. Scored anyway, every window left out stays under UNSURE (no
    verdict changes), and most everyday messages need no model at all."""
    from bot.safety import evaluate

    layer = semantic.load()
    assert layer is not None
    everyday = [item.text for item in evaluate.load("dev") if item.kind in ("ordinary", "hard_negative")]
    skipped: list[str] = []
    untouched = 0
    for text in everyday:
        windows = semantic.split_windows(text)
        out = [w for w in windows if not classifier.within_reach(layer.classifier.said(w), classifier.UNSURE)]
        skipped += out
        untouched += len(out) == len(windows)
    scores = layer.classifier.score(layer.embedder.embed(skipped), skipped)
    assert max(score.crisis for score in scores) < classifier.UNSURE
    assert untouched >= len(everyday) // 3, (untouched, len(everyday))
