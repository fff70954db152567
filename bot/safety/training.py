"""Fitting the crisis classifier (`hedgehog safety-train`): the training lines less those
equal to an evaluation item, their vectors, the fit, the weights and their fingerprint, and
five-fold cross-validation. Only the command line and the tests import this module; the
detector reads the weights through `bot.safety.classifier.Model` and never comes here, so
`classifier` stays a leaf the detector's other modules can import."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from bot.safety.classifier import (
    L2,
    LABELS,
    ORDINARY_WEIGHT,
    STEPS,
    SURE,
    TOKENS,
    TRAIN,
    UNSURE,
    VERSION,
    WEIGHTS,
    WORDS_MIN,
    WORDS_SCALE,
    WORDS_SHARE,
    WORDS_SMOOTHING,
    Line,
    Model,
    fit,
    fit_words,
    key,
    training_set,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from bot.safety.semantic import Embedder


def used_lines(folder: Path = TRAIN) -> list[Line]:
    """The lines a fit uses: every training line but those equal to an evaluation item."""
    excluded = eval_keys()
    return [line for line in training_set(folder) if key(line.text) not in excluded]


def fingerprint(model: Path, lines: list[Line]) -> str:
    """What the weights were fitted on: the embedding model's size, the settings, every line."""
    settings = (
        f"{VERSION} {L2} {ORDINARY_WEIGHT} {STEPS} {TOKENS} {WORDS_MIN} {WORDS_SMOOTHING} {model.stat().st_size}\n"
    )
    digest = hashlib.sha256(settings.encode())
    for line in lines:
        digest.update(f"{line.label}\t{line.author}\t{line.text}\n".encode())
    return digest.hexdigest()


# ----------------------------------------------------------------- the fit


def eval_keys() -> set[str]:
    """The evaluation set's items as comparison keys (every part the source tree has): a
    training line equal to one of them is left out, so the figures stay honest. Only keys
    are compared; nothing is printed."""
    from bot.safety import evaluate

    keys: set[str] = set()
    if evaluate.EVAL_DIR.is_dir():
        for part in evaluate.parts():
            keys |= {key(item.text) for item in evaluate.load(part)}
    return keys


def embed_lines(embedder: Embedder, texts: list[str]) -> npt.NDArray[np.float32]:
    """Vectors for the training lines, 32 at a time, shortest first (less padding)."""
    import numpy as np

    from bot.safety.semantic import DIMENSIONS

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(order), 32):
        batch = order[start : start + 32]
        vectors[batch] = embedder.embed([texts[i] for i in batch], limit=TOKENS)
    return vectors


def train(model: Path, folder: Path = TRAIN, out: Path = WEIGHTS) -> tuple[Path, dict[str, int]]:
    """Embed every training line (less those equal to an evaluation item), fit, and write the
    weights and their fingerprint. Returns the weights' path and the lines used per label."""
    import numpy as np

    from bot.safety.semantic import Embedder

    lines = used_lines(folder)
    vectors = embed_lines(Embedder(model, threads=2), [line.text for line in lines])
    labels = np.array([LABELS.index(line.label) for line in lines], dtype=np.int64)
    coefficients, biases = fit(vectors, labels)
    words = fit_words([line.text for line in lines], list(labels > 0))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as file:
        np.savez_compressed(
            file,
            coefficients=coefficients,
            biases=biases,
            bank=vectors.astype(np.float16),
            bank_labels=labels.astype(np.int8),
            words=np.array(list(words), dtype=str),
            odds=np.array(list(words.values()), dtype=np.float32),
        )
    out.with_suffix(".sha256").write_text(fingerprint(model, lines) + "\n")
    return out, {label: int((labels == i).sum()) for i, label in enumerate(LABELS)}


def current(model: Path, path: Path = WEIGHTS, folder: Path = TRAIN) -> bool:
    """Whether the shipped weights were fitted on the training files as they are now."""
    sign = path.with_suffix(".sha256")
    return path.is_file() and sign.is_file() and sign.read_text().strip() == fingerprint(model, used_lines(folder))


# The thresholds `--cv` compares for UNSURE.
SWEEP = (0.60, 0.65, 0.68, 0.70, 0.72, 0.75)


def folds(lines: list[Line], parts: int = 5, block: int = 8) -> list[int]:
    """A fold for each line: blocks of `block` neighbouring lines of one file go together,
    because a writer writes variations of one idea side by side, and a variation in the
    training part would make the held-out part look easier than new words are."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for line in lines:
        at = seen.get((line.label, line.author), 0)
        seen[(line.label, line.author)] = at + 1
        out.append((at // block) % parts)
    return out


def cross_validate(model: Path, folder: Path = TRAIN) -> str:
    """Five-fold cross-validation of the ensemble on the training lines (each fold fitted on
    the other four): what share of each label scores at least UNSURE, and SURE, out of fold.
    Also the same for the lines the patterns alone miss, which stand for words nobody wrote
    a pattern for."""
    import numpy as np

    from bot.safety.crisis import detect_patterns
    from bot.safety.semantic import Embedder

    lines = used_lines(folder)
    vectors = embed_lines(Embedder(model, threads=2), [line.text for line in lines])
    labels = np.array([LABELS.index(line.label) for line in lines], dtype=np.int64)
    fold = np.array(folds(lines))
    scores = np.zeros(len(lines))
    for part in range(fold.max() + 1):
        test = fold == part
        coefficients, biases = fit(vectors[~test], labels[~test])
        words = fit_words([lines[i].text for i in np.flatnonzero(~test)], list(labels[~test] > 0))
        held = Model(coefficients, biases, vectors[~test], labels[~test], words)
        texts = [lines[i].text for i in np.flatnonzero(test)]
        scores[test] = [s.crisis for s in held.score(vectors[test], texts)]
    missed = np.array([detect_patterns(line.text) is None for line in lines])
    rows = [f"{'label':<18}{'lines':>7}{'>= UNSURE':>11}{'>= SURE':>9}   patterns miss: {'lines':>5}{'>= UNSURE':>11}"]
    for i, label in enumerate(LABELS):
        mine, alone = labels == i, (labels == i) & missed
        rows.append(
            f"{label:<18}{mine.sum():>7}{100 * (scores[mine] >= UNSURE).mean():>10.1f}%"
            f"{100 * (scores[mine] >= SURE).mean():>8.1f}%   {'':>15}{alone.sum():>5}"
            f"{100 * (scores[alone] >= UNSURE).mean() if alone.any() else 0:>10.1f}%"
        )
    ordinary = (labels == LABELS.index("ordinary")) & missed
    crisis = (labels != LABELS.index("ordinary")) & missed
    sweep = [f"{'UNSURE at':<18}{'crisis the patterns miss':>26}{'ordinary they leave':>22}"]
    for threshold in SWEEP:
        sweep.append(
            f"{threshold:<18.2f}{100 * (scores[crisis] >= threshold).mean():>25.1f}%"
            f"{100 * (scores[ordinary] >= threshold).mean():>21.1f}%"
        )
    return (
        f"cross-validation, {fold.max() + 1} folds, UNSURE {UNSURE}, SURE {SURE}, "
        f"words {WORDS_SHARE} of the score at scale {WORDS_SCALE} "
        "(for ordinary lines the shares are false alarms)\n"
        + "\n".join(rows)
        + "\n\nwhere UNSURE could sit (out of fold, lines the patterns leave to this layer):\n"
        + "\n".join(sweep)
        + "\n"
    )
