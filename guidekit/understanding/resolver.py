"""Which service does the user mean? Matching text against guide names and aliases from the database.

Two signals, scored so that a weak match is never treated as certain:
1. the alias itself appears in the (simplified, filler-free) text — score 1.0, longer aliases win;
2. the alias sounds the same, syllable by syllable, tone-insensitive and with the usual accent
   confusions folded (zh/z, ch/c, sh/s, n/l, f/h, r/l, ang/an, eng/en, ing/in) — catches
   speech-recognition homophones (社报卡, 身分证, 底保) and pinyin typed on a phone — score 0.9;
3. all but one syllable of an alias of four or more sound the same — score 0.7: never certain
   on its own, so the user is asked to confirm.
When nothing is certain, a guide's own two-character words and its `related_words` (补办, 报销,
每个月…领…钱: words that may mean it or another guide) put it among numbered options, never more;
so does an age ("我八十了能办点啥": the guides whose `ages_from` it has reached, guidekit/understanding/ages.py).
The index is rebuilt from whatever guides it is given, so a new alias works without retraining.

Bounded work, whatever the text (a long random message must not take seconds of CPU):
- sound matching looks the text's syllable pairs up in an index of the aliases' syllable pairs built
  once per snapshot, and compares an alias only where one of its pairs lines up, instead of sliding
  every alias over the text: the cost follows the text's length, not aliases × length;
- it reads only the first SOUND_MAX_CHARS characters: people name the service in their first sentence,
  and further on in a long message a sound-alike is more likely chance than meant (500 random
  characters sound like some two-syllable alias somewhere). An alias written out is found anywhere;
- a time budget (SOUND_BUDGET_SECONDS) ends sound matching as a last guard;
- jieba's part-of-speech HMM, which costs up to tens of milliseconds per unknown character (a rare
  character has all 256 states), runs only when its estimated work is within POS_HMM_BUDGET, many
  times what any ordinary sentence needs; above it, unknown characters are tagged one by one.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import jieba
import jieba.posseg
from jieba.posseg import char_state_tab_P as _POS_CHAR_STATES
from jieba.posseg import trans_P as _POS_TRANSITIONS
from pypinyin import lazy_pinyin

from guidekit.guides.schema import Guide
from guidekit.understanding.ages import age_in, age_stated
from guidekit.understanding.pinyin_input import split_syllables
from guidekit.understanding.textnorm import normalize, strip_fillers
from guidekit.understanding.topics import TOPIC_PAIRS, any_topic_word

CERTAIN = 0.85
POSSIBLE = 0.6
EXACT_SCORE = 1.0
SOUND_SCORE = 0.9
NEAR_SCORE = 0.7
MIN_SOUND_SYLLABLES = 2
MIN_NEAR_SYLLABLES = 4
MAX_OPTIONS = 3
EVIDENCE_CERTAIN = 3
EVIDENCE_POSSIBLE = 2
RELATED_GAP = 6  # characters a "…" in a related word may stand for
# Sound matching reads this much of the (filler-free, punctuation-free) text; the longest sentence of
# the understanding set has 49 characters. A run of typed pinyin under way at the cut is read to its
# end (cut mid-syllable it would not split into syllables at all), up to SOUND_MAX_SYLLABLES.
SOUND_MAX_CHARS = 200
SOUND_MAX_SYLLABLES = 200
# Last guard: sound matching stops after this long and keeps what it found (ordinary sentences: < 1 ms).
SOUND_BUDGET_SECONDS = 0.02
# Estimated steps of jieba's part-of-speech HMM for one text (_pos_hmm_work). The sentences of the
# understanding set need at most about 11,000 as the actions get them (about 2 ms), 73,000 as typed
# (社保卡冇咗…: two characters it never saw, side by side); 80,000 is about 8–15 ms.
POS_HMM_BUDGET = 80_000

log = logging.getLogger(__name__)

_FOLDS = (
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ang", "an"),
    ("eng", "en"),
    ("ing", "in"),
    ("n", "l"),
    ("f", "h"),
    ("r", "l"),
)
HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_OR_LATIN = re.compile(r"([\u4e00-\u9fff]+)|([A-Za-z]+)")
_LATIN_TAIL = re.compile(r"[A-Za-z]*")

# Nouns that belong to the question, not to a service ("儿子去办行吗", "地址在哪").
GENERIC_NOUNS = frozenset(
    """
