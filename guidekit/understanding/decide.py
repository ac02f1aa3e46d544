"""Which service a message is about: the name and sound matching and the meaning matching, weighed together.

The name/sound matcher (`guidekit/understanding/resolver.py`) is precise when a name or alias is said ("补社保卡"),
and silent or vague when people describe their need ("看病刷的卡读不出来了": nothing named; "退休了钱
怎么领": only the shared word 退休). The meaning matcher (`guidekit/understanding/meaning.py`) ranks every guide, and the
needs we have no guide for, by how near the message is to what people say about them. A careful clerk:
- a name said clearly is followed, unless its meaning is clearly one of the needs we have no guide for
  ("驾照过期换证要体检吗,我才五十出头" says 驾照, but it is the ordinary renewal, not the 70+ one), or a
  sound-alike is outweighed by a clearly nearer guide;
- a name shared by guides (身份证, 养老金) is settled only by a clear lead in meaning; otherwise asked;
- vague words and descriptions are settled by meaning when one guide leads the others and the needs we
  have no guide for; two or three close together are offered as numbered options; nothing near is "no guide".

The thresholds are on the multilingual-e5-small cosine scale (related sentences score about 0.85–0.97) and
were chosen on `benchmarks/understanding/dev/` (never on the blind set) to make a wrong service rare: a
wrong service costs four right ones in the choice. `make understanding` measures them.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Tuple

from guidekit.understanding.meaning import Meaning, MeaningIndex, clip
from guidekit.understanding.resolver import CERTAIN, POSSIBLE, Candidate, Resolution, ServiceIndex
from guidekit.understanding.services_by_meaning import ServiceClassifier

# A guide must lead the needs we have no guide for by this much to be chosen from meaning alone …
LEAD_OVER_ELSEWHERE = 0.005
# … when nothing of ours is named at all, by this much (a lost 户口本 is near a lost ID card in meaning) …
MEANING_ALONE_LEAD = 0.015
# … and when that message is short ("要花钱吗" is far from everything alike), by this much.
SHORT_LEAD = 0.04
# … and lead the second guide by this much (when only vague words were matched: VAGUE_MARGIN).
MARGIN = 0.005
VAGUE_MARGIN = 0.01
# A name shared by several guides (身份证) is settled by meaning only with a clear lead.
SHARED_NAME_MARGIN = 0.05
# Guides this close to the first are offered together.
OPTION_BAND = 0.005
# Below this, nothing we know is near: no guide (greetings, chit-chat, other matters).
FLOOR = 0.88
# Options offered from meaning alone need a nearer match ("呜呜呜" is 0.88 from something).
OPTIONS_FLOOR = 0.9
# A message this long is a story: the names in it may be context.
LONG_MESSAGE = 40
# A message this short says little beyond its vague word.
SHORT_MESSAGE = 8
# Vague words of ours in a message this short are asked about even when an unguided need is a little nearer.
VAGUE_SHORT = 12  # characters: "我的卡丢了,怎么补"
# A clearly named guide is dropped for "no guide" when the needs we have no guide for lead by this much …
NAMED_BUT_ELSEWHERE = -0.01
# A name that the needs we have no guide for also use in this many of their sayings (guidekit/data/elsewhere.yml:
# 医保卡 for a card's password, 养老金 for the amount) names the thing, not the need ("在海南过冬看病想直接刷医保卡,
# 要先登记那个": the card is the means, the filing the need): it gives way to a clearly nearer guide like a
# sound-alike. Editors widen or narrow it by the sayings they add, not by a word list.
SHARED_WITH_ELSEWHERE_SAYINGS = 3
# … and so does a name that other guides' sayings use this often: with a city's catalogue, 敬老卡 is said about
# getting the bus card and about its yearly check, 社保卡 about getting, losing and its password. The name
# one guide was given then names the thing, and the meaning of the rest of the message says which need.
SHARED_WITH_OTHERS_SAYINGS = 3
# … and a sound-alike is replaced by a guide nearer in meaning by this much.
SOUND_OUTWEIGHED = 0.01
# Vague words lead to "no guide" when an unguided need is this much nearer than any guide.
VAGUE_BUT_ELSEWHERE = -0.01
# … and a name shared by guides (身份证) only when it is clearly nearer ("孩子第一次办身份证").
SHARED_NAME_BUT_ELSEWHERE = -0.02
MAX_OPTIONS = 3
# How near a need we have no guide for must be to be named in the 12345 answer.
ELSEWHERE_NEAR = 0.92
# When the intent classifier heard no government matter, meaning must lead the unguided needs by this much more.
DOUBTED_LEAD = 0.01
# A second service named in passing counts with a name this long, or with its meaning this near the first's
# (measured on dev, dev2 and cases: 23 of 28 messages naming two needs kept, 81 → 7 of 762 false mentions).
ALSO_NAMED_LENGTH = 4
ALSO_NAMED_BAND = 0.01
# A second need described without its name counts when one clause (CLAUSE_CHARS or longer, split at punctuation
# and at 还有/顺便/另外/以及/同时) is this near a guide in meaning and leads the first guide by this much in it
# (dev, dev2 and cases: 25 → 30 of the 30 messages naming two needs kept, false mentions 13 → 15 of 837).
CLAUSES = re.compile(r"[,，。;；!！?？、\s]+|还有|顺便|另外|以及|同时")
CLAUSE_CHARS = 5
CLAUSE_NEAR = 0.93
CLAUSE_LEAD = 0.04
MAX_CLAUSES = 6
# A follow-up naming nothing ("能让闺女替我去办吗" while the ID card is discussed) leaves the service being
# discussed only when its meaning leads the unguided needs by this much …
SWITCH_LEAD = 0.02
# While a service is discussed, a message naming nothing moves to another only with this lead over it …
SWITCH_MARGIN = 0.03
# … or with this lead when the message opens by announcing another matter ("另外 我下半年要去上海儿子家住 在那边拿药
# 要先办什么" while the outpatient recognition is discussed: 0.023 nearer the off-site filing, 0.014 ahead of the
# needs we have no guide for), and this lead over those needs. Such openings are a closed class of the language,
# not words of any service: the person has said the question is a new one.
NEW_MATTER_MARGIN = 0.01
NEW_MATTER = re.compile(r"^[\W哦噢嗯啊好]*(另外|顺便|对了|还有(个|件|一件)事|我?再问(一)?(个|下))")
# … and to "no guide" (a need we have no guide for, or a thing the words name that no guide of ours has) only
# with this lead of that need over the service discussed: "办这个卡收钱不", "钱多久能打到卡上", "外地户口在这边
# 住的能办吗" are follow-ups about it, though their words (卡, 户口) are also said of needs we have no guide for
# (on dev/dev5 dialogues such follow-ups had that need at most 0.015 ahead); "顺便问下 我自己五十六 驾照到期了换
# 本子咋弄" (the ordinary licence, 0.025 ahead) and "护照过期了能在你这办吗" (0.038) are other matters.
LEAVE_FOR_ELSEWHERE = 0.02
# The service classifier (guidekit/understanding/services_by_meaning.py) settles a message left undecided when it gives one
# guide this probability, and the needs we have no guide for at most NO_GUIDE_UNLIKELY …
CLASSIFIER_SURE = 0.6
NO_GUIDE_UNLIKELY = 0.1
# … except a message this short with vague words of ours ("看病报销的那个登记怎么弄", "退休了钱咋领"): it says too
# little to choose for the person, who is asked.
CLASSIFIER_VAGUE_SHORT = 14


# A long message (a letter, a story) where the service classifier finds a need we have no guide for the likeliest
# reading, at this much or more, is answered "no guide" whatever it names: in a letter to the city, 身份证, 公积金 or
# 养老金 are as often the setting of another matter ("…身份证上的出生日期错了,怎么更正", "…租房能提公积金吗",
# "养老金什么时候上调") as the need. On dev4 (150 letters to a public message board): 20 of the 70 letters about
# other matters no longer answered with a service or options, none of the 55 questions about ours lost; no message
# of dev, dev2, dev3 or cases.yml changed (0.4 lost a letter about ours).
NOWHERE_IN_LONG = 0.5

# A message that is one of a guide's sayings word for word is that guide (MeaningIndex.said_of), when it is this
# long: a bare "怎么领" or "补办" an editor added says too little to override a conversation's service.
SAID_AT_LEAST = 6


def _candidate(index: ServiceIndex, guide_id: str, score: float) -> Candidate:
    return Candidate(guide_id, index.names[guide_id], score, "", 0)


class Understanding:
    """One revision's name/sound index and meaning index; `resolve` is what the actions ask."""

    def __init__(
        self,
        index: ServiceIndex,
        meaning: Optional[MeaningIndex],
        services: Optional[Callable[[], Optional[ServiceClassifier]]] = None,
    ):
        self.index, self.meaning = index, meaning
        # The fitted service classifier, asked at each use: after a publish it is refitted in the background.
        self.services = services

    def resolve(self, text: str, current: Optional[str] = None, doubted: bool = False) -> Resolution:
        """`current`: the service being discussed. A follow-up that names nothing ("那去哪里交呢")
        stays with it unless its meaning is clearly another guide's. `doubted`: the intent classifier heard
        something that is no government service ("血压高吃什么药好"): meaning alone must lead further."""
        if self.meaning is not None and len(text) >= SAID_AT_LEAST:
            said_of = self.meaning.said_of(text)
            if said_of is not None and said_of in self.index.names:
                return self._certain(said_of, CERTAIN)  # one of its example sentences, word for word
        if (
            current is None
            and self.meaning is not None
            and len(text) > LONG_MESSAGE
            and self._classified_elsewhere(text)
        ):
            meant = self.meaning.meaning(text)
            return Resolution(
                "none", unknown_subject=meant.elsewhere_about if meant.elsewhere >= ELSEWHERE_NEAR else None
            )
        named = self.index.resolve(text)
        if current is not None and named.unknown_subject and self.index.points_at(named.unknown_subject, current):
            named = Resolution("none")  # "什么时候能拿到新证" in the ID card's walk: its new card
        if self.meaning is None or named.age is not None:
            return named  # "我八十了能办点啥" lists what that age may ask for
        decided = self.decide(
            named, self.meaning.meaning(text), current, len(text), doubted, new_matter=bool(NEW_MATTER.match(text))
        )
        if current is not None and decided is named and self._unsupported_guess(text, named):
            # "我在闺女家住 离得远 孩子帮我弄行吗" while the pension check is discussed sounds like moving one's
            # household to a child's; a guess the classifier does not back does not interrupt the conversation
            # with "您是想问…吗". One it backs is still asked ("第二个,家里困难那个" after the old-age allowance
            # was answered: 低保, by the classifier 0.81).
            return Resolution("none")
        if named.status == "certain" and named.best is not None and decided.status == "ambiguous":
            # A name other guides share, and the meaning nearly as close to another of them ("社保卡挂失": the
            # card's replacement or reporting it lost): the classifier settles it when sure, else the person —
            # unless the other is named too ("身份证和社保卡都丢了": two needs, taken one after the other).
            if decided.options[0].guide_id in self.also_named(text, named.best.guide_id):
                return named
            return self._classified(text, named, among=[o.guide_id for o in decided.options]) or decided
        if decided.status == "certain" or named.status == "certain" or current is not None or doubted:
            return decided
        return self._classified(text, named) or decided

    def _unsupported_guess(self, text: str, named: Resolution) -> bool:
        """The words only suggest a guide (no name said, no vague word of ours: a sound or a few telling words),
        and the service classifier gives it less than CLASSIFIER_SURE (False without a classifier)."""
        best = named.best
        if named.status != "ambiguous" or named.vague or best is None or best.score >= CERTAIN:
            return False
        read = self._read_by_classifier(text)
        return read is not None and read[0].get(best.guide_id, 0.0) < CLASSIFIER_SURE

    def _read_by_classifier(self, text: str) -> Optional[Tuple[Dict[str, float], float]]:
        """(probability of each published guide, probability of a need we have no guide for) by the service
        classifier, from the vector the meaning matching made; None while none is fitted (or without meaning)."""
        classifier = self.services() if self.services is not None else None
        if classifier is None or self.meaning is None:
            return None
        read = clip(text)
        guides, nowhere = classifier.probabilities(read, self.meaning.cache.query(read))
        return {gid: p for gid, p in guides.items() if gid in self.index.names}, nowhere  # (a guide since withdrawn)

    def _classified_elsewhere(self, text: str) -> bool:
        """The service classifier reads the message as a need we have no guide for, more likely than any guide
        and at NOWHERE_IN_LONG or more (False without a classifier)."""
        read = self._read_by_classifier(text)
        if read is None:
            return False
        guides, nowhere = read
        return nowhere >= NOWHERE_IN_LONG and nowhere >= max(guides.values(), default=0.0)

    def _classified(self, text: str, named: Resolution, among: Optional[List[str]] = None) -> Optional[Resolution]:
        """The guide the service classifier is sure of, for a message the nearest sayings left undecided
        ("人在海南过冬,看病想用东北的医保,手机上能弄吗" was offered three guides); None when it is not sure."""
        read = (
            None
            if named.status == "ambiguous" and len(text) <= CLASSIFIER_VAGUE_SHORT
            else self._read_by_classifier(text)
        )
        if read is None:
            return None
        guides, nowhere = read
        if among is not None:
            guides = {gid: p for gid, p in guides.items() if gid in among}
        if not guides or nowhere > NO_GUIDE_UNLIKELY:
            return None
        top = max(guides, key=guides.__getitem__)
        return self._certain(top, CERTAIN) if guides[top] >= CLASSIFIER_SURE else None

    def also_named(self, text: str, chosen: str) -> List[str]:
        """Other guides the message names clearly, each by words of its own ("身份证和社保卡都丢了" →
        the ID card besides the social security card). A name shared by guides (身份证) counts once, as
        the guide nearest in meaning."""
        found = [c for c in self.index.candidates(text) if c.score >= CERTAIN and c.length >= 2]
        mine = [c.matched for c in found if c.guide_id == chosen]
        found = [c for c in found if c.guide_id != chosen and not any(c.matched in m or m in c.matched for m in mine)]
        if not found:
            return self._described_besides(text, chosen)
        meant = self.meaning.meaning(text) if self.meaning is not None else None
        others: dict = {}
        for c in found:
            # A short name in a story is as often its setting as a second need ("我是去年退休的…公积金…能一次
            # 全拿出来吗": 退休 is when, not what): it counts when the meaning nearly supports it as well.
            if (
                c.length < ALSO_NAMED_LENGTH
                and meant is not None
                and meant.score - meant.score_of(c.guide_id) > ALSO_NAMED_BAND
            ):
                continue
            others.setdefault(c.matched, []).append(c.guide_id)
        if not others:
            return self._described_besides(text, chosen)
        picked: List[str] = []
        for ids in others.values():
            best = max(ids, key=meant.score_of) if meant is not None and len(ids) > 1 else ids[0]
            if best not in picked:
                picked.append(best)
        return picked[:1]

    def _described_besides(self, text: str, chosen: str) -> List[str]:
        """A second need described in a part of its own, not named ("我身份证掉了,户口还想迁到女儿那里,先办哪个":
        迁户口 is never said as such): a clause whose meaning is clearly another guide's. Only in a message of
        several clauses; each clause is read alone, so a story's setting ("刚退休在家") rarely reaches the bar."""
        clauses = [c for c in CLAUSES.split(text) if len(c) >= CLAUSE_CHARS]
        if self.meaning is None or len(clauses) < 2:
            return []
        for clause in clauses[:MAX_CLAUSES]:
            meant = self.meaning.meaning(clause)
            top = meant.top
            if (
                top is not None
                and top != chosen
                and top in self.index.names
                and meant.score >= CLAUSE_NEAR
                and meant.score - meant.score_of(chosen) >= CLAUSE_LEAD
            ):
                return [top]
        return []

    def decide(
        self,
        named: Resolution,
        meant: Meaning,
        current: Optional[str] = None,
        length: int = 0,
        doubted: bool = False,
        new_matter: bool = False,
    ) -> Resolution:
        """`new_matter`: the message opens by announcing another matter ("另外", "顺便问下")."""
        top, score = meant.top, meant.score
        switch_margin, switch_lead = (
            (NEW_MATTER_MARGIN, NEW_MATTER_MARGIN) if new_matter else (SWITCH_MARGIN, SWITCH_LEAD)
        )
        if top is None:
            return named  # no guide to be near (an empty catalogue): the words alone
        lead = meant.lead_over_elsewhere - (DOUBTED_LEAD if doubted else 0.0)
        # "No guide, call 12345" only when a need we have no guide for is really near; a question that
        # names nothing ("要花钱吗") is merely far from everything, and is asked which service it is about.
        elsewhere = (
            Resolution("none", unknown_subject=meant.elsewhere_about)
            if meant.elsewhere >= ELSEWHERE_NEAR
            else Resolution("none")
        )
        if named.status == "certain" and named.best is not None:
            chosen = named.best.guide_id
            if lead < NAMED_BUT_ELSEWHERE:
                return elsewhere
            if top == chosen:
                return named
            # A sound-alike, or a bare two-character word (退休, 低保), gives way to a clearly nearer guide.
            # … and so does any name in a long story, where it is as often life context as the need
            # ("我退休在家…听说老人坐车不要钱": 退休 is the setting, the senior card the need).
            said = named.best.matched
            shared_by_others = self.meaning is not None and self.meaning.shared_with_other_guides(
                said, chosen, SHARED_WITH_OTHERS_SAYINGS
            )
            weak = (
                named.best.score < 1.0
                or named.best.length <= 2
                or length > LONG_MESSAGE
                or shared_by_others
                or (
                    self.meaning is not None and self.meaning.shared_with_elsewhere(said, SHARED_WITH_ELSEWHERE_SAYINGS)
                )
            )
            ahead = score - meant.score_of(chosen)
            if weak and ahead > SOUND_OUTWEIGHED and lead > LEAD_OVER_ELSEWHERE:
                return self._certain(top, score)
            if shared_by_others and ahead > 0 and lead > LEAD_OVER_ELSEWHERE:
                return self._options([top, chosen])  # as near: the person chooses
            return named
        if named.status == "ambiguous":
            ids = [c.guide_id for c in named.options]
            shared_name = not named.vague and named.best is not None and named.best.score >= CERTAIN
            # A name of ours said clearly ("身份证要带啥") gives way to a need we have no guide for only as a
            # clearly named one does; vague words ("补办") sooner.
            if (
                score < FLOOR or lead < (SHARED_NAME_BUT_ELSEWHERE if shared_name else VAGUE_BUT_ELSEWHERE)
            ) and not self._follow_up(meant, current):
                return elsewhere
            if shared_name and current is not None and top == current:
                # "要不要先去社区盖个章再去社保" while the funeral allowance is discussed: 社保 is a name three other
                # guides share, but the message is nearest the service being discussed: the place it is done at,
                # not another need. It stays with it rather than asking which of the three.
                return Resolution("none")
            if shared_name:
                # "身份证": ask, unless the rest of the message clearly means one of them; "退休了…单位说有
                # 一笔钱要家属去领": the shared word is only the setting of another guide's need.
                needed = SHARED_NAME_MARGIN if top in ids and length <= LONG_MESSAGE else VAGUE_MARGIN
                if meant.margin >= needed and lead > LEAD_OVER_ELSEWHERE:
                    return self._certain(top, score)
                return self._with_nearest(named, ids, meant, lead)
            if current is not None:
                # "补领在哪办" while the senior card is discussed: a vague word stays with it, unless the
                # meaning is clearly another guide's.
                if (
                    length > SHORT_MESSAGE
                    and top != current
                    and lead > switch_lead
                    and score - meant.score_of(current) > switch_margin
                ):
                    return self._certain(top, score)
                return named
            # The vague words point to these options; a short message says nothing more ("补领在哪办"), so
            # meaning must pick one of them clearly; a description says more, and needs only to lead.
            needed = (
                SHARED_NAME_MARGIN
                if top in ids and length <= SHORT_MESSAGE
                else MARGIN
                if length > LONG_MESSAGE
                else VAGUE_MARGIN
            )
            if lead > LEAD_OVER_ELSEWHERE and meant.margin >= needed:
                return self._certain(top, score)
            band = self._band(meant)
            if len(band) > 1 and lead > 0 and score >= OPTIONS_FLOOR:
                return self._options(band)
            # Vague words of ours in a short message, and no unguided need clearly nearer ("卡丢了怎么办" is near
            # a lost phone card too, but says too little to be about it): ask which of ours it is. A longer one
            # had room to say what it is about ("驾驶证到期了去换新的,我今年四十八"): the nearer need stands.
            if lead < 0 and length > VAGUE_SHORT:
                return elsewhere
            return self._with_nearest(named, ids, meant, lead)
        # Nothing named. Something we have no guide for was named ("护照"): that stands, unless a service is
        # discussed and the message means it as much ("多久能拿到证" in the disability card's conversation).
        if named.unknown_subject and not self._follow_up(meant, current):
            if lead > LEAD_OVER_ELSEWHERE and meant.margin >= VAGUE_MARGIN and score >= FLOOR:
                return self._certain(top, score)
            return named
        if score < FLOOR:
            return Resolution("none")
        if current is not None:
            if (
                length > SHORT_MESSAGE
                and top != current
                and lead > switch_lead
                and score - meant.score_of(current) > switch_margin
            ):
                return self._certain(top, score)
            return Resolution("none")
        if 0 < length <= SHORT_MESSAGE:
            # "要花钱吗", "要预约吗": a short question naming nothing is far from everything alike; only a
            # clear lead makes it a description ("老人坐车卡"); otherwise ask which service.
            if lead > SHORT_LEAD and meant.margin >= VAGUE_MARGIN:
                return self._certain(top, score)
            return Resolution("none")
        if lead > MEANING_ALONE_LEAD and meant.margin >= MARGIN:
            return self._certain(top, score)
        band = self._band(meant)
        if lead > 0 and len(band) > 1 and score >= OPTIONS_FLOOR:
            return self._options(band)
        if lead > MEANING_ALONE_LEAD:
            return self._certain(top, score)
        return elsewhere if lead < 0 else Resolution("none")

    @staticmethod
    def _follow_up(meant: Meaning, current: Optional[str]) -> bool:
        """Whether a message that names nothing of ours stays with the service being discussed rather than going
        to "no guide": no need we have no guide for leads that service in meaning by LEAVE_FOR_ELSEWHERE."""
        return current is not None and meant.elsewhere - meant.score_of(current) <= LEAVE_FOR_ELSEWHERE

    def _with_nearest(self, named: Resolution, ids: List[str], meant: Meaning, lead: float) -> Resolution:
        """The options the words point to, with the guide nearest in meaning among them when it is not
        ("老年人优待补贴咋申请": 补贴 points to 低保 and 高龄津贴, the meaning to the senior card)."""
        if lead < 0 or meant.top in ids or meant.score < OPTIONS_FLOOR:
            return named
        # Three options from the words are as many as a person can weigh: the nearest in meaning takes the place
        # of the farthest when it is clearly nearer than all of them ("交医保": 医保 is a word of three guides, the
        # meaning that of paying the premium; "社保的事咋办" is as near the words' own three).
        if len(ids) >= MAX_OPTIONS and meant.score - max(meant.score_of(g) for g in ids) < VAGUE_MARGIN:
            return named
        ranked = [meant.top] + sorted(ids, key=meant.score_of, reverse=True)
        return self._options(ranked[:MAX_OPTIONS])

    def _band(self, meant: Meaning):
        return [gid for gid, s in meant.ranked[:MAX_OPTIONS] if meant.score - s <= OPTION_BAND]

    def _certain(self, guide_id: str, score: float) -> Resolution:
        best = _candidate(self.index, guide_id, max(score, CERTAIN))
        return Resolution("certain", best=best, options=(best,))

    def _options(self, ids) -> Resolution:
        options = tuple(_candidate(self.index, gid, POSSIBLE) for gid in ids)
        return Resolution("ambiguous", best=options[0], options=options)
