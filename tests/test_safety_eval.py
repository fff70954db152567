"""The safety evaluation set (tests/safety/eval/) and `hedgehog safety-eval`.

These tests check the set itself and the command that scores the detector on it. They never
assert recall: the detector is being rewritten, and its floor is set elsewhere. No test here
prints or compares held-out words except to prove they stay out of places they must not be.
"""

from __future__ import annotations

import collections
import difflib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.errors import EvalSetError
from bot.safety import classifier, evaluate, training
from bot.safety.crisis import CrisisSignal, detect
from bot.safety.evaluate import CRISIS, EXPECTED, ORDINARY, VIOLENCE, Item

EVAL = PROJECT_ROOT / "tests" / "safety" / "eval"
PATTERN_FILES = sorted((PROJECT_ROOT / "tests" / "safety").glob("*.txt"))


PARTS = evaluate.parts()
HELD_OUT = tuple(part for part in PARTS if evaluate.held_out(part))


@pytest.fixture(scope="module")
def parts() -> dict[str, list[Item]]:
    return {part: evaluate.load(part) for part in PARTS}


def every(parts: dict[str, list[Item]]) -> list[Item]:
    return [item for items in parts.values() for item in items]


def held(parts: dict[str, list[Item]]) -> list[Item]:
    return [item for part in HELD_OUT for item in parts[part]]


