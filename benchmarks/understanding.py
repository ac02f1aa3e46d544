"""Service and topic understanding through the real stack, on five labelled sets.

- `cases.yml` — the project's own 325 utterances (categories official … out_of_scope); scored and reported
  as it always was, with the targets below.
- `dev/` — messages and dialogues written independently of the code, for tuning: every miss is listed.
- `dev2/` — a second development set, written later by another writer who saw neither the code nor the
  data, to see whether a change tuned on `dev/` carries over to new words; also tuned on since.
- `dev3/` — a third development set (320 messages, no dialogues), written 2026-12-01 by a writer who saw no
  project file; scored first at 82.2 % right on the code of 2026-11-30, then tuned on.
- `dev4/` — 150 letters to a city's public message board (2026-12-03, a writer who saw no project file): 55
  questions about our services, 25 complaints about one's own case, 70 about nearby matters we have no guide for,
  where a wrong service is most likely.
- `dev5/` — 45 dialogues, 244 turns (2026-12-03, a writer who saw no project file): conversations that go on —
  navigation in other words and misspelt, follow-up questions without marker words, options answered, switches.
- `blind/` — the same format, frozen and held out: only its figures are printed, never its sentences or
  misses (do not copy them anywhere).

Run: `make understanding` (or `python -m benchmarks.understanding --sets dev --json var/understanding.json`).
It starts the real stack with the per-client and per-conversation turn limits raised (or uses `--api-url`
of a running one, which must have them raised: a 429 is waited out, slowly), sends every message through
`POST /api/chat` in a conversation of its own (no session_id on the first turn; each reply's session_id
is sent with the next) and each dialogue turn by turn in one conversation. `--check-labels` only loads and
checks the sets (no stack). Exits 1 when cases.yml misses a target: service ≥ 95% overall and ≥ 90% in
every category, topic ≥ 93%, zero out-of-scope answered with a service. dev and blind have no bars yet.

How a dev/blind message or dialogue turn is scored (`judge`):
- `guide: X` — right when state.service_id == X and state.topic is the labelled topic (a `materials`
  label accepts the state topics in MATERIALS_TOPICS: cases.yml's rule, which is "materials" alone).
- `guide: null, topic: fallback` — right when no service is answered (service_id None, or in a dialogue
  kept from before without a materials/topic answer about it) and no options are offered.
- `topic: handoff` — right when state.topic == "handoff" and no materials item was given; guide not required.
- `options: [a, b]` — right when no service is answered and state.options (guide ids) holds all of them.
- `both: [a, b]` — right when state.service_id is one of them, the topic is the labelled one, and the
  reply text (guide name or id) or state.options mentions the other.
- dialogue `nav` — the same service as the turn before, and: next → the item after the current place
  (1 without one; after the last, the end of the list: item None), previous → the one before (the last
  without a place), repeat → the same topic and item as the turn before, all/left → topic materials.
  The place is the last item shown for the current service, kept across topic answers as the assistant
  keeps it, dropped on a service switch, a family-member answer or the end of the list. The labelled
  topic of a nav turn is not used (see `label_notes`).
- a dialogue answer by number ("2", "第二个", "选1") after the assistant offered options is right when
  state.service_id is the offered option of that number (and the topic is the labelled one); when that is
  not the guide the writer meant (they imagined another order), the later turns labelled with the meant
  guide are judged against the one picked, as the conversation is about it.
- A dialogue is right only when all its turns are right.
Counted beside: wrong service (a service answered that the label does not allow; for out of scope any
service), and on clear messages (labelled with one guide, not complaints) yes/no questions back (one
option: 「…」吗) and other questions back (state.topic "clarify": numbered options or 您想办哪件事) — the two
are disjoint.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import httpx
import yaml

from guidekit.answers.state import ANSWER_TOPICS as STATE_ANSWER_TOPICS
from guidekit.answers.state import TOPICS as TOPICS_OF_STATE
from guidekit.catalogue.build import guide_id

HERE = Path(__file__).resolve().parent / "understanding"
CASES = HERE / "cases.yml"
GUIDES_DIR = Path(__file__).resolve().parent.parent / "guides"
CATEGORIES = (
    "official",
    "colloquial",
    "asr",
    "regional",
    "traditional",
    "pinyin",
    "topic",
    "ambiguous",
    "out_of_scope",
)
TOPICS = {
    "materials",
    "location",
    "hours",
    "fee",
    "duration",
    "online",
    "proxy",
    "eligibility",
    "process",
    "clarify",
    "fallback",
}
SERVICE_TARGET, CATEGORY_TARGET, TOPIC_TARGET = 0.95, 0.90, 0.93

SETS = ("cases", "dev", "dev2", "dev3", "dev4", "dev5", "blind", "catdev", "catalogue")
# Sets whose misses and label notes may be printed; blind never.
REVEALED = {"cases", "dev", "dev2", "dev3", "dev4", "dev5", "catdev"}
# Sets about the whole sample catalogue's services: scored only with it published. catdev/ is for tuning,
# blind/catalogue/ is held out.
CATALOGUE_SETS = {"catdev": HERE, "catalogue": HERE / "blind"}
KINDS = (
    "description",
    "story",
    "several",
    "pinyin",
    "slips",
    "topic",
    "traditional",
    "dialect",
    "out_of_scope",
    "complaint",
    "asr",
    # blind/catalogue/ (the sample catalogue's services) also has these:
    "short_name",
    "slips_pinyin_traditional_dialect",
    # dev4/ (letters to a city's public message board) also has this: a question about one of our services.
    "letter",
)
NAVS = ("next", "previous", "repeat", "all", "left")
# State topics a `materials` label accepts. cases.yml compares topics exactly, so this is "materials" alone.
MATERIALS_TOPICS = frozenset({"materials"})
# Topics in which the assistant answers about its current service.
ANSWER_TOPICS = frozenset(STATE_ANSWER_TOPICS)
# Turn limits high enough that the benchmark, all from one address, is never throttled.
UNTHROTTLED_ENV = {"BANSHI_TURNS_PER_MINUTE_PER_CLIENT": "1000000", "BANSHI_TURNS_PER_MINUTE_PER_SESSION": "100000"}


# -- talking to /api/chat --------------------------------------------------------------------------
@dataclasses.dataclass
class Reply:
    status: int
    state: Dict[str, Any]
    text: str
    session_id: Optional[str]


class Conversation:
    """One user's conversation: no session_id on the first turn, then the one each reply carries."""

    def __init__(self, client: httpx.Client, api_url: str):
        self.client, self.url, self.session_id = client, f"{api_url}/api/chat", None

    def say(self, text: str) -> Reply:
        payload: Dict[str, Any] = {"text": text}
        if self.session_id:
            payload["session_id"] = self.session_id
        for attempt in range(6):
            response = self.client.post(self.url, json=payload)
            if response.status_code != 429 or attempt == 5:
                break
            time.sleep(min(float(response.headers.get("Retry-After") or 1), 10.0))
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and body.get("session_id"):
            self.session_id = body["session_id"]
        return Reply(
            response.status_code,
            body.get("state") or {},
            " / ".join(m.get("text", "") for m in body.get("messages") or []),
            body.get("session_id"),
        )


