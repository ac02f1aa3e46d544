"""Which guide a description is about, learnt from everything people say about each guide — a second opinion
beside the nearest sayings (guidekit/understanding/meaning.py) for the messages those leave undecided.

The nearest-sayings matcher compares a message with each saying and reads the best few; it is precise on
what resembles a saying, but a description that is like no single saying ("人在海南过冬,看病想用东北的医保,
手机上能弄吗") ends with two or three guides close together, and the person is asked to choose. A logistic
regression over the same two views the topic classifier uses — the sentence vector and the character
pieces (guidekit/understanding/topics_by_meaning.py) — learns from all the sayings at once which parts of a sentence tell
the guides apart (海南过冬 + 看病 + 医保 is the offsite filing, whichever words carry it), and gives
calibrated probabilities, with every need we have no guide for as one more class.

`Understanding.resolve` asks it only when nothing was settled: no name of ours said clearly, no service
being discussed, no age asked about. A sure reading (and the needs we have no guide for unlikely) is
taken instead of a question back. On the development sets (offline, the real classifiers) this settled
16 more messages of 683 right, 3 short vague ones were still asked about, and no wrong service was added;
cases.yml kept its figures.

Fitting takes about 10 s for the 15 hand-written guides and several minutes for a city's catalogue (162 guides:
about 5 minutes of one core and up to 3 GB), so the fitted model is kept under var/, named by what it was fitted
from; after a publish the previous model answers until the new one is fitted (a new example sentence works at
once through the nearest sayings). That refit runs in a child process at a lower priority, one at a time: in a
thread of the action server it held the interpreter and its memory while people were being answered, and an
editor publishing three examples in a row started three fits side by side. Only the newest waiting one is fitted.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse

from guidekit.understanding.kept_models import keep, read_kept
from guidekit.understanding.meaning import NOWHERE, VectorCache
from guidekit.understanding.textnorm import normalize

log = logging.getLogger(__name__)

# How much the characters count beside the meaning, and the regularisation (chosen on dev and dev2).
CHARACTER_WEIGHT = 1.0
C = 16.0
# Raise when the classifier's make-up changes (a kept model is then refitted).
MODEL_VERSION = 1
# How much lower than the answering processes a refit in the background runs (os.nice).
REFIT_NICENESS = 10
_ROOT = Path(__file__).resolve().parents[2]


class ServiceClassifier:
    """One fitted model: probabilities of each guide, and of a need we have no guide for."""

    def __init__(self, characters, model) -> None:
        self._characters, self._model = characters, model
        self._classes = [str(c) for c in model.classes_]

    @classmethod
    def fit(cls, cache: VectorCache, sayings: Sequence[Tuple[str, str]]) -> "ServiceClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [t for t, _ in sayings]
        characters = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2).fit(
            [normalize(t) for t in texts]
        )
        features = _features(characters, texts, cache.vectors(texts))
        # Balanced: the needs we have no guide for have the most sayings, and must not win by number alone.
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(features, [g for _, g in sayings])
        return cls(characters, model)

    def keep(self, path: Path) -> None:
        """Write this model where `ServiceModels._load` reads it (by the process that fitted it)."""
        keep(path, (self._characters, self._model), "service model")

    @property
    def guide_ids(self) -> List[str]:
        return [c for c in self._classes if c != NOWHERE]

    def probabilities(self, text: str, vector: np.ndarray) -> Tuple[Dict[str, float], float]:
        """(probability of each guide, probability of a need we have no guide for) for a message already
        embedded (`vector`, the one the nearest-sayings matcher made)."""
        p = self._model.predict_proba(_features(self._characters, [text], vector[None, :]))[0]
        scored = {c: float(q) for c, q in zip(self._classes, p)}
        return scored, scored.pop(NOWHERE, 0.0)


def _features(characters, texts: List[str], vectors: np.ndarray):
    return sparse.hstack(
        [sparse.csr_matrix(vectors), CHARACTER_WEIGHT * characters.transform([normalize(t) for t in texts])]
    ).tocsr()


class ServiceModels:
    """Fitted models by what they were fitted from, for one vector cache: in memory, and under var/."""

    def __init__(self, cache: VectorCache) -> None:
        self.cache = cache
        self._fitted: Dict[str, ServiceClassifier] = {}
        self._latest: Optional[ServiceClassifier] = None
        self._fitting: Dict[str, threading.Event] = {}
        self._waiting: Optional[Tuple[str, List[Tuple[str, str]]]] = None  # the newest refit asked for
        self._worker_running = False
        self._lock = threading.Lock()

    @staticmethod
    def digest(sayings: Sequence[Tuple[str, str]]) -> str:
        return hashlib.sha256(
            json.dumps([MODEL_VERSION, CHARACTER_WEIGHT, C, list(sayings)], ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:16]

    def _path(self, digest: str) -> Optional[Path]:
        if self.cache.path is None:
            return None
        return self.cache.path.parent / f"service-model-{self.cache.embedder.name}-{digest}.pkl"

    def get(self, digest: str) -> Optional[ServiceClassifier]:
        """The model for these sayings when fitted, else the latest fitted one (None before any)."""
        return self._fitted.get(digest) or self._latest

    def ensure(self, sayings: Sequence[Tuple[str, str]], wait: bool = False) -> str:
        """Have the model for these sayings: kept in memory, read from var/, or fitted (in the background unless
        `wait`, or unless there is no model at all yet: the first answers of a process never depend on how
        far a fit has come). Returns its digest for `get`."""
        digest = self.digest(sayings)
        wait = wait or self._latest is None
        with self._lock:
            if digest in self._fitted:
                return digest
            underway = self._fitting.get(digest)
            if underway is None:
                self._fitting[digest] = threading.Event()
        if underway is not None:
            if wait:
                underway.wait()
            return digest
        if wait:
            self._load_or_fit(digest, list(sayings), in_child=False)
            return digest
        if self._path(digest) is None:  # nothing kept on disk (tests): fitted in a thread of this process
            threading.Thread(
                target=self._load_or_fit, args=(digest, list(sayings), False), daemon=True, name="service-model-fit"
            ).start()
            return digest
        with self._lock:
            superseded, self._waiting = self._waiting, (digest, list(sayings))
            start = not self._worker_running
            self._worker_running = True
        if superseded is not None:
            self._done(superseded[0])  # never fitted: the newer sayings will be
        if start:
            threading.Thread(target=self._refit_newest, daemon=True, name="service-model-fit").start()
        return digest

    def _refit_newest(self) -> None:
        """Fit what is waiting, newest first, until nothing is (one fit at a time)."""
        while True:
            with self._lock:
                job, self._waiting = self._waiting, None
                if job is None:
                    self._worker_running = False
                    return
            self._load_or_fit(*job, in_child=True)

    def _done(self, digest: str) -> None:
        with self._lock:
            event = self._fitting.pop(digest, None)
        if event is not None:
            event.set()

    def _load_or_fit(self, digest: str, sayings: List[Tuple[str, str]], in_child: bool) -> None:
        try:
            model = self._load(digest)
            if model is None and in_child:
                self._fit_in_child(digest, sayings)
                model = self._load(digest)
                if model is None:
                    raise RuntimeError("the child process kept no model")
            elif model is None:
                model = ServiceClassifier.fit(self.cache, sayings)
                path = self._path(digest)
                if path is not None:
                    model.keep(path)
            with self._lock:
                self._fitted[digest] = model
                self._latest = model
        except Exception:  # a failed fit leaves the nearest sayings to decide alone; logged, retried next time
            log.exception("service model not fitted")
        finally:
            self._done(digest)

    def _fit_in_child(self, digest: str, sayings: List[Tuple[str, str]]) -> None:
        """`python -m guidekit.understanding.services_by_meaning`, which lowers its own priority and keeps the model
        where `_load` reads it."""
        path, cache_path = self._path(digest), self.cache.path
        assert path is not None and cache_path is not None
        given = path.with_name(path.name + f".{os.getpid()}.sayings.json")
        given.write_text(json.dumps(sayings, ensure_ascii=False), encoding="utf-8")
        try:
            # From the project's folder, whatever the parent's (the action server may be started from anywhere).
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
            child = subprocess.Popen(
                [sys.executable, "-m", __name__, str(given), str(path), str(cache_path)], cwd=str(_ROOT), env=env
            )
            _CHILDREN.add(child)
            try:
                if child.wait() != 0:
                    raise RuntimeError(f"service model fit exited with {child.returncode}")
            finally:
                _CHILDREN.discard(child)
        finally:
            given.unlink(missing_ok=True)

    def _load(self, digest: str) -> Optional[ServiceClassifier]:
        path = self._path(digest)
        kept = read_kept(path, "service model") if path is not None else None
        return ServiceClassifier(*kept) if kept is not None else None


_SHARED: Dict[int, ServiceModels] = {}
_SHARED_LOCK = threading.Lock()


def shared_models(cache: VectorCache) -> ServiceModels:
    """One set of fitted models per vector cache (per process)."""
    with _SHARED_LOCK:
        if id(cache) not in _SHARED:
            _SHARED[id(cache)] = ServiceModels(cache)
        return _SHARED[id(cache)]


# Refits under way in child processes: stopped when this process ends (a stopped stack leaves no fit running).
_CHILDREN: set = set()


@atexit.register
def _stop_children() -> None:
    for child in list(_CHILDREN):
        child.terminate()


def _stop_with_parent() -> None:
    """End this fit when the process that asked for it is gone (killed, so its atexit did not run): nobody would
    read the model, and minutes of CPU and gigabytes would go on."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main(argv: Optional[List[str]] = None) -> int:
    """Fit one service model in this process and keep it: what `_fit_in_child` runs."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("sayings", help="JSON list of [sentence, guide id or ''] pairs")
    parser.add_argument("out", help="where to keep the fitted model")
    parser.add_argument("cache", help="the meaning cache (vectors by text)")
    args = parser.parse_args(argv)
    os.nice(REFIT_NICENESS)  # (here, not by the parent before exec: that is unsafe in a process with threads)
    _stop_with_parent()
    from guidekit.understanding.meaning import E5Embedder

    sayings = [(str(t), str(g)) for t, g in json.loads(Path(args.sayings).read_text(encoding="utf-8"))]
    model = ServiceClassifier.fit(VectorCache(E5Embedder(threads=1), Path(args.cache)), sayings)
    model.keep(Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