def test_the_parts_are_found_by_file_name_dev_first(tmp_path: Path) -> None:
    assert PARTS[0] == "dev" and "heldout" in HELD_OUT
    for name in ("heldout2", "dev", "heldout", "notes"):
        (tmp_path / f"{name}.tsv").write_text("not read\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("", encoding="utf-8")
    assert evaluate.parts(tmp_path) == ("dev", "heldout", "heldout2", "notes")
    assert [evaluate.held_out(name) for name in evaluate.parts(tmp_path)] == [False, True, True, False]


def key(text: str) -> str:
    """Casefolded words only: 'I'm DONE!!' and 'im done' are the same sentence."""
    return " ".join(re.findall(r"\w+", text.casefold().replace("'", "").replace("\u2019", "")))


def count(items: list[Item], kinds: tuple[str, ...]) -> int:
    return sum(item.kind in kinds for item in items)


def test_the_set_has_the_sizes_the_issue_asks_for(parts: dict[str, list[Item]]) -> None:
    everything = every(parts)
    assert count(everything, CRISIS) >= 300
    assert count(everything, VIOLENCE) >= 120
    assert count(everything, ORDINARY) >= 400
    assert count(everything, ("hard_negative",)) >= 150


def test_every_class_is_in_both_parts_and_the_split_is_about_45_to_55(parts: dict[str, list[Item]]) -> None:
    for part, items in parts.items():
        present = collections.Counter(item.kind for item in items)
        missing = [kind for kind in EXPECTED if present[kind] == 0]
        assert not missing, f"{part}.tsv has no item of {missing}"
    # dev against the first held-out part (later held-out parts are fresh ones, added whole)
    share = len(parts["dev"]) / (len(parts["dev"]) + len(parts["heldout"]))
    assert 0.40 <= share <= 0.50, f"dev is {share:.0%} of dev and heldout"
    # Each part on its own is big enough for its figures to mean something.
    for items in parts.values():
        assert count(items, CRISIS) >= 120 and count(items, VIOLENCE) >= 50 and count(items, ORDINARY) >= 150


def test_every_item_names_its_source(parts: dict[str, list[Item]]) -> None:
    for item in every(parts):
        assert item.source.strip(), item.where
        if item.kind == "hard_negative":
            assert item.source.startswith("hard negative: "), item.where
        elif item.kind in CRISIS or item.kind in VIOLENCE:
            assert not item.source.startswith(("hard negative", "everyday")), item.where


def pattern_file_texts() -> list[str]:
    """The sentences of tests/safety/*.txt (the detector's own example files)."""
    texts = []
    for path in PATTERN_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            category, bar, text = line.partition(" | ")
            texts.append(text if bar and category.replace("_", "").isalpha() else line)
    return texts


def test_no_item_is_in_both_parts_twice_in_one_or_in_the_pattern_files(parts: dict[str, list[Item]]) -> None:
    assert PATTERN_FILES, "tests/safety/*.txt not found"
    seen: dict[str, str] = {}
    for item in every(parts):
        assert key(item.text) not in seen, f"{item.where} repeats {seen[key(item.text)]}"
        seen[key(item.text)] = item.where
    copied = sorted({seen[key(text)] for text in pattern_file_texts() if key(text) in seen})
    assert not copied, (
        f"{len(copied)} evaluation item(s) also in tests/safety/*.txt ({', '.join(copied[:5])}): "
        "write the pattern example in other words, and never copy a held-out item"
    )


def test_no_training_line_of_the_classifier_is_an_evaluation_item(parts: dict[str, list[Item]]) -> None:
    """The trained layer never learns an evaluation item by heart: the fit leaves out any
    training line equal to one (the writers wrote independently, so a few short sentences
    coincide), and the project's own training files hold none. Only counts are shown."""
    items = {key(item.text) for item in every(parts)}
    used = sum(key(line.text) in items for line in training.used_lines())
    assert used == 0, f"{used} training line(s) the weights were fitted on equal an evaluation item"
    core = sum(key(line.text) in items for line in classifier.training_set() if line.author == "core")
    assert core == 0, f"{core} line(s) of bot/safety/train/*.core.txt equal an evaluation item: write new words"
    assert all(classifier.key(line.text) == key(line.text) for line in classifier.training_set()[:50])


def test_held_out_items_are_not_near_copies_of_dev_items(parts: dict[str, list[Item]]) -> None:
    """The held-out part says how the detector does on words it was not tuned on: a held-out
    sentence that differs from a dev one by a word or two would say nothing new."""
    dev = [(key(item.text), item.where) for item in parts["dev"]]
    close = []
    for item in held(parts):
        text = key(item.text)
        matcher = difflib.SequenceMatcher(None, b=text)
        for other, where in dev:
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() > 0.85 and matcher.quick_ratio() > 0.85 and matcher.ratio() > 0.85:
                close.append(f"{item.where}~{where}")
    assert not close, close


def test_the_files_have_a_header_three_columns_and_no_odd_characters() -> None:
    for path in (EVAL / f"{part}.tsv" for part in PARTS):
        raw = path.read_bytes()
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf"), path.name
        lines = raw.decode("utf-8").splitlines()
        assert lines[0] == "class\ttext\tsource"
        for number, line in enumerate(lines[1:], start=2):
            assert line.count("\t") == 2, f"{path.name}:{number}"
            text = line.split("\t")[1]
            assert 3 <= len(text) <= 300, f"{path.name}:{number}"
            assert text == text.strip() and "  " not in text, f"{path.name}:{number}"
            odd = [c for c in text if unicodedata.category(c)[0] == "C" or c == "\ufffd"]
            assert not odd, f"{path.name}:{number}: {[f'U+{ord(c):04X}' for c in odd]}"


def test_the_items_are_written_as_people_type(parts: dict[str, list[Item]]) -> None:
    items = every(parts)
    texts = [item.text for item in items]
    lower = sum(text == text.lower() for text in texts)
    no_full_stop = sum(not text.endswith((".", "!", "?")) for text in texts)
    no_apostrophe = sum(bool(re.search(r"\b(?:im|dont|cant|wont|ive|didnt|doesnt|hes|shes)\b", t)) for t in texts)
    emoji = sum(any(unicodedata.category(c) == "So" for c in text) for text in texts)
    assert lower / len(texts) > 0.8 and no_full_stop / len(texts) > 0.8
    assert no_apostrophe >= 60 and emoji >= 10
    # Inflections and passive forms are there, not one phrasing of each idea.
    joined = " ".join(texts).casefold()
    for word in ("wish ", "wishing", "wished", "i was ", "choked", "strangled", "how many"):
        assert word in joined, word


def write(folder: Path, part: str, body: str) -> None:
    (folder / f"{part}.tsv").write_text("class\ttext\tsource\n" + body, encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ordinary\tgood morning\teveryday\nsuicidal\ti want to die\tASQ Q1\n", "dev.tsv:3: unknown class 'suicidal'"),
        ("suicide_direct\ti want to die\t\n", "dev.tsv:2: no source"),
        ("ordinary\twe talked\tthen\tmore\teveryday\n", "dev.tsv:2: 5 columns, not 3"),
        ("ordinary\tok\teveryday\n", "dev.tsv:2: the text has 2 characters"),
        ("ordinary\tgood\u200bmorning\teveryday\n", "U+200B"),
        ("ordinary\tgood morning\teveryday\nordinary\tGood Morning\teveryday\n", "dev.tsv:3: the same text as line 2"),
    ],
)
def test_a_broken_line_is_refused_with_its_file_and_line(tmp_path: Path, body: str, expected: str) -> None:
    write(tmp_path, "dev", body)
    with pytest.raises(EvalSetError, match=re.escape(expected)):
        evaluate.load("dev", tmp_path)


