"""The published guides as the running processes see them, refreshed when the guides change.

One catalog per process (the action server's actions and the API share the code, not the object).
Each use asks the database for the guides' revision — one small query — and rebuilds the match
index, the resolver's jieba words and the pinyin input vocabulary only when it moved, so an edited
alias works at the next turn without restarting or retraining.
"""

from __future__ import annotations

import collections
import re
import datetime as dt
import threading
import time
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import jieba
import yaml
from sqlalchemy.orm import Session

from guidekit.db.engine import get_engine
from guidekit.guides.schema import Guide
from guidekit.guides.store import guides_revision, list_guides
from guidekit.quality.records import asked_counts
from guidekit.settings import Settings, get_settings
from guidekit.understanding.decide import Understanding
from guidekit.understanding.dialect import to_mandarin
from guidekit.understanding.meaning import MeaningIndex, shared_cache
from guidekit.understanding.navigation_by_meaning import NavigationClassifier, shared_navigation
from guidekit.understanding.pinyin_input import PinyinConverter
from guidekit.understanding.resolver import ServiceIndex
from guidekit.understanding.services_by_meaning import shared_models
from guidekit.understanding.soundalike import our_words, respell
from guidekit.understanding.textnorm import to_simplified, without_tone_marks
from guidekit.understanding.topics_by_meaning import TopicClassifier, shared_classifier, training_sentences