def _client() -> httpx.Client:
    return httpx.Client(timeout=30)


# -- cases.yml (scored and reported as before) -------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Case:
    line: int
    text: str
    category: str
    guide: Optional[str]
    topic: str
    options: tuple = ()


def load_cases(path: Path = CASES, known_guides: Optional[set] = None) -> List[Case]:
    """Read and check the set; a bad entry is reported with its line."""
    root = yaml.compose(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases, problems = [], []
    for node, raw in zip(root.value, data):
        line = node.start_mark.line + 1
        case = Case(
            line,
            str(raw.get("text", "")),
            raw.get("category", ""),
            raw.get("guide"),
            raw.get("topic", ""),
            tuple(raw.get("options") or ()),
        )
        if not case.text.strip():
            problems.append(f"{path}:{line}: text is empty")
        if case.category not in CATEGORIES:
            problems.append(f"{path}:{line}: category {case.category!r} is not one of {CATEGORIES}")
        if case.topic not in TOPICS:
            problems.append(f"{path}:{line}: topic {case.topic!r} is not one of {sorted(TOPICS)}")
        for gid in filter(None, (case.guide, *case.options)):
            if known_guides is not None and gid not in known_guides:
                problems.append(f"{path}:{line}: guide {gid!r} is not a published guide")
        cases.append(case)
    if problems:
        raise ValueError("\n".join(problems))
    return cases


def service_correct(case: Case, state: Dict) -> bool:
    if case.category == "ambiguous":
        return state.get("topic") == "clarify" and set(case.options) <= set(state.get("options") or [])
    if case.guide is None:
        return state.get("service_id") is None and not state.get("options")
    return state.get("service_id") == case.guide


@dataclasses.dataclass
class Result:
    case: Case
    state: Dict
    reply: str
    status: int = 200

    @property
    def service_ok(self) -> bool:
        return service_correct(self.case, self.state)

    @property
    def topic_ok(self) -> bool:
        return self.state.get("topic") == self.case.topic


def run_cases(api_url: str, cases: List[Case], workers: int = 4) -> List[Result]:
    def one(case: Case) -> Result:
        with _client() as client:
            reply = Conversation(client, api_url).say(case.text)
        return Result(case, reply.state, reply.text, reply.status)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, cases))


