"""Words that show which topic a question is about ("几点" → hours, "代办" → proxy).

The intent classifier sometimes hears a topic in a plain how-to ("低保怎么申请" as a question about
steps or eligibility). A topic answer is given only when the sentence carries one of its words;
a how-to about a named service is answered with what to bring, which is what the person needs first.
"""

from __future__ import annotations

# Intents of the classifier (bot/domain.yml) that ask about a topic of a service, and the topic.
TOPIC_OF_INTENT = {
    "ask_materials": "materials",
    "inform_service": "materials",
    "ask_location": "location",
    "ask_hours": "hours",
    "ask_fee": "fee",
    "ask_duration": "duration",
    "ask_online": "online",
    "ask_eligibility": "eligibility",
    "ask_process": "process",
    "ask_proxy": "proxy",
    "handoff": "handoff",
}

TOPIC_MARKERS = {
    "location": ("哪", "地址", "地方", "窗口", "地点", "部门", "单位", "位置", "大厅"),
    "hours": (
        "几点",
        "开门",
        "关门",
        "上班",
        "下班",
        "时间",
        "周",
        "星期",
        "礼拜",
        "今天",
        "明天",
        "后天",
        "中午",
        "营业",
        "休息",
        "开不开",
        "有人",
    ),
    "fee": ("钱", "费", "收", "免费", "花", "价", "交多少"),
    "duration": ("多久", "几天", "多长", "时间", "多少天", "到账", "拿到", "出来", "办好", "几个月", "时候", "快"),
    "online": (
        "网",
        "手机",
        "app",
        "微信",
        "支付宝",
        "小程序",
        "电脑",
        "12123",
        "12333",
        "线上",
        "不用跑",
        "不用去",
        "掌上",
        "刷脸",
        "在家",
    ),
    "proxy": ("代", "替", "帮", "让", "委托", "跑一趟", "家属", "家人去", "家里人去"),
    "eligibility": (
        "条件",
        "资格",
        "能办吗",
        "能不能办",
        "谁",
        "什么人",
        "哪些人",
        "够",
        "符合",
        "能领",
        "能不能领",
        "能申请",
        "能不能申请",
        "可以办",
        "可以申请",
        "可以领",
        "多大",
        "岁数",
        "年纪",
    ),
    "process": ("流程", "步骤", "一步", "程序", "顺序", "先", "几步", "过程", "怎么走"),
}


def mentions_topic(topic: str, text: str) -> bool:
    text = text.lower()
    return any(marker in text for marker in TOPIC_MARKERS.get(topic, ()))


_ALL_MARKERS = tuple(m for markers in TOPIC_MARKERS.values() for m in markers)
_MARKER_SET = frozenset(_ALL_MARKERS)
# The two-character topic words ("时候", "拿到", "多久"): what a question asks, never which service it is about.
TOPIC_PAIRS = frozenset(m for m in _ALL_MARKERS if len(m) == 2)


def any_topic_word(word: str, exact: bool = False) -> bool:
    """True for words that only say what is asked ("上班", "网上", "部门"), not about what.

    `exact` (for nouns): the word is itself a topic word — "水电费" names a thing, "费" does not.
    """
    if exact:
        return word in _MARKER_SET
    return any(marker in word for marker in _ALL_MARKERS)


def topics_mentioned(text: str) -> list:
    """Every topic whose words the text carries, in TOPIC_MARKERS order."""
    return [topic for topic in TOPIC_MARKERS if mentions_topic(topic, text)]