ROOT = Path(__file__).resolve().parent.parent
GUIDE_WORD_WEIGHT = 100
PAIR_AT_LEAST = 3
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@lru_cache(maxsize=4)
def nlu_vocabulary(directory: str) -> Tuple[Tuple[str, int], ...]:
    """Words of the NLU training data with their counts: what the classifier knows best."""
    counts: collections.Counter = collections.Counter()
    pairs: collections.Counter = collections.Counter()
    tokenizer = jieba.Tokenizer()
    for path in sorted(Path(directory).rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                example = line.strip().lstrip("- ").strip()
                words = [w for w in tokenizer.lcut(to_mandarin(to_simplified(example))) if w.strip()]
                counts.update(words)
                pairs.update(a + b for a, b in zip(words, words[1:]) if _HAN.match(a + b))
    # Two words said together again and again ("怎么补", "去哪里"), as one: typed "zenme bu" is then 怎么补, not
    # 怎么不 (不 alone is far more frequent than 补).
    counts.update({pair: n for pair, n in pairs.items() if n >= PAIR_AT_LEAST})
    return tuple(counts.items())


def guide_vocabulary(guides: Iterable[Guide]) -> List[Tuple[str, int]]:
    words = []
    pairs: collections.Counter = collections.Counter()
    for guide in guides:
        for word in [
            guide.name,
            *([guide.short_name] if guide.short_name else []),
            *guide.aliases,
            *(m.name for m in guide.every_material),
        ]:
            words.append((word, GUIDE_WORD_WEIGHT))
        # The words inside them and in what people say about the guide ("驾驶" of 驾驶人, "评残" of an example),
        # as often as they occur: typed "jiashiren" is then 驾驶人, not 家是人.
        pieces = [guide.name, *guide.aliases, *([guide.purpose] if guide.purpose else []), *guide.examples]
        for piece in pieces:
            cut = _cut(piece)
            words += [(w, 1) for w in cut if len(w) >= 2 and not _PARTICLES.search(w)]
            pairs.update(a + b for a, b in zip(cut, cut[1:]) if _HAN.match(a + b) and not _PARTICLES.search(a + b))
    return words + [(pair, n) for pair, n in pairs.items() if n >= 2]


# A piece of a saying that ends in a particle ("办嘛") is no word one types: "ban ma" stays 办吗.
_PARTICLES = re.compile("[吗嘛呢吧啊呀哦啦咯]")


@lru_cache(maxsize=1)
def _pieces_tokenizer() -> jieba.Tokenizer:
    return jieba.Tokenizer()


@lru_cache(maxsize=1 << 14)
def _cut(piece: str) -> Tuple[str, ...]:
    """The words of one saying (kept: a publish changes few of them)."""
    return tuple(w for w in _pieces_tokenizer().lcut(piece) if w.strip())


def _names_of(guides: Iterable[Guide]) -> Tuple:
    """What the name and sound matching and the pinyin vocabulary are built from: names, aliases, papers' names,
    ages, related words — not the plain texts, places or hours."""
    return tuple(
        (
            g.id,
            g.name,
            g.short_name,
            tuple(g.aliases),
            tuple(m.name for m in g.every_material),
            g.ages_from,
            tuple(g.related_words),
        )
        for g in guides
    )


def _sayings_of(guides: Iterable[Guide]) -> Tuple:
    """What the meaning matching is built from besides the names: what people say about each guide."""
    return tuple((g.id, g.purpose, tuple(g.examples)) for g in guides)


# The derived parts of a snapshot, and what each is built from ("names", "sayings"): a new revision that leaves
# those unchanged takes the part over from the snapshot before instead of building it again.
_BUILT_FROM = {
    "index": ("names",),
    "sounds": ("names",),
    "pinyin": ("names", "sayings"),
    "understanding": ("names", "sayings"),
    "topics": (),
    "navigation": (),
}


class Snapshot:
    """Everything derived from one revision of the guides.

    Why `previous`: most publishes change plain wording — a paper's description, an office's hours — and none of
    what the matching is built from. With a city's catalogue (162 guides) building the name index, the pinyin
    vocabulary and the meaning index again took about half a second in each process, so the new wording reached
    people later than the 1 s an editor expects; parts whose inputs did not change are now taken over."""

    def __init__(
        self,
        guides: List[Guide],
        revision: int,
        nlu_dir: str,
        settings: Optional[Settings] = None,
        previous: Optional["Snapshot"] = None,
    ):
        self.revision = revision
        self.guides: Dict[str, Guide] = {g.id: g for g in guides}
        self._nlu_dir = nlu_dir
        self._settings = settings
        self._inputs = {"names": _names_of(guides), "sayings": _sayings_of(guides)}
        self.reused: List[str] = []  # the parts taken over from the snapshot before
        if previous is not None and previous._nlu_dir == nlu_dir and previous._settings is settings:
            for part, built_from in _BUILT_FROM.items():
                if part in previous.__dict__ and all(previous._inputs[k] == self._inputs[k] for k in built_from):
                    self.__dict__[part] = previous.__dict__[part]  # (a cached_property, already built)
                    self.reused.append(part)

    # Built on first use: the API only prepares text, the actions also match; each costs memory.
    @cached_property
    def index(self) -> ServiceIndex:
        return ServiceIndex(self.guides.values(), self.revision)

    @cached_property
    def understanding(self) -> Understanding:
        """Names and sounds weighed with meaning (guidekit/understanding/decide.py); meaning can be switched off
        (BANSHI_MEANING_MATCHING=false) where its model cannot be loaded."""
        settings = self._settings or get_settings()
        meaning = None
        if settings.meaning_matching:
            meaning = MeaningIndex(self.guides.values(), shared_cache(str(ROOT / settings.meaning_cache)))
        if meaning is None:
            return Understanding(self.index, None)
        # The service classifier for these guides: kept under var/, or fitted in the background (the one before
        # answers meanwhile).
        models = shared_models(meaning.cache)
        digest = models.ensure(meaning.training)
        return Understanding(self.index, meaning, lambda: models.get(digest))

    @cached_property
    def topics(self) -> Optional[TopicClassifier]:
        """What a question asks about, by meaning (guidekit/understanding/topics_by_meaning.py); None without meaning matching."""
        settings = self._settings or get_settings()
        if not settings.meaning_matching:
            return None
        return shared_classifier(shared_cache(str(ROOT / settings.meaning_cache)), self._nlu_dir)

    @cached_property
    def navigation(self) -> Optional[NavigationClassifier]:
        """Moving in the list said in other words, by meaning (guidekit/understanding/navigation_by_meaning.py);
        None without meaning matching."""
        settings = self._settings or get_settings()
        if not settings.meaning_matching:
            return None
        return shared_navigation(shared_cache(str(ROOT / settings.meaning_cache)), self._nlu_dir)

    @cached_property
    def pinyin(self) -> PinyinConverter:
        return PinyinConverter(list(nlu_vocabulary(self._nlu_dir)) + guide_vocabulary(self.guides.values()))

    @cached_property
    def sounds(self) -> Tuple[str, ...]:
        """The words a same-sounding slip is written as (guidekit/understanding/soundalike.py)."""
        return our_words(w for g in self.guides.values() for w in [g.short_name, *g.aliases] if w)

    def prepare(self, text: str) -> str:
        """What NLU and matching should read: simplified, Mandarin words, pinyin as characters, slips of our
        words written as them ("流成" → 流程)."""
        return respell(self.pinyin.convert(to_mandarin(to_simplified(without_tone_marks(text)))), self.sounds)


# Tiles and menus offer the guides most asked about in this many days first …
ASKED_DAYS = 90
# … counted again at most this often (one grouped query over the turns).
ASKED_REFRESH_SECONDS = 300.0


class GuideCatalog:
    """The published guides as this process sees them. `settings`: the process's own (the API passes its
    settings); without, the environment's, read at each use."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._snapshot: Optional[Snapshot] = None
        self._checked_at = float("-inf")
        self._asked: Dict[str, int] = {}
        self._asked_at = float("-inf")

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    def most_asked_first(self) -> List[Guide]:
        """The published guides, those most conversations asked about in the last ASKED_DAYS days first: the
        kiosk's tiles and the WeChat menu put what people come for within reach. Guides asked equally often
        (a new deployment: none) keep the catalogue's order."""
        snapshot = self.current()
        if time.monotonic() - self._asked_at >= ASKED_REFRESH_SECONDS:
            since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=ASKED_DAYS)
            with Session(get_engine(self.settings.database_url)) as session:
                self._asked = asked_counts(session, since)
            self._asked_at = time.monotonic()
        ranked = sorted(enumerate(snapshot.guides.values()), key=lambda ig: (-self._asked.get(ig[1].id, 0), ig[0]))
        return [guide for _, guide in ranked]

    def current(self) -> Snapshot:
        """The snapshot for the published revision, asking the database at most once per
        `catalog_refresh_seconds` (an edit shows within that time, and turns skip the query)."""
        settings = self.settings
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - self._checked_at < settings.catalog_refresh_seconds:
            return snapshot
        with Session(get_engine(settings.database_url)) as session:
            revision = guides_revision(session)
            if snapshot is None or snapshot.revision != revision:
                with self._lock:
                    snapshot = Snapshot(
                        list_guides(session),
                        revision,
                        str(ROOT / settings.nlu_data_dir),
                        self._settings,
                        previous=snapshot,
                    )
                    self._snapshot = snapshot
        self._checked_at = time.monotonic()
        return snapshot


def warm(guides: Iterable[Guide], cache_path: str, nlu_dir: Optional[str] = None) -> int:
    """Embed every saying not yet in the cache file, and fit the topic classifier (embedding its training
    sentences) unless a fitted one is kept, before the action server starts, so its first turn does not wait for
    thousands of sentences. Returns how many sentences there are."""
    cache = shared_cache(cache_path)
    index = MeaningIndex(guides, cache)
    count = index.size
    # The service classifier, fitted once (embedding the voices) and kept under var/ for the action server.
    shared_models(cache).ensure(index.training, wait=True)
    if nlu_dir is not None:
        # Fitted once (embedding its training sentences) and kept under var/ for the action server.
        shared_classifier(cache, nlu_dir).warm()
        shared_navigation(cache, nlu_dir).warm()
        count += len(training_sentences(nlu_dir)[0])
    cache.flush()
    return count