@dataclasses.dataclass
class Summary:
    service: float
    topic: float
    per_category: Dict[str, float]
    topic_per_category: Dict[str, float]
    out_of_scope_answered: int

    def targets_met(self) -> bool:
        return (
            self.service >= SERVICE_TARGET
            and self.topic >= TOPIC_TARGET
            and all(v >= CATEGORY_TARGET for v in self.per_category.values())
            and self.out_of_scope_answered == 0
        )


def summarize(results: List[Result]) -> Summary:
    by_cat = collections.defaultdict(list)
    for r in results:
        by_cat[r.case.category].append(r)
    return Summary(
        service=sum(r.service_ok for r in results) / len(results),
        topic=sum(r.topic_ok for r in results) / len(results),
        per_category={c: sum(r.service_ok for r in rs) / len(rs) for c, rs in by_cat.items()},
        topic_per_category={c: sum(r.topic_ok for r in rs) / len(rs) for c, rs in by_cat.items()},
        out_of_scope_answered=sum(1 for r in by_cat.get("out_of_scope", []) if r.state.get("service_id")),
    )


def report(results: List[Result]) -> Summary:
    summary = summarize(results)
    counts = collections.Counter(r.case.category for r in results)
    print(f"{'category':14s} {'n':>4s} {'service':>8s} {'topic':>7s}")
    for cat in CATEGORIES:
        if cat in counts:
            print(f"{cat:14s} {counts[cat]:4d} {summary.per_category[cat]:8.1%} {summary.topic_per_category[cat]:7.1%}")
    print(f"{'overall':14s} {len(results):4d} {summary.service:8.1%} {summary.topic:7.1%}")
    print(f"out-of-scope answered with a service: {summary.out_of_scope_answered}")
    misses = [r for r in results if not (r.service_ok and r.topic_ok)]
    print(f"misses ({len(misses)}):")
    for r in misses:
        what = (
            []
            if r.service_ok
            else [
                f"service want {r.case.guide or r.case.options or None}, "
                f"got {r.state.get('service_id')} {r.state.get('options') or ''}"
            ]
        )
        if not r.topic_ok:
            what.append(f"topic want {r.case.topic}, got {r.state.get('topic')}")
        print(f"  [{r.case.category}] line {r.case.line} {r.case.text!r}: {'; '.join(what)}")
    print("targets met:", "yes" if summary.targets_met() else "NO")
    return summary


# -- dev/ and blind/: loading and checking the labels ------------------------------------------------
def service_guide_id(code: Optional[str]) -> Optional[str]:
    """The importer's guide id of a service by its 基本编码 (610901-002-01 → sx61090100201), as
    guidekit/catalogue/build.py makes it for a service handled alike wherever it is handled."""
    return None if code is None else guide_id("", str(code))


def catalogue_names() -> Dict[str, str]:
    """guide_names() and every service of the sample catalogue, as benchmarks/whole_catalogue.py publishes them."""
    from benchmarks.whole_catalogue import imported_names

    return {**imported_names(), **guide_names()}


def guide_names(guides_dir: Path = GUIDES_DIR) -> Dict[str, str]:
    """Guide id → the name the assistant says when naming one: its short name, else its official name."""
    names = {}
    for path in sorted(guides_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("id"):
            names[str(data["id"])] = str(data.get("short_name") or data.get("name") or data["id"])
    return names


def state_topics() -> Tuple[str, ...]:
    return TOPICS_OF_STATE


@dataclasses.dataclass(frozen=True)
class Label:
    guide: Optional[str]
    topic: str
    options: Tuple[str, ...] = ()
    both: Tuple[str, ...] = ()
    nav: Optional[str] = None

    def want(self) -> str:
        if self.options:
            return f"options {list(self.options)}"
        if self.both:
            return f"both {list(self.both)} / {self.topic}"
        return f"{self.guide} / {self.topic}" + (f" (nav {self.nav})" if self.nav else "")


@dataclasses.dataclass(frozen=True)
class Message:
    line: int
    text: str
    kind: str
    label: Label


@dataclasses.dataclass(frozen=True)
class DialogueTurn:
    line: int
    text: str
    label: Label


@dataclasses.dataclass(frozen=True)
class Dialogue:
    line: int
    name: str
    turns: Tuple[DialogueTurn, ...]


@dataclasses.dataclass(frozen=True)
class Note:
    """A label problem: where, which rule (`code`, what is counted for blind) and, for dev, what exactly."""

    path: str
    line: int
    code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.detail}"


@dataclasses.dataclass
class LabelledSet:
    name: str
    messages: List[Message]
    dialogues: List[Dialogue]
    notes: List[Note]  # labels that contradict the scoring rules or the README's conventions: scored as labelled


def _code_counts(notes: Sequence[Note]) -> str:
    """'nav-topic ×6, …': which rules, how often (all that is shown of blind's label problems)."""
    return ", ".join(f"{code} ×{n}" for code, n in sorted(collections.Counter(n.code for n in notes).items()))


