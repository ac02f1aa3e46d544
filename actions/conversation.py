"""What every guide action shares: the published guides, which service is meant, and the state reply.

The actions (actions/base.py and the modules beside it) and the flows below them (actions/flows/) all work on a
`Turn`. Nothing here touches the database at import: the catalog (guidekit/catalog.py) is built on first use.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from guidekit.answers import buttons, replies
from guidekit.answers.state import ChatState
from guidekit.catalog import GuideCatalog
from guidekit.guides.schema import Guide, Material
from guidekit.settings import get_settings
from guidekit.understanding.resolver import Resolution
from guidekit.understanding.textnorm import normalize
from guidekit.understanding.topics import TOPIC_OF_INTENT, mentions_topic, topics_mentioned
from guidekit.understanding.topics_by_meaning import HANDOFF_SUPPORT, decide_topic

# Slots (see bot/domain.yml).
SERVICE = "service_id"
ITEM = "item_index"
CHECKED = "checked"
PROXY = "proxy_mode"
OPTIONS = "options"
PENDING = "pending_topic"
TOPIC = "topic"
MISSES = "misunderstandings"
SLOW = "slow_speech"
# Services a message named besides the one answered, kept for when the person turns to them.
LATER = "later"
# The hint of what to say next ("说「下一个」…") was given: once per conversation, again after a miss.
HINTED = "hinted"
# The 情形 chosen for this guide ("租的房子"), and whether we asked which one and wait for the answer.
SITUATION = "situation"
SITUATION_ASKED = "situation_asked"
# The person's district (区), once said: kept for the whole conversation, whichever service; and the topic
# ("location", "hours") waiting for it while we ask "您住在哪个区?".
DISTRICT = "district"
DISTRICT_ASKED = "district_asked"

BUTTONS_MATERIAL = buttons.WALK


CATALOG = GuideCatalog()
# "3", "第二个", "选三": a bare answer to a numbered question, never read for its meaning.
SHORT_ANSWER = 4
# Fewer characters than this besides the service's name ask no topic question of their own.
QUESTION_AT_LEAST = 3
_NOT_WORDS = re.compile(r"[\W_]+")
# The verbs a service's name may start with (办退休, 领高龄津贴, 补身份证): what is asked, not which service.
_LEADING_VERB = re.compile(r"申请|办理|补办|补换|领取|提取|迁移|[领办补换取迁]")
# Bringing something, right before the thing: "带户口本", "准备一张照片" (not "办个银行卡要带啥").
_BRING = r"(?:带|准备|拿|交)(?:上|好|着)?(?:个|一个|一张|一份)?"


def _option_buttons(names: List[str]) -> List[Tuple[str, str]]:
    """是 / 不是 for one suggestion, a numbered button per option for several."""
    if len(names) == 1:
        return [("是", "是"), ("不是", "不是")]
    return [(f"{n}. {name}", str(n)) for n, name in enumerate(names, 1)]


class Turn:
    """One action's view of the conversation, and what it will say and change."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker):
        self.dispatcher = dispatcher
        self.tracker = tracker
        snapshot = CATALOG.current()
        self.guides, self.index = snapshot.guides, snapshot.index
        self._snapshot = snapshot
        # The API already prepared the text; preparing again is harmless and covers other callers.
        self.text: str = snapshot.prepare(tracker.latest_message.get("text") or "")
        self.intent: str = (tracker.latest_message.get("intent") or {}).get("name") or ""
        # The hall kiosk the message comes from (the API passes its id along), else None.
        self.kiosk: Optional[str] = (tracker.latest_message.get("metadata") or {}).get("kiosk")
        self.slots: Dict[str, Any] = {
            SERVICE: tracker.get_slot(SERVICE),
            ITEM: tracker.get_slot(ITEM),
            CHECKED: list(tracker.get_slot(CHECKED) or []),
            PROXY: bool(tracker.get_slot(PROXY)),
            OPTIONS: list(tracker.get_slot(OPTIONS) or []),
            PENDING: tracker.get_slot(PENDING),
            TOPIC: tracker.get_slot(TOPIC),
            MISSES: tracker.get_slot(MISSES) or 0,
            SLOW: bool(tracker.get_slot(SLOW)),
            LATER: list(tracker.get_slot(LATER) or []),
            HINTED: bool(tracker.get_slot(HINTED)),
            SITUATION: tracker.get_slot(SITUATION),
            SITUATION_ASKED: bool(tracker.get_slot(SITUATION_ASKED)),
            DISTRICT: tracker.get_slot(DISTRICT),
            DISTRICT_ASKED: tracker.get_slot(DISTRICT_ASKED),
        }
        if self.slots[SERVICE] not in self.guides:
            self.slots[SERVICE] = None  # the guide was withdrawn since the last turn
        self._initial = dict(self.slots)
        if self.intent == "slower":
            self.slots[SLOW] = True  # "说慢一点" holds for the rest of the conversation
        # Set when this turn did not understand the user; two in a row offer a person.
        self.missed = False
        # Other services this message clearly named besides the one answered ("身份证和社保卡都丢了").
        self.also_named: List[str] = []

    # -- reading -------------------------------------------------------------------------------
    @property
    def characters_said(self) -> int:
        """How long the message is, without spaces and punctuation."""
        return len(_NOT_WORDS.sub("", self.text))

    @property
    def guide(self) -> Optional[Guide]:
        return self.guides.get(self.slots[SERVICE]) if self.slots[SERVICE] else None

    def items(self) -> List[Material]:
        guide = self.guide
        return guide.materials_to_bring(with_proxy=self.slots[PROXY], situation=self.slots[SITUATION]) if guide else []

    @property
    def city_districts(self) -> List[str]:
        """Every district the guides have an office in: the districts a person can name."""
        found = (loc.district for g in self.guides.values() for loc in g.locations if loc.district)
        return list(dict.fromkeys(found))

    def situation_unknown(self) -> bool:
        """The guide's materials depend on a 情形 the person has not told us yet."""
        guide = self.guide
        return bool(guide and guide.situations and guide.situations.named(self.slots[SITUATION]) is None)

    def previous_action(self) -> Optional[str]:
        """The bot's last action before the user's current message (skipping listening)."""
        seen_user = False
        for event in reversed(self.tracker.events):
            if event.get("event") == "user":
                if seen_user:
                    return None
                seen_user = True
            elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
                return event.get("name")
        return None

    def item_index(self) -> Optional[int]:
        value = self.slots[ITEM]
        return int(value) if value is not None else None

    # -- changing ------------------------------------------------------------------------------
    def switch_to(self, guide_id: str) -> None:
        self.slots[LATER] = [g for g in self.slots[LATER] if g != guide_id and g in self.guides]
        if guide_id != self.slots[SERVICE]:
            self.slots.update(
                {
                    SERVICE: guide_id,
                    ITEM: None,
                    CHECKED: [],
                    PROXY: False,
                    SITUATION: None,
                    SITUATION_ASKED: False,
                    DISTRICT_ASKED: None,
                }
            )
        self.slots[OPTIONS] = []
        self.slots[PENDING] = None

    def say(self, text: str, buttons: Optional[List[Tuple[str, str]]] = None) -> None:
        self.dispatcher.utter_message(text=text, buttons=[{"title": t, "payload": p} for t, p in (buttons or [])])

    def finish(self, topic: str, item_index: Optional[int] = None, keep_place: bool = False) -> List[EventType]:
        """Send the machine-readable state and return the slot changes.

        The place in the materials list survives other questions ("在哪办" then "下一个" goes on);
        `keep_place` also keeps it across a whole-list answer ("全部说一遍", "还差哪些").
        """
        self.slots[TOPIC] = topic
        if topic == "materials" and not keep_place:
            self.slots[ITEM] = item_index
        self.slots[MISSES] = int(self.slots[MISSES]) + 1 if self.missed else 0
        if self.missed:
            self.slots[HINTED] = False  # after a misunderstanding, the next item says again how to go on
        if self.also_named and self.guide is not None:
            # "身份证和社保卡都丢了": one thing at a time, and the other is not forgotten.
            self.say(replies.also_named([self.guides[g].called for g in self.also_named]))
        if self.slots[MISSES] >= 2:
            self.say(replies.offer_person(get_settings().hotline), [buttons.PERSON])
        guide = self.guide
        state = ChatState(
            service_id=guide.id if guide else None,
            service_name=guide.called if guide else None,
            topic=topic,
            item_index=item_index if topic == "materials" else None,
            item_count=len(self.items()) if guide else None,
            options=list(self.slots[OPTIONS]),
            situation=self.slots[SITUATION] if guide and guide.situations else None,
            slow_speech=bool(self.slots[SLOW]),
        )
        self.dispatcher.utter_message(json_message={"state": state.model_dump()})
        return [SlotSet(k, v) for k, v in self.slots.items() if v != self._initial.get(k)]

    # -- deciding which service ----------------------------------------------------------------
    @cached_property
    def resolution(self) -> Resolution:
        """Which service this turn is about, by its words and its meaning (computed once per turn)."""
        return self._snapshot.understanding.resolve(self.text, current=self.slots[SERVICE])

    def doubted_resolution(self) -> Resolution:
        """The service, when the classifier heard no government matter: meaning alone must be surer."""
        resolution = self._snapshot.understanding.resolve(self.text, current=self.slots[SERVICE], doubted=True)
        self.__dict__["resolution"] = resolution  # what the rest of this turn goes by
        return resolution

    @cached_property
    def meant_topic(self) -> Optional[str]:
        """The topic by meaning, when this is a topic question and the meaning is clear enough; None while
        the person answers a question of ours (a number, a service's name)."""
        topics = self._snapshot.topics
        if topics is None or self.slots[OPTIONS] or self.slots[PENDING]:
            return None
        # Not understood as anything, while a service is discussed ("要去社保局吗") or when the words or meaning
        # found one ("家里就我和老伴,没收入,政府有没有每月给困难户的救济": a description the intent classifier
        # could not place is still a question of who qualifies), or heard as picking a number when nothing was
        # offered ("我87了能领多少", "我的电话138…,社保卡丢了"): its meaning may tell.
        unsure = (self.intent == "nlu_fallback" and (self.slots[SERVICE] or self.resolution.status == "certain")) or (
            self.intent == "choose_option" and len(_NOT_WORDS.sub("", self.text)) > SHORT_ANSWER
        )
        if self.intent not in TOPIC_OF_INTENT and not unsure:
            return None
        if self.intent == "handoff" and topics.probabilities(self.text)["handoff"] >= HANDOFF_SUPPORT:
            # Heard as a complaint or a wish for a person ("上次去换等了一个月都没拿到,你们怎么回事"), and
            # the meaning classifier does not rule it out. A worried description is no complaint ("看病刷的
            # 卡芯片不灵了,机器读不出来", "社区说不认证就停发"): the two classifiers must agree.
            return None
        return self.topic_by_meaning()

    def navigation_by_meaning(self) -> Optional[str]:
        """The navigation intent this message surely means by its meaning ("还有啥没说的" → what is left), or None
        (also without meaning matching)."""
        navigation = self._snapshot.navigation
        return navigation.meant(self.text) if navigation is not None else None

    def topic_by_meaning(self) -> Optional[str]:
        """The topic the meaning and the words of this message point to, whatever intent it was heard as
        (None: no topic question, or no topic classifier)."""
        topics = self._snapshot.topics
        rest = self.without_service_name
        if topics is None or len(_NOT_WORDS.sub("", rest)) < QUESTION_AT_LEAST:
            # "我的社保卡丢了" is 我的 besides the name: nothing to read a topic from (it was read as a complaint).
            return None
        return decide_topic(
            topics.probabilities(self.text, without_name=rest),
            set(topics_mentioned(rest)),
            step_words=mentions_topic("process", self.text),
            heard=TOPIC_OF_INTENT.get(self.intent),
            follow_up=self.resolution.best is None,
        )

    @cached_property
    def without_service_name(self) -> str:
        """The message with the matched service name taken out: the name says which service, not which topic
        ("身体条件证明要交什么" has 条件, but asks what to bring). A verb the name starts with stays: in "我妈妈
        八十五岁,可以领高龄津贴吗" the name matched is 领高龄津贴, and "可以吗" alone was read as asking whether
        someone else may go; "可以领吗" asks who qualifies."""
        best = self.resolution.best
        if best is None:
            return self.text
        verb = _LEADING_VERB.match(best.matched)
        return normalize(self.text).replace(best.matched, verb.group(0) if verb else "")

    def topic_asked(self, classified: str) -> str:
        """The classifier's topic, unless the sentence has none of its words. Then a follow-up that
        names no service takes the one other topic whose words it has ("我明天去行不行" is about the
        hours, though heard as a family-member question); a sentence that names a service is a plain
        how-to ("低保怎么申请"), answered with what to bring.

        The topic by meaning (`meant_topic`) comes first: it learnt topics from varied sentences, so a
        sure reading needs no marker word ("是在社区做还是去社保局做" has none of 哪/地址/窗口). The thresholds
        were chosen on the development set without losing the project's own set (cases.yml)."""
        if self.meant_topic is not None and self.meant_topic != "handoff":
            return self.meant_topic
        resolution = self.resolution
        if resolution.status == "none":
            if mentions_topic(classified, self.text):
                return classified
            others = topics_mentioned(self.text)
            return others[0] if len(others) == 1 else classified
        # The service's own name may hold a topic word ("身体条件证明" has 条件): look past it.
        return classified if mentions_topic(classified, self.without_service_name) else "materials"

    def resolve_service(self, asked_topic: str) -> Optional[Guide]:
        """The guide this turn is about, or None after telling the user why (clarify / no guide).

        A clearly named service wins (and switches); a vague mention among several guides asks
        with numbered options, unless only vague words led there and a service is already being
        discussed; nothing named keeps the current service; an unknown service is
        never answered with the current one.
        """
        resolution = self.resolution
        current = self.slots[SERVICE]
        if resolution.status == "certain":
            self.follow(resolution.guide_id)
            return self.guide
        if resolution.status == "ambiguous":
            ids = self.index.option_ids(resolution)
            kept = [g for g in self.slots[LATER] if g in ids]
            if len(kept) == 1:
                # "身份证和社保卡都丢了" answered the card first; "先说身份证的" is the lost ID card said then,
                # not a new question of which ID card service.
                self.switch_to(kept[0])
                return self.guide
            # "报销怎么弄" while talking about the offsite filing: a vague word goes with the
            # service already being discussed rather than interrupting it with options.
            if resolution.age is None and (current in ids or (resolution.vague and current)):
                return self.guide
            self.ask_to_choose(ids, asked_topic, resolution.age)
            return None
        pending = self.slots[OPTIONS]
        # While our question waits, as while a service is discussed, only a thing one applies for (护照)
        # is another matter; "要去社保局吗" names a place, not a need.
        if pending and not current and not self.index.unknown_subject(self.text, strict=True):
            if len(pending) == 1 and self.intent in TOPIC_OF_INTENT:
                # "您是想问「丧葬补助金」吗?" answered with "要去社保局吗": the person goes on with the one
                # suggestion rather than saying yes; the answer names the service, so a wrong guess is heard.
                self.switch_to(pending[0])
                return self.guide
            # "那去哪办呢" or "下一个" after "您问的是哪一件事? 1… 2…": that question still stands; ask it again
            # with its options (not a general "您想办哪件事"), and answer this topic once one is chosen.
            self.restate_options(list(pending), asked_topic)
            return None
        # With no service yet, any thing named that we have no guide for gets the honest answer;
        # with one, only a thing one applies for (护照) — "儿子去办行吗" stays on the current service.
        subject = resolution.unknown_subject or (
            None if current else self.index.unknown_subject(self.text, strict=False)
        )
        if subject and self.index.is_known_word(subject) and re.search(_BRING + re.escape(subject), self.text):
            subject = None  # "要带户口本吗": one of our materials, asked about bringing — which service?
        if subject:
            self.missed = True
            self.slots.update({OPTIONS: [], PENDING: None})
            self.say(replies.no_guide(subject, get_settings().hotline), [buttons.PERSON])
            return None
        if current:
            return self.guide
        self.ask_which_service(asked_topic)
        return None

    def ask_which_service(self, asked_topic: str) -> None:
        """Nothing we can go on with: ask which matter, and answer `asked_topic` once it is named. Counts as a
        miss (two in a row offer a person)."""
        self.slots[PENDING] = asked_topic
        self.missed = True
        self.say(replies.ask_which_service(get_settings().hotline, int(self.slots[MISSES])))

    def switch_if_named(self, by_meaning: bool = True) -> None:
        """Follow a clearly named service; keep the current one otherwise. `by_meaning=False`: only a name,
        alias or sound said, not a meaning ("你说啥 听不见" is near 残疾人证 in meaning, and names nothing)."""
        resolution = self.resolution
        if resolution.status == "certain" and (by_meaning or (resolution.best is not None and resolution.best.matched)):
            self.follow(resolution.guide_id)

    def follow(self, guide_id: str) -> None:
        """Go to the service this message clearly means, and keep any other it names for later, to be said
        so at the end of this answer: "办残疾证和申请低保能一起办吗" heard as "全部说一遍" lists the disability
        card's papers and says the allowance was heard too, as an answer to "要带什么" does."""
        self.switch_to(guide_id)
        self.also_named = self._snapshot.understanding.also_named(self.text, guide_id)
        self.slots[LATER] = [g for g in self.slots[LATER] if g not in self.also_named] + self.also_named

    def ask_to_choose(self, ids: List[str], asked_topic: str, age: Optional[int] = None) -> None:
        self.slots[OPTIONS] = ids
        self.slots[PENDING] = asked_topic
        names = [self.guides[i].called for i in ids]
        text = replies.for_age(age, names) if age is not None else replies.clarify(names)
        self.say(text, _option_buttons(names))

    def restate_options(self, ids: List[str], asked_topic: str) -> None:
        """Our question still waits and the reply did not answer it ("下一个", "这个复印几份"): ask it again,
        shorter and in other words each time; twice at most, then offer a person instead of a third time
        (each restatement counts as a misunderstanding: two in a row offer a person)."""
        restated = int(self.slots[MISSES])
        self.missed = True
        if restated >= 2:
            self.slots.update({OPTIONS: [], PENDING: None})
            return  # finish() offers a person
        self.slots[OPTIONS], self.slots[PENDING] = ids, asked_topic
        names = [self.guides[i].called for i in ids]
        self.say(replies.options_again(names, restated), _option_buttons(names))

    def unresolved_topic(self) -> str:
        """The topic to report after resolve_service answered instead of the guide."""
        return "clarify" if self.slots[OPTIONS] or self.slots[PENDING] else "fallback"