材料 东西 证件 证明 手续 流程 步骤 地方 地址 地点 位置 窗口 大厅 时间 时候 钟点 钱 费用 价钱 手机 网上 网 电话 号码
人工 人 本人 自己 儿子 女儿 闺女 儿媳 女婿 孙子 孙女 家人 家里人 老伴 孩子 子女 老人 老年人 亲戚 朋友 别人
花钱 交钱 收费 排队 几楼 楼层 现场 当场 跑腿 今天 明天 后天 昨天 周末 星期 礼拜 周一 周二 周三 周四 周五 周六 周日 上午 下午 中午 晚上 早上 点 天 月 年
社保 医保 办证 复印件 原件 多少钱 多长时间 长时间 人能 上能 时限 工本费 手续费 营业时间 办公时间 上班时间 下班 上班 照片 全部 所有 一共 全都 事 事情 业务 服务 东东 样 个 下 遍 哪些 什么 啥 多少 多久 情况 问题 东西 腿脚 身体 岁数 年纪 工作日 小时
""".split()
)
# What people apply for ends like this: 护照, 结婚证, 房产过户, 出生证明, 驾驶执照, 港澳通行证.
SERVICE_OBJECT_ENDINGS = ("证", "照", "卡", "本", "户", "险", "金", "保", "贴", "登记", "证明", "手续", "许可", "签证")
DOCUMENT_ENDINGS = ("证", "照", "卡", "本", "证明")
# Verbs of asking and applying: they carry no subject of their own.
QUESTION_VERBS = frozenset(
    """