class LabelError(ValueError):
    """Labels that cannot be scored (unknown guide, topic, kind; malformed entry)."""

    def __init__(self, set_name: str, problems: List[Note]):
        self.set_name, self.problems = set_name, problems
        if set_name in REVEALED:
            text = "\n".join(map(str, problems))
        else:  # blind: which rules, how often — never where or what
            text = _code_counts(problems)
        super().__init__(f"{set_name}: {len(problems)} label problems: {text}")


class _LineLoader(yaml.SafeLoader):
    """Safe YAML whose mappings remember their line (as '__line__')."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> Dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)

# An answer by number to numbered options: "2", "第二个", "二", "选1", "第二个,家里困难那个".
_NUMBER_ANSWER = re.compile(
    r"^(?:选|要|就|是)?第?([1-9]|[一二两三四五六七八九])(?:个|号|项|条|样|种)?(?:吧|的|啊|呀)?"
    r"(?:$|[,,、。.!!\s])"
)
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", 1)} | {"两": 2}


def number_answer(text: str) -> Optional[int]:
    match = _NUMBER_ANSWER.match(text.strip())
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _CN_DIGITS[token]


def _ids(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _label(
    raw: Dict[str, Any],
    where: Tuple[str, int],
    known: Dict[str, str],
    topics: Sequence[str],
    problems: List[Note],
    notes: List[Note],
    in_dialogue: bool,
) -> Label:
    path, line = where
    bad = lambda code, detail: problems.append(Note(path, line, code, detail))  # noqa: E731
    odd = lambda code, detail: notes.append(Note(path, line, code, detail))  # noqa: E731
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        bad("text", "missing or empty")
    guide = raw.get("guide")
    options, both = _ids(raw.get("options")), _ids(raw.get("both"))
    topic = raw.get("topic")
    nav = raw.get("nav")
    if topic not in topics:
        bad("topic", f"{topic!r} is not a state topic (api/schemas.py Topic)")
    if guide is not None and not isinstance(guide, str):
        bad("guide", f"{guide!r} is not a guide id")
    for gid in (guide, *options, *both):
        if isinstance(gid, str) and gid not in known:
            bad("unknown-guide", f"{gid!r} is not in guides/")
    if options and both:
        bad("shape", "both `options` and `both`")
    if (options or both) and guide is not None:
        bad("shape", "`guide` set beside `options`/`both`")
    for field, ids in (("options", options), ("both", both)):
        if raw.get(field) is not None and (len(ids) < 2 or len(set(ids)) != len(ids)):
            bad("shape", f"`{field}` needs two or more different ids")
    if nav is not None:
        if not in_dialogue:
            bad("nav", "nav outside a dialogue")
        elif nav not in NAVS:
            bad("nav", f"{nav!r} is not one of {NAVS}")
        elif guide is None:
            bad("nav", "nav turn without a guide")
        elif nav != "repeat" and topic != "materials":
            odd(
                "nav-topic",
                f"nav {nav} labelled topic {topic!r}: navigation walks the materials "
                "(scored by the nav rule, topic materials)",
            )
    if options and topic != "clarify":
        odd("options-topic", f"options labelled topic {topic!r}, not clarify")
    if guide is None and not options and not both and topic not in ("fallback", "handoff"):
        odd("null-guide-topic", f"guide null with topic {topic!r} (neither fallback nor handoff)")
    if guide is not None and topic in ("clarify", "fallback"):
        odd("guide-topic", f"guide {guide} with topic {topic!r}")
    return Label(guide if isinstance(guide, str) else None, str(topic), options, both, nav if nav in NAVS else None)


def load_set(name: str, base: Path = HERE, known: Optional[Dict[str, str]] = None) -> LabelledSet:
    """Read `<base>/<name>/messages.yml` and `dialogues.yml`, check every label; raise LabelError on labels
    that cannot be scored. Label notes (scorable, but against a rule or convention) come back in `.notes`."""
    known = guide_names() if known is None else known
    topics = state_topics()
    problems: List[Note] = []
    notes: List[Note] = []
    messages: List[Message] = []
    dialogues: List[Dialogue] = []

    path = base / name / "messages.yml"
    for raw in yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or []:
        line = raw.get("__line__", 0)
        if "service" in raw:  # blind/catalogue/: the service by its 基本编码
            raw["guide"] = service_guide_id(raw.pop("service"))
        rel = f"{name}/messages.yml"
        label = _label(raw, (rel, line), known, topics, problems, notes, in_dialogue=False)
        kind = raw.get("kind")
        if kind not in KINDS:
            problems.append(Note(rel, line, "kind", f"{kind!r} is not one of {KINDS}"))
        elif kind == "several" and not (label.options or label.both):
            notes.append(Note(rel, line, "several-shape", "kind several without options/both"))
        elif kind != "several" and (label.options or label.both):
            notes.append(Note(rel, line, "several-shape", f"kind {kind} with options/both"))
        elif kind == "out_of_scope" and (label.guide is not None or label.topic != "fallback"):
            notes.append(Note(rel, line, "out-of-scope-label", f"out_of_scope labelled {label.want()}"))
        elif kind == "complaint" and label.topic != "handoff":
            notes.append(Note(rel, line, "complaint-topic", f"complaint labelled topic {label.topic!r}"))
        elif kind not in ("out_of_scope", "complaint") and label.guide is None and not (label.options or label.both):
            notes.append(Note(rel, line, "null-guide-kind", f"kind {kind} with guide null"))
        messages.append(Message(line, str(raw.get("text") or ""), str(kind), label))

    path = base / name / "dialogues.yml"
    rel = f"{name}/dialogues.yml"
    for raw in (yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) if path.exists() else None) or []:
        line = raw.get("__line__", 0)
        turns = []
        raw_turns = raw.get("turns") or []
        if not raw_turns:
            problems.append(Note(rel, line, "shape", "dialogue without turns"))
        previous: Optional[Label] = None
        for raw_turn in raw_turns:
            tline = raw_turn.get("__line__", line)
            label = _label(raw_turn, (rel, tline), known, topics, problems, notes, in_dialogue=True)
            if label.nav and previous is None:
                notes.append(Note(rel, tline, "nav-first", "nav on the first turn"))
            elif label.nav and previous.guide != label.guide:
                notes.append(
                    Note(rel, tline, "nav-guide", f"nav turn guide {label.guide}, turn before {previous.want()}")
                )
            number = number_answer(str(raw_turn.get("text") or ""))
            if number and previous is not None and previous.options and label.guide is not None and not label.nav:
                if number > len(previous.options):
                    notes.append(
                        Note(rel, tline, "number-answer", f"answer {number} to {len(previous.options)} options")
                    )
                elif previous.options[number - 1] != label.guide:
                    notes.append(
                        Note(
                            rel,
                            tline,
                            "number-answer",
                            f"answer {number} labelled {label.guide}, option "
                            f"{number} is {previous.options[number - 1]}",
                        )
                    )
            turns.append(DialogueTurn(tline, str(raw_turn.get("text") or ""), label))
            previous = label
        dialogues.append(Dialogue(line, str(raw.get("name") or f"line {line}"), tuple(turns)))

    if problems:
        raise LabelError(name, problems)
    return LabelledSet(name, messages, dialogues, notes)


# -- dev/ and blind/: scoring -----------------------------------------------------------------------
@dataclasses.dataclass
class Verdict:
    right: bool
    service_ok: bool
    wrong_service: bool  # answered with a service the label does not allow
    yes_no: bool  # asked back 「…」吗 with one option (counted on clear labels only)
    asked_back: bool  # other questions back: numbered options or 您想办哪件事 (clear labels only)
    clear: bool  # labelled with one guide, not a complaint
    error: bool  # the API did not answer 200
    why: str = ""


def answered_service(state: Dict[str, Any], before: Optional[Dict[str, Any]]) -> Optional[str]:
    """The service this reply answered with: a newly chosen one, or the kept one when it answered about it."""
    sid = state.get("service_id")
    if not sid:
        return None
    if before is None or sid != before.get("service_id") or state.get("topic") in ANSWER_TOPICS:
        return sid
    return None


def topic_matches(label_topic: str, state_topic: Optional[str]) -> bool:
    return state_topic in MATERIALS_TOPICS if label_topic == "materials" else state_topic == label_topic


_YES_NO = re.compile(r"「[^」]+」[^「」]*吗")


def _mentions(gid: str, reply: Reply, names: Dict[str, str]) -> bool:
    return gid in (reply.state.get("options") or []) or gid in reply.text or names.get(gid, gid) in reply.text


def _nav_ok(
    nav: str, state: Dict[str, Any], before: Optional[Dict[str, Any]], place: Optional[int]
) -> Tuple[bool, str]:
    topic, index, count = state.get("topic"), state.get("item_index"), state.get("item_count")
    if nav in ("all", "left"):
        return topic == "materials", "want topic materials"
    if nav == "repeat":
        want_topic = (before or {}).get("topic")
        want_index = (before or {}).get("item_index")
        return (topic == want_topic and index == want_index), f"want {want_topic} item {want_index} again"
    if nav == "next":
        if place is not None and count is not None and place >= count:
            return topic == "materials" and index is None, f"want the end of the list after item {place}"
        want = place + 1 if place is not None else 1
    else:  # previous
        want = max(place - 1, 1) if place is not None else count
    return topic == "materials" and index == want, f"want materials item {want}"


def judge(
    label: Label,
    reply: Reply,
    names: Dict[str, str],
    before: Optional[Dict[str, Any]] = None,
    place: Optional[int] = None,
    chosen: Optional[str] = None,
) -> Verdict:
    """One message (before None) or dialogue turn. `place`: the current materials item; `chosen`: the
    option a number answer picked from what the assistant offered the turn before."""
    state = reply.state
    sid, topic, options = state.get("service_id"), state.get("topic"), list(state.get("options") or [])
    answered = answered_service(state, before)
    clear = label.guide is not None and label.topic != "handoff"
    yes_no = len(options) == 1 and bool(_YES_NO.search(reply.text))
    asked_back = topic == "clarify" and not yes_no
    if reply.status != 200:
        return Verdict(False, False, False, False, False, clear, True, f"HTTP {reply.status}")
    why = ""
    if label.options:
        allowed = set(label.options)
        service_ok = answered is None and set(label.options) <= set(options)
        topic_ok = True
    elif label.both:
        allowed = set(label.both)
        others = [g for g in label.both if g != sid]
        service_ok = sid in label.both and all(_mentions(g, reply, names) for g in others)
        topic_ok = topic_matches(label.topic, topic)
        if sid in label.both and not service_ok:
            why = f"other not mentioned: {others}"
    elif label.topic == "handoff":
        allowed = {label.guide} if label.guide else set()
        service_ok = True  # the guide is not required of a handoff (but see `wrong` below)
        topic_ok = topic == "handoff" and state.get("item_index") is None
    elif label.guide is None:
        allowed = set()
        service_ok = answered is None and not options
        topic_ok = True
    else:
        want = chosen or label.guide
        allowed = {want}
        service_ok = sid == want
        if label.nav:
            kept = before is not None and before.get("service_id") == sid
            service_ok = service_ok and kept
            topic_ok, nav_why = _nav_ok(label.nav, state, before, place)
            why = "" if topic_ok else nav_why
        else:
            topic_ok = topic_matches(label.topic, topic)
    wrong = answered is not None and answered not in allowed and not (label.topic == "handoff" and topic == "handoff")
    if label.topic == "handoff" and not label.options and not label.both:
        service_ok = not wrong  # the service column of a complaint: no other service answered instead
    return Verdict(
        service_ok and topic_ok, service_ok, wrong, clear and yes_no, clear and asked_back, clear, False, why
    )


def next_place(
    place: Optional[int], state: Dict[str, Any], before: Optional[Dict[str, Any]], nav: Optional[str]
) -> Optional[int]:
    """The assistant's place in the materials list after this turn, as far as its replies show it."""
    if before is not None and state.get("service_id") != before.get("service_id"):
        place = None  # another service: its list starts afresh
    topic, index = state.get("topic"), state.get("item_index")
    if topic == "materials":
        if index is not None:
            return index
        return place if nav in ("all", "left", "repeat") else None  # a whole list keeps the place; the end drops it
    if topic == "proxy":
        return None  # the family-member list has another length: the walk starts again
    return place