def test_a_missing_file_or_header_is_one_clear_sentence(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match=r"heldout.tsv is missing"):
        evaluate.load("heldout", tmp_path)
    (tmp_path / "dev.tsv").write_text("text\tclass\tsource\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match=r"dev.tsv:1: the first line must be the header"):
        evaluate.load("dev", tmp_path)


def test_scoring_counts_catches_certainty_wrong_categories_and_false_alarms(tmp_path: Path) -> None:
    write(
        tmp_path,
        "dev",
        "".join(
            f"{kind}\t{text}\tsource\n"
            for kind, text in [
                ("suicide_direct", "sure suicide"),
                ("suicide_direct", "unsure suicide"),
                ("suicide_direct", "missed one"),
                ("suicide_passive", "routed as violence"),
                ("pv_physical", "sure violence"),
                ("pv_fear", "missed fear"),
                ("ordinary", "quiet evening"),
                ("hard_negative", "unsure alarm"),
                ("hard_negative", "sure alarm"),
            ]
        ),
    )
    # A detector that answers from a table, so that every figure below is known.
    answers = {
        "sure suicide": CrisisSignal(frozenset({"suicide"})),
        "unsure suicide": CrisisSignal(frozenset({"suicide"}), certain=False),
        "routed as violence": CrisisSignal(frozenset({"partner_violence"})),
        "sure violence": CrisisSignal(frozenset({"partner_violence", "suicide"})),
        "unsure alarm": CrisisSignal(frozenset({"suicide"}), certain=False),
        "sure alarm": CrisisSignal(frozenset({"harm_others"})),
    }
    report = evaluate.score("dev", evaluate.run(evaluate.load("dev", tmp_path), answers.get))
    rows = {row.label: row for row in report.classes}
    assert (rows["suicide_direct"].caught, rows["suicide_direct"].total, rows["suicide_direct"].certain) == (2, 3, 1)
    assert rows["suicide_passive"].wrong == 1 and rows["pv_physical"].wrong == 0
    assert (report.crisis.caught, report.crisis.total, report.crisis.wrong) == (3, 4, 1)
    assert (report.violence.caught, report.violence.total) == (1, 2)
    ordinary, hard, both = report.alarms
    assert (ordinary.caught, hard.caught, hard.certain, hard.uncertain, both.caught, both.total) == (0, 2, 1, 1, 2, 3)
    assert [goal.met for goal in report.goals] == [False, False, False]
    table = evaluate.render(report, items=9)
    assert re.search(r"^suicide_direct +2/3 +66\.7 % +1 +0$", table, re.MULTILINE), table
    assert re.search(r"^suicide_passive +1/1 +100\.0 % +1 +1$", table, re.MULTILINE), table
    assert re.search(r"^hard_negative +2/2 +100\.0 % +1 +1$", table, re.MULTILINE), table
    assert "goal: false alarms <= 10 %" in table and "not met" in table


def hedgehog(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "safety-eval", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,  # every part on a busy 2-core machine
        check=False,
    )


# Every part, twice (the command, then here): minutes on a busy 2-core machine.
@pytest.mark.timeout(900)
def test_the_command_prints_every_parts_table_with_the_real_figures(
    tmp_path: Path, parts: dict[str, list[Item]]
) -> None:
    result = hedgehog(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"dev part (dev.tsv, {len(parts['dev'])} items)")
    for part in HELD_OUT:
        assert f"{part} part ({part}.tsv, {len(parts[part])} items): held out, never tune" in out
    for kind in (*CRISIS, *VIOLENCE, *ORDINARY, "all crisis", "all violence", "all ordinary"):
        assert len(re.findall(rf"^{kind} ", out, flags=re.MULTILINE)) == len(PARTS), kind
    assert len(re.findall(r"^goal: .* (?:met|not met)$", out, flags=re.MULTILINE)) == 3 * len(PARTS)
    assert re.search(
        rf"^cost over all {len(every(parts))} messages: mean [\d.]+ µs, 99th percentile [\d.]+ µs", out, re.MULTILINE
    )
    assert re.search(r"^first call [\d.]+ µs, after importing the detector in [\d.]+ ms$", out, re.MULTILINE)
    # The figures are those of the detector on main, computed here the same way.
    for part, items in parts.items():
        table = evaluate.render(evaluate.score(part, evaluate.run(items, detect)), len(items))
        assert table in out, part
    # Nothing of the held-out part is shown: only its counts.
    shown = [item.where for item in held(parts) if item.text in out]
    assert not shown, shown


@pytest.mark.parametrize(
    "part", [*(("--part", name) for name in HELD_OUT), ("--part", "all"), ()], ids=[*HELD_OUT, "all", "default"]
)
def test_show_misses_is_refused_for_every_held_out_part(tmp_path: Path, part: tuple[str, ...]) -> None:
    result = hedgehog("--show-misses", *part, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "--part dev only" in lines[0] and "held-out part stays unseen" in lines[0]


@pytest.mark.timeout(600)  # the dev part twice (the command and here), on a busy 2-core machine
def test_show_misses_on_dev_lists_every_miss_and_false_alarm_with_its_line(
    tmp_path: Path, parts: dict[str, list[Item]]
) -> None:
    result = hedgehog("--part", "dev", "--show-misses", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    outcomes = evaluate.run(parts["dev"], detect)
    missed = [o.item for o in outcomes if o.item.expected is not None and not o.caught]
    alarms = [o.item for o in outcomes if o.item.expected is None and o.caught]
    assert f"missed ({len(missed)}):" in result.stdout and f"false alarms ({len(alarms)}):" in result.stdout
    listed = result.stdout.split(f"missed ({len(missed)}):", 1)[1]
    for item in missed + alarms:
        assert re.search(rf"^  {re.escape(item.where)} +{item.kind} .*{re.escape(item.text)}$", listed, re.MULTILINE)
    assert "heldout" not in result.stdout
    assert re.search(r"^cost over all {} messages".format(len(parts["dev"])), result.stdout, re.MULTILINE)
    assert not [item.where for item in held(parts) if item.text in result.stdout]


def test_an_unknown_part_is_one_clear_sentence(tmp_path: Path) -> None:
    result = hedgehog("--part", "nosuchpart", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "There is no part 'nosuchpart': choose dev, heldout" in result.stderr and "Traceback" not in result.stderr


def test_a_part_not_held_out_may_show_its_misses_and_a_held_out_one_may_not(tmp_path: Path) -> None:
    write(tmp_path, "dev", "ordinary\tgood morning\teveryday\n")
    write(tmp_path, "heldout3", "ordinary\tgood evening\teveryday\n")
    assert "false alarms (0):" in evaluate.evaluate("dev", show_misses=True, folder=tmp_path)
    with pytest.raises(EvalSetError, match="held-out part stays unseen"):
        evaluate.evaluate("heldout3", show_misses=True, folder=tmp_path)
    with pytest.raises(EvalSetError, match="held-out part stays unseen"):
        evaluate.evaluate("all", show_misses=True, folder=tmp_path)
    assert "heldout3 part (heldout3.tsv, 1 items): held out" in evaluate.evaluate("all", folder=tmp_path)


def test_the_evaluation_imports_neither_telegram_nor_the_database() -> None:
    code = (
        "import sys; import bot.safety.evaluate; "
        "print(sorted(m for m in ('telegram', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"