办 办理 申请 需要 准备 提交 携带 补办 补领 换领 领取 领 带 知道 听说 想要 可以 要求 问问 咨询 弄 搞 整 去 来 拿
开 交 取 查 走 用 办好 办下来 有 没有 是 能 会 得 说 告诉 帮 看看 问 行不行 行不 可不可以 能不能 好不好
成不成 中不中 得不得 要不要 是不是 有没有 对不对 领点
排队 预约 拍照 照相 寄 寄过去 邮寄 打印 复印
""".split()
)

# Characters of questions and grammar: they say nothing about which service is meant.
STOP_CHARS = frozenset(
    "的了吗呢啊吧呀么什怎要带办哪在几多少钱能可以去我你他她们这那个是有没不和就还也都又再想问请一下咋啥弄整手续"
)
# "新证", "那张卡", "原来的本": a pointing word, then the one-character head of a thing.
_POINTING = re.compile(r"(?:新|旧|老|原|原来的|这|那|这个|那个|这张|那张|这本|那本)(.)")
_NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "vn", "j", "eng")


def fold_pinyin(letters: str) -> str:
    out = letters
    for src, dst in _FOLDS:
        out = out.replace(src, dst)
    return out


def fold_syllable(syllable: str) -> str:
    return fold_pinyin(syllable.lower())


def sound_syllables(text: str) -> Tuple[str, ...]:
    """Toneless, accent-folded syllables: one per Chinese character, typed pinyin split into syllables."""
    out: List[str] = []
    for han, letters in _HAN_OR_LATIN.findall(text):
        if han:
            out.extend(fold_syllable(x) for x in lazy_pinyin(han))
        else:
            out.extend(fold_syllable(x) for x in (split_syllables(letters.lower()) or []))
    return tuple(out)


# One turn's text is cleaned half a dozen times (the match, the unknown subject, related words …);
# converting 500 characters to simplified takes milliseconds each time, so recent ones are kept.
@lru_cache(maxsize=64)
def _said(text: str) -> str:
    return normalize(text)


@lru_cache(maxsize=64)
def _cleaned(text: str) -> str:
    return strip_fillers(text)


def sound_prefix(text: str) -> Tuple[str, ...]:
    """The syllables sound matching reads: those of the first SOUND_MAX_CHARS characters of `text`."""
    head = text[:SOUND_MAX_CHARS]
    if len(text) > SOUND_MAX_CHARS and head[-1:].isascii() and head[-1:].isalpha():
        tail = _LATIN_TAIL.match(text, SOUND_MAX_CHARS)  # (always matches, perhaps nothing)
        head += tail.group() if tail else ""
    return sound_syllables(head)[:SOUND_MAX_SYLLABLES]


@lru_cache(maxsize=None)
def _pos_states(char: str) -> Tuple[int, int]:
    """How many part-of-speech states jieba's HMM gives `char` (all 256 for one it never saw), and how
    many transitions leave them."""
    states = _POS_CHAR_STATES.get(char) or tuple(_POS_TRANSITIONS)
    return len(states), sum(len(_POS_TRANSITIONS[state]) for state in states)


def _pos_hmm_work(tokenizer: jieba.Tokenizer, text: str) -> int:
    """What jieba.posseg's HMM would do for `text`: the steps of its Viterbi over the runs it sends there.

    posseg (jieba 0.42) cuts each block of characters by the dictionary; a run of two or more single
    characters that is no dictionary word goes to a Viterbi over part-of-speech states, which at each
    character gathers the transitions out of the previous character's states and then pairs those
    states with the character's own: about 0.1–0.2 µs a step.
    """
    work = 0
    for block in jieba.posseg.re_han_internal.findall(text):
        route: Dict[int, Tuple[float, int]] = {}
        tokenizer.calc(block, tokenizer.get_DAG(block), route)
        runs, run, x = [], "", 0
        while x < len(block):
            y = route[x][1] + 1
            if y - x == 1:
                run += block[x]
            else:
                runs.append(run)
                run = ""
            x = y
        runs.append(run)
        for run in runs:
            if len(run) > 1 and not tokenizer.FREQ.get(run):
                for han in jieba.posseg.re_han_detail.findall(run):
                    costs = [_pos_states(c) for c in han]
                    work += costs[0][0] + sum(fan + size * costs[i + 1][0] for i, (size, fan) in enumerate(costs[:-1]))
    return work


@dataclasses.dataclass(frozen=True)
class Candidate:
    guide_id: str
    name: str
    score: float
    matched: str
    length: int


_BASE_LOCK = threading.Lock()
_BASE: Optional[jieba.posseg.POSTokenizer] = None


def _fresh_tagger() -> jieba.posseg.POSTokenizer:
    """A private jieba word-and-tag segmenter with the default dictionary, ready to take our words.

    Loading the dictionary and its tags takes over half a second; copying loaded ones takes tens
    of milliseconds, so a published guide reaches every channel sooner.
    """
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _BASE = jieba.posseg.POSTokenizer(tokenizer)
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = dict(_BASE.tokenizer.FREQ), _BASE.tokenizer.total
        tokenizer.initialized = True
        tagger = object.__new__(jieba.posseg.POSTokenizer)
        tagger.tokenizer, tagger.word_tag_tab = tokenizer, dict(_BASE.word_tag_tab)
        return tagger


def _strength(c: Candidate) -> Tuple[bool, int, float]:
    # Among clear matches the longer one says more: "住房公积金" heard as 住房公机金 (0.9)
    # beats the exact but shared "退休" (1.0) in "退休了住房公机金怎么取".
    return (c.score >= CERTAIN, c.length, c.score)


@dataclasses.dataclass(frozen=True)
class Resolution:
    """`status` is certain (one guide), ambiguous (ask with `options`) or none."""

    status: str
    best: Optional[Candidate] = None
    options: Tuple[Candidate, ...] = ()
    unknown_subject: Optional[str] = None
    # Only vague words ("补办", "报销") led here: a service already being discussed stays.
    vague: bool = False
    # The options are what there is for this age ("我八十了能办点啥").
    age: Optional[int] = None

    @property
    def guide_id(self) -> Optional[str]:
        return self.best.guide_id if self.status == "certain" and self.best else None


@dataclasses.dataclass(frozen=True)
class _Term:
    guide_id: str
    text: str
    sound: Tuple[str, ...]


class ServiceIndex:
    """Guide names and aliases, ready to match; build a new one when the guides change."""

    def __init__(self, guides: Iterable[Guide], revision: int = 0):
        self.revision = revision
        self.names: Dict[str, str] = {}
        # Oldest first: at eighty, the 80+ allowance says more than the 60+ card.
        self._by_age = sorted(((g.ages_from, g.id) for g in guides if g.ages_from), reverse=True)
        self._terms: List[_Term] = []
        words = set()
        for guide in guides:
            self.names[guide.id] = guide.name
            for said in [guide.name, *([guide.short_name] if guide.short_name else []), *guide.aliases]:
                norm = normalize(said)
                if norm:
                    self._terms.append(_Term(guide.id, norm, sound_syllables(norm)))
                    words.add(norm)
            words.update(normalize(m.name) for m in guide.materials_in_any_situation if len(m.name) > 1)
        owners: Dict[str, set] = {}
        for term in self._terms:
            for i in range(len(term.text) - 1):
                owners.setdefault(term.text[i : i + 2], set()).add(term.guide_id)
        self._related: List[Tuple[str, "re.Pattern[str]"]] = []
        self._objects_of: Dict[str, str] = {}
        for guide in guides:
            for word in guide.related_words:
                pieces = [re.escape(normalize(p)) for p in word.split("…")]
                self._related.append((guide.id, re.compile(f".{{0,{RELATED_GAP}}}".join(pieces))))
        for term in self._terms:
            self._objects_of[term.guide_id] = self._objects_of.get(term.guide_id, "") + "|" + term.text
        # A topic word inside an alias ("什么时候退休" has 时候) says what is asked, not which service: "身份证
        # 什么时候能拿到" was offered the retirement guide on it.
        self._distinctive_grams = {
            gram: next(iter(ids))
            for gram, ids in owners.items()
            if len(ids) == 1 and not set(gram) <= STOP_CHARS and gram not in TOPIC_PAIRS
        }
        # Every pair of neighbouring syllables of every alias, with the alias and where the pair sits in it.
        self._sound_pairs: Dict[Tuple[str, str], List[Tuple[int, int]]] = {}
        for number, term in enumerate(self._terms):
            if len(term.sound) >= MIN_SOUND_SYLLABLES:
                for at, pair in enumerate(zip(term.sound, term.sound[1:])):
                    self._sound_pairs.setdefault(pair, []).append((number, at))
        self._token_cache: Dict[str, Tuple[Tuple[str, str], ...]] = {}
        # A private jieba instance: the global one belongs to whoever else runs in the process.
        self._posseg = _fresh_tagger()
        self._tokenizer = self._posseg.tokenizer
        for word in words:
            self._tokenizer.add_word(word, freq=50000, tag="nz")
        self._known_words = words
        # All names, aliases (and, for _known_text, material names) in one string, to look words up in.
        self._service_text = "|".join(t.text for t in self._terms)
        self._known_text = "|".join(sorted(words))

    def points_at(self, subject: str, guide_id: str) -> bool:
        """Whether an unknown subject is only this guide's own thing said with a pointing word: "新证" or "那个证"
        while the ID card is discussed, "旧卡" for the social security card ("什么时候能拿到新证" is no new service
        we lack a guide for). A named thing ("驾驶证") is never one: only these words before the head."""
        said = _POINTING.fullmatch(normalize(subject))
        if said is None:
            return False
        return any(term.guide_id == guide_id and term.text.endswith(said.group(1)) for term in self._terms)

    def candidates(self, text: str) -> List[Candidate]:
        cleaned = _cleaned(text)
        if not cleaned:
            return []
        by_sound = self._sound_scores(sound_prefix(cleaned))
        best: Dict[str, Candidate] = {}
        for number, term in enumerate(self._terms):
            if term.text in cleaned:
                score = EXACT_SCORE
            else:
                sounded = by_sound.get(number)
                if sounded is None:
                    continue
                score = sounded
            cand = Candidate(term.guide_id, self.names[term.guide_id], score, term.text, len(term.text))
            held = best.get(term.guide_id)
            if held is None or _strength(cand) > _strength(held):
                best[term.guide_id] = cand
        return sorted(best.values(), key=_strength, reverse=True)

    def _sound_scores(self, sound: Tuple[str, ...]) -> Dict[int, float]:
        """Aliases (by number) that sound like a stretch of `sound`: SOUND_SCORE for every syllable
        alike, NEAR_SCORE for all but one of four or more.

        Only where an alias's syllable pair lines up with the text's is the alias compared: a stretch
        with no miss shares all its pairs, and one miss in four or more syllables spoils at most two
        of the three or more pairs, so no such stretch is left out.
        """
        deadline = time.perf_counter() + SOUND_BUDGET_SECONDS
        fewest: Dict[int, int] = {}  # alias number → fewest syllables missed in any stretch so far
        compared = set()
        n = len(sound)
        for i in range(n - 1):
            postings = self._sound_pairs.get((sound[i], sound[i + 1]))
            if not postings:
                continue
            if time.perf_counter() > deadline:
                log.warning(
                    "sound matching stopped after %.0f ms at syllable %d of %d", SOUND_BUDGET_SECONDS * 1000, i, n
                )
                break
            for number, at in postings:
                start = i - at
                term = self._terms[number].sound
                if fewest.get(number) == 0 or start < 0 or start + len(term) > n or (number, start) in compared:
                    continue
                compared.add((number, start))
                misses = 0
                for a, b in zip(term, sound[start : start + len(term)]):
                    if a != b:
                        misses += 1
                        if misses > 1:
                            break
                if misses < fewest.get(number, 2):
                    fewest[number] = misses
        return {
            number: SOUND_SCORE if misses == 0 else NEAR_SCORE
            for number, misses in fewest.items()
            if misses == 0 or len(self._terms[number].sound) >= MIN_NEAR_SYLLABLES
        }

    def resolve(self, text: str) -> Resolution:
        found = self.candidates(text)
        top = found[0] if found else None
        if top is None or top.score < CERTAIN:
            # Nothing heard clearly, but something we have no guide for was named ("护照过期了"):
            # say so, rather than offer a guide that merely sounds alike.
            subject = self.unknown_subject(text)
            if subject:
                return Resolution("none", unknown_subject=subject)
            for_age = self._for_age(text)
            if for_age is not None:
                return for_age
            # The guides' own two-character words may still agree.
            evidence = self._by_evidence(text, found)
            if evidence is not None and evidence.status == "certain":
                return evidence
            return self._with_related(text, evidence or self._weak(text, found))
        # Equal strength across guides (e.g. plain "身份证"): ask, never pick one at random.
        tied = [c for c in found if _strength(c) == _strength(top)]
        if len(tied) == 1:
            return Resolution("certain", best=top, options=(top,))
        close = [c for c in found if c.score >= POSSIBLE and top.score - c.score <= 0.1 and c.length >= top.length - 1][
            :MAX_OPTIONS
        ]
        if len(close) == 1:
            return Resolution("certain", best=top, options=(top,))
        ids = [c.guide_id for c in close]
        # The rest of the sentence may settle a shared name: "身份证到期换领" has 到/期/换,
        # only renewal's words. Two-character shared words (医保, 社保) are too vague for that;
        # a related word of one of them ("医保" + "外地看病") is not.
        chosen = self._related_choice(text, ids)
        if chosen is None and top.length >= 3:
            chosen = self._distinctive_choice(text, ids)
        if chosen is None:
            chosen = self._age_choice(text, ids)
        if chosen:
            best = next(c for c in close if c.guide_id == chosen)
            return Resolution("certain", best=best, options=(best,))
        if top.length <= 2:
            # "社保缴费记录怎么查": the shared word is only the setting of something we have no guide for.
            subject = self.unknown_subject(text, strict=False)
            if subject and top.matched in subject:
                return Resolution("none", unknown_subject=subject)
        return Resolution("ambiguous", best=top, options=tuple(close))

    def _age_choice(self, text: str, ids: Sequence[str]) -> Optional[str]:
        """ "老母亲九十二了,说是有份补贴": 补贴 is a word of 低保 and 高龄津贴; the age says which — the one option
        that is for people of that age and that the age has reached."""
        age = age_stated(text)
        if age is None:
            return None
        reached = [gid for ages_from, gid in self._by_age if gid in ids and ages_from <= age]
        return reached[0] if len(reached) == 1 else None

    def _for_age(self, text: str) -> Optional[Resolution]:
        """ "我八十了能办点啥": the guides that age has reached, as options; None if no age is asked about."""
        age = age_in(text)
        if age is None:
            return None
        reached = [gid for ages_from, gid in self._by_age if ages_from <= age]
        # "我妈八十一了…每个月能领点钱": a related word among them narrows the choice, maybe to one.
        hits = self.related_hits(text)
        hinted = [gid for gid in reached if gid in hits]
        if len(hinted) == 1:
            best = Candidate(hinted[0], self.names[hinted[0]], CERTAIN, str(age), 0)
            return Resolution("certain", best=best, options=(best,), age=age)
        options = [Candidate(gid, self.names[gid], POSSIBLE, str(age), 0) for gid in (hinted or reached)][:MAX_OPTIONS]
        return Resolution("ambiguous", best=options[0], options=tuple(options), age=age) if options else None

    def _weak(self, text: str, found: List[Candidate]) -> Resolution:
        """No certain match and no evidence: a near sound-alike to confirm, or nothing."""
        top = found[0] if found else None
        if top is None or top.score < POSSIBLE:
            return Resolution("none", unknown_subject=self.unknown_subject(text))
        close = [c for c in found if c.score >= POSSIBLE and top.score - c.score <= 0.1 and c.length >= top.length - 1][
            :MAX_OPTIONS
        ]
        return Resolution("ambiguous", best=top, options=tuple(close))

    def related_hits(self, text: str) -> Dict[str, int]:
        """How many related words of each guide the text uses, leaving out guides for another thing.

        "不动产证丢了" uses 丢了 (a word of the two card-replacement guides) about a 不动产证,
        which neither of them is for: such a hit does not count.
        """
        said = _said(text)
        hits: Dict[str, int] = {}
        for gid, pattern in self._related:
            if pattern.search(said):
                hits[gid] = hits.get(gid, 0) + 1
        return self._about_named(text, hits)

    def _about_named(self, text: str, counts: Dict[str, int]) -> Dict[str, int]:
        """Keep the guides whose own words include every document the text names."""
        if not counts:
            return counts
        objects = self.named_objects(text)
        return {gid: n for gid, n in counts.items() if all(obj in self._objects_of[gid] for obj in objects)}

    def _tokens(self, cleaned: str) -> Tuple[Tuple[str, str], ...]:
        """Words with their part of speech; a lone 证/卡/本 joins the word before it ("不动产" + "证").

        A text whose unknown characters would cost the HMM more than POS_HMM_BUDGET is cut without
        it (each unknown character a word of its own). One text is asked about several times per
        turn, so the last few are kept.
        """
        held = self._token_cache.get(cleaned)
        if held is not None:
            return held
        hmm = _pos_hmm_work(self._tokenizer, cleaned) <= POS_HMM_BUDGET
        out: List[Tuple[str, str]] = []
        for word, flag in self._posseg.lcut(cleaned, HMM=hmm):
            if (
                len(word) == 1
                and word in SERVICE_OBJECT_ENDINGS
                and out
                and len(out[-1][0]) >= 2
                and out[-1][0] not in GENERIC_NOUNS
                and out[-1][0] not in QUESTION_VERBS
            ):
                out[-1] = (out[-1][0] + word, "n")
            else:
                out.append((word, flag))
        if len(self._token_cache) >= 8:
            self._token_cache.clear()
        self._token_cache[cleaned] = tokens = tuple(out)
        return tokens

    def named_objects(self, text: str) -> List[str]:
        """Documents the text names (驾驶证, 户口本, 不动产证): things one loses, renews or replaces."""
        return [
            word
            for word, flag in self._tokens(_cleaned(text))
            if len(word) >= 2
            and flag.startswith(_NOUN_FLAGS)
            and word.endswith(DOCUMENT_ENDINGS)
            and word not in GENERIC_NOUNS
        ]

    def _with_related(self, text: str, base: Resolution) -> Resolution:
        """Add the guides whose related words the text uses to the options (at most three)."""
        hits = self.related_hits(text)
        if not hits:
            return base
        signal = dict(hits)
        for c in base.options:
            signal[c.guide_id] = signal.get(c.guide_id, 0) + 1
        order = {c.guide_id: i for i, c in enumerate(base.options)}
        ranked = sorted(signal, key=lambda gid: (-signal[gid], order.get(gid, len(order))))[:MAX_OPTIONS]
        options = tuple(
            next((c for c in base.options if c.guide_id == gid), None)
            or Candidate(gid, self.names[gid], POSSIBLE, "", 0)
            for gid in ranked
        )
        only_related = not base.options
        return Resolution("ambiguous", best=options[0], options=options, vague=only_related)

    def _related_choice(self, text: str, option_ids: Sequence[str]) -> Optional[str]:
        """The one option of a tie that the text's related words point to."""
        hits = self.related_hits(text)
        pointed = [gid for gid in option_ids if hits.get(gid)]
        return pointed[0] if len(pointed) == 1 else None

    def _by_evidence(self, text: str, found: List[Candidate]) -> Optional[Resolution]:
        """Count the two-character pieces of the text that belong to one guide's words only.

        "我想把户口迁到闺女家去" shares 户口 / 口迁 / 迁到 with one guide: certain at three or more
        pieces and two ahead of any other guide; two pieces is only a question to confirm.
        """
        said = _said(text)
        counts: Dict[str, int] = {}
        for gram in {said[i : i + 2] for i in range(len(said) - 1)}:
            gid = self._distinctive_grams.get(gram)
            if gid:
                counts[gid] = counts.get(gid, 0) + 1
        # "驾驶证丢了": 丢了 is a piece of "身份证丢了", but the text is about a 驾驶证.
        counts = self._about_named(text, counts)
        ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] < EVIDENCE_POSSIBLE:
            return None
        gid, count = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        score = CERTAIN if count >= EVIDENCE_CERTAIN and count - runner_up >= 2 else POSSIBLE
        if found and found[0].score > score:
            return None  # a sound match already says more
        best = Candidate(gid, self.names[gid], score, "", count)
        if score >= CERTAIN:
            return Resolution("certain", best=best, options=(best,))
        options = [
            Candidate(g, self.names[g], POSSIBLE, "", c) for g, c in ranked if c >= EVIDENCE_POSSIBLE and count - c <= 1
        ][:MAX_OPTIONS]
        return Resolution("ambiguous", best=best, options=tuple(options))

    def unknown_subject(self, text: str, strict: bool = True) -> Optional[str]:
        """What the text asks about that is no service we know ("护照"), or None if there is none.

        `strict` (a service is already being discussed) counts only nouns naming a thing one applies
        for (…证, …照, …户), so "儿子去办行吗" stays on it. Otherwise any content word counts,
        including a material asked for on its own ("户口本丢了"): there is no guide for that either.
        """
        cleaned = _cleaned(text)
        if not HAN.search(cleaned):
            return None
        vocabulary = self._known_text if strict else self._service_text
        run: List[str] = []
        new_words: List[str] = []
        for word, flag in self._tokens(cleaned):
            # A word our guides use ("落户" in "随子女落户") is not a foreign subject by itself,
            # but it stays with one that is ("房产" + "过户", "出生" + "证明").
            if len(word) >= 2 and word not in vocabulary and self._is_content(word, flag, strict):
                run.append(word)
                new_words.append(word)
                continue
            if len(word) >= 2 and flag.startswith(_NOUN_FLAGS):
                run.append(word)
                continue
            if new_words and self._counts(run, strict):
                break
            run, new_words = [], []
        return "".join(run) if new_words and self._counts(run, strict) else None

    @staticmethod
    def _is_content(word: str, flag: str, strict: bool) -> bool:
        if flag.startswith(_NOUN_FLAGS) and word not in GENERIC_NOUNS:
            return strict or not any_topic_word(word, exact=True)
        # "上办", "办要" (how jieba cuts "手机上办", "办要多久"): doing, not a subject.
        return (
            not strict
            and flag.startswith("v")
            and word not in QUESTION_VERBS
            and not word.startswith("办")
            and not word.endswith("办")
            and not any_topic_word(word)
        )

    @staticmethod
    def _counts(run: List[str], strict: bool) -> bool:
        # "新生儿" + "落户": the whole phrase names a thing one applies for, though 落户 is ours.
        return (
            not strict
            or "".join(run).endswith(SERVICE_OBJECT_ENDINGS)
            or any(w.endswith(SERVICE_OBJECT_ENDINGS) for w in run)
        )

    def clear_caches(self) -> None:
        """Forget the texts recently cleaned and cut (benchmarks time each resolution from scratch)."""
        self._token_cache.clear()
        _said.cache_clear()
        _cleaned.cache_clear()

    def is_known_word(self, word: str) -> bool:
        """A guide name, alias or material name ("户口本")."""
        return normalize(word) in self._known_words

    def option_ids(self, resolution: Resolution) -> List[str]:
        return [c.guide_id for c in resolution.options]

    def pick_by_words(self, text: str, option_ids: Sequence[str]) -> Optional[str]:
        """The option the words point to ("社保卡那个", "丢了的那个"), when exactly one fits.

        First a name or alias of exactly one option; else the characters that only one option's
        names use (丢 / 补 for 补领, 到期 / 换 for 换领), when the text shares them with one option only.
        """
        hits = [c.guide_id for c in self.candidates(text) if c.guide_id in option_ids]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
        return self._distinctive_choice(text, option_ids)

    def _distinctive_choice(self, text: str, option_ids: Sequence[str]) -> Optional[str]:
        """The one option whose own characters (used by no other option) the text uses most."""
        chars = {gid: set("".join(t.text for t in self._terms if t.guide_id == gid)) - STOP_CHARS for gid in option_ids}
        said = set(_said(text))
        scores = {}
        for gid in option_ids:
            others = set().union(*(chars[o] for o in option_ids if o != gid))
            scores[gid] = len(said & (chars[gid] - others))
        best = max(scores.values(), default=0)
        winners = [gid for gid, score in scores.items() if score == best]
        return winners[0] if best > 0 and len(winners) == 1 else None