@dataclasses.dataclass
class MessageResult:
    message: Message
    reply: Reply
    verdict: Verdict


@dataclasses.dataclass
class TurnResult:
    turn: DialogueTurn
    reply: Reply
    verdict: Verdict
    chosen: Optional[str] = None


@dataclasses.dataclass
class DialogueResult:
    dialogue: Dialogue
    turns: List[TurnResult]

    @property
    def right(self) -> bool:
        return len(self.turns) == len(self.dialogue.turns) and all(t.verdict.right for t in self.turns)


def run_messages(api_url: str, messages: List[Message], names: Dict[str, str], workers: int = 4) -> List[MessageResult]:
    def one(message: Message) -> MessageResult:
        with _client() as client:
            reply = Conversation(client, api_url).say(message.text)
        return MessageResult(message, reply, judge(message.label, reply, names))

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, messages))


def run_dialogue(api_url: str, dialogue: Dialogue, names: Dict[str, str]) -> DialogueResult:
    results: List[TurnResult] = []
    before: Optional[Dict[str, Any]] = None
    place: Optional[int] = None
    with _client() as client:
        conversation = Conversation(client, api_url)
        # The writer numbered the options in an order of their own: "2" picks what the assistant offered second,
        # and the follow-ups labelled with the guide the writer meant ("要钱不") are about the one picked.
        picked: Dict[str, str] = {}
        for turn in dialogue.turns:
            reply = conversation.say(turn.text)
            chosen = picked.get(turn.label.guide or "")
            offered = list((before or {}).get("options") or [])
            number = number_answer(turn.text)
            if number and offered and number <= len(offered) and turn.label.guide and not turn.label.nav:
                chosen = offered[number - 1]
                if chosen != turn.label.guide:
                    picked[turn.label.guide] = chosen
            # The first turn (before None) is a fresh conversation: judged like a message.
            verdict = judge(turn.label, reply, names, before, place, chosen)
            results.append(TurnResult(turn, reply, verdict, chosen))
            if reply.status != 200:
                break  # the conversation is gone (or the stack): the rest cannot be scored
            place = next_place(place, reply.state, before, turn.label.nav)
            before = reply.state
    return DialogueResult(dialogue, results)


def run_dialogues(
    api_url: str, dialogues: List[Dialogue], names: Dict[str, str], workers: int = 4
) -> List[DialogueResult]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda d: run_dialogue(api_url, d, names), dialogues))


def _pct(n: int, d: int) -> Optional[float]:
    return round(n / d, 4) if d else None


def set_figures(messages: List[MessageResult], dialogues: List[DialogueResult]) -> Dict[str, Any]:
    """The figures of one set (no sentences): per kind, overall, dialogues."""

    def block(rs: Sequence[Any]) -> Dict[str, Any]:
        vs = [r.verdict for r in rs]
        return {
            "n": len(vs),
            "right": _pct(sum(v.right for v in vs), len(vs)),
            "service": _pct(sum(v.service_ok for v in vs), len(vs)),
            "wrong_service": sum(v.wrong_service for v in vs),
            "clear": sum(v.clear for v in vs),
            "yes_no": sum(v.yes_no for v in vs),
            "asked_back": sum(v.asked_back for v in vs),
            "errors": sum(v.error for v in vs),
        }

    by_kind = collections.defaultdict(list)
    for r in messages:
        by_kind[r.message.kind].append(r)
    turns = [t for d in dialogues for t in d.turns]
    return {
        "per_kind": {k: block(by_kind[k]) for k in KINDS if k in by_kind},
        "overall": block(messages),
        "out_of_scope_answered": sum(
            1 for r in by_kind.get("out_of_scope", []) if answered_service(r.reply.state, None)
        ),
        "dialogues": {
            "right": sum(d.right for d in dialogues),
            "total": len(dialogues),
            "turns": block(turns),
            "turns_total": sum(len(d.dialogue.turns) for d in dialogues),
        },
    }


def _got(reply: Reply) -> str:
    s = reply.state
    got = f"{s.get('service_id')} / {s.get('topic')}"
    if s.get("item_index") is not None:
        got += f" item {s.get('item_index')}"
    if s.get("options"):
        got += f" options {s.get('options')}"
    return got if reply.status == 200 else f"HTTP {reply.status}"


def report_set(
    name: str, labelled: LabelledSet, messages: List[MessageResult], dialogues: List[DialogueResult]
) -> Dict[str, Any]:
    figures = set_figures(messages, dialogues)
    reveal = name in REVEALED
    print(f"\n== {name}: {len(messages)} messages, {len(dialogues)} dialogues ==")
    print(f"{'kind':14s} {'n':>4s} {'right':>7s} {'service':>8s} {'wrong':>6s} {'yes/no':>7s} {'asked':>6s}")

    def row(title: str, b: Dict[str, Any]) -> None:
        pct = lambda v: "    -" if v is None else f"{v:.1%}"  # noqa: E731
        print(
            f"{title:14s} {b['n']:4d} {pct(b['right']):>7s} {pct(b['service']):>8s} {b['wrong_service']:6d} "
            f"{b['yes_no']:7d} {b['asked_back']:6d}"
        )

    for kind, b in figures["per_kind"].items():
        row(kind, b)
    row("overall", figures["overall"])
    d = figures["dialogues"]
    row("dialog turns", d["turns"])
    print(
        f"right: service and topic; wrong: answered with a service the label does not allow; yes/no and asked: "
        f"questions back on the {figures['overall']['clear']} messages labelled with one guide"
    )
    print(f"out-of-scope answered with a service: {figures['out_of_scope_answered']}")
    print(f"dialogues right: {d['right']}/{d['total']}")
    errors = figures["overall"]["errors"] + d["turns"]["errors"]
    if errors:
        print(f"turns not answered with 200: {errors}")
    print(f"label notes: {len(labelled.notes)}" + (f" ({_code_counts(labelled.notes)})" if labelled.notes else ""))
    if not reveal:
        return figures
    for note in labelled.notes:
        print(f"  {note}")
    misses = [r for r in messages if not r.verdict.right]
    print(f"message misses ({len(misses)}):")
    for r in misses:
        why = f" ({r.verdict.why})" if r.verdict.why else ""
        print(
            f"  [{r.message.kind}] line {r.message.line} {r.message.text!r}: want {r.message.label.want()}, "
            f"got {_got(r.reply)}{why}"
        )
    missed = [dr for dr in dialogues if not dr.right]
    print(f"dialogue misses ({len(missed)}):")
    for dr in missed:
        print(f"  {dr.dialogue.name!r} (line {dr.dialogue.line}):")
        for i, t in enumerate(dr.turns, 1):
            mark = "ok  " if t.verdict.right else "MISS"
            extra = f" [number → {t.chosen}]" if t.chosen else ""
            why = f" ({t.verdict.why})" if t.verdict.why and not t.verdict.right else ""
            print(f"    {mark} {i}. {t.turn.text!r}: want {t.turn.label.want()}{extra}, got {_got(t.reply)}{why}")
    return figures


# -- running -------------------------------------------------------------------------------------------
def _parse_sets(value: str) -> List[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SETS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"sets are a comma-separated choice of {','.join(SETS)}")
    return [s for s in SETS if s in chosen]


def load_all(sets: List[str], whole_catalogue: bool = False) -> Dict[str, Any]:
    names = catalogue_names() if whole_catalogue else guide_names()
    loaded: Dict[str, Any] = {}
    for name in sets:
        if name in CATALOGUE_SETS and not whole_catalogue:
            raise ValueError(f"the set {name} is about the sample catalogue's services: add --catalogue")
        if name == "cases":
            loaded[name] = load_cases(known_guides=set(guide_names()))
        else:
            loaded[name] = load_set(name, base=CATALOGUE_SETS.get(name, HERE), known=names)
    return loaded


def check_labels(loaded: Dict[str, Any]) -> None:
    for name, data in loaded.items():
        if name == "cases":
            print(f"cases: {len(data)} utterances, labels valid")
            continue
        turns = sum(len(d.turns) for d in data.dialogues)
        kinds = collections.Counter(m.kind for m in data.messages)
        print(
            f"{name}: {len(data.messages)} messages ({', '.join(f'{k} {kinds[k]}' for k in KINDS if k in kinds)}), "
            f"{len(data.dialogues)} dialogues ({turns} turns), labels valid"
        )
        print(f"  label notes: {len(data.notes)}" + (f" ({_code_counts(data.notes)})" if data.notes else ""))
        if name in REVEALED:
            for note in data.notes:
                print(f"    {note}")


def evaluate(
    api_url: str, loaded: Dict[str, Any], workers: int, whole_catalogue: bool = False
) -> Tuple[Dict[str, Any], bool]:
    names = catalogue_names() if whole_catalogue else guide_names()
    figures: Dict[str, Any] = {}
    ok = True
    for name, data in loaded.items():
        if name == "cases":
            print("== cases ==")
            results = run_cases(api_url, data, workers)
            summary = report(results)
            ok = summary.targets_met()
            figures["cases"] = {
                "n": len(results),
                **dataclasses.asdict(summary),
                "targets_met": ok,
                "errors": sum(r.status != 200 for r in results),
            }
        else:
            messages = run_messages(api_url, data.messages, names, workers)
            dialogues = run_dialogues(api_url, data.dialogues, names, workers)
            figures[name] = report_set(name, data, messages, dialogues)
            figures[name]["label_notes"] = len(data.notes)
    return figures, ok


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.understanding",
        description="Service and topic understanding through the real stack on cases.yml, dev/ and blind/ "
        "(blind: figures only). Exit 1 when cases.yml misses its targets.",
    )
    parser.add_argument(
        "--sets",
        type=_parse_sets,
        default=None,
        help=f"comma-separated sets to score, of {','.join(SETS)} (default: all; {','.join(CATALOGUE_SETS)} "
        "only with --catalogue)",
    )
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures (no sentences) here")
    parser.add_argument(
        "--api-url",
        help="use a running stack instead of starting one (its turn limits must be "
        "raised: BANSHI_TURNS_PER_MINUTE_PER_CLIENT / _PER_SESSION)",
    )
    parser.add_argument("--workers", type=int, default=4, help="conversations at a time (default 4)")
    parser.add_argument(
        "--catalogue",
        action="store_true",
        help="with the whole sample catalogue published (162 guides: benchmarks/whole_catalogue.py)",
    )
    parser.add_argument(
        "--check-labels", action="store_true", help="only load and check the sets' labels (no stack, no model)"
    )
    args = parser.parse_args(argv)
    try:
        sets = args.sets or [s for s in SETS if args.catalogue or s not in CATALOGUE_SETS]
        loaded = load_all(sets, args.catalogue)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.check_labels:
        check_labels(loaded)
        return 0

    def run(api_url: str) -> int:
        figures, ok = evaluate(api_url, loaded, args.workers, args.catalogue)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(f"figures written to {args.json}")
        return 0 if ok else 1

    if args.api_url:
        return run(args.api_url.rstrip("/"))
    from benchmarks.stack import start_bench_stack

    stack = start_bench_stack("banshi-eval-", UNTHROTTLED_ENV, whole_catalogue=args.catalogue)
    try:
        return run(stack.cfg.api_url)
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
