"""Cleaning what people type or say before matching: traditional → simplified, fillers, option numbers, yes / no."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import List, Optional

import cn2an
import opencc

# Said before the real question; removing them keeps them from matching anything.
FILLERS = (
    "我想问一下",
    "我想问问",
    "想问一下",
    "问一下",
    "请问一下",
    "请问",
    "麻烦问一下",
    "麻烦你",
    "麻烦",
    "你好",
    "您好",
    "同志",
    "那个",
    "这个",
    "就是",
    "然后",
    "嗯",
    "啊",
    "呃",
    "哦",
    "呀",
    "吧",
    "哈",
    "我想",
    "我要",
    "想要",
    "一下",
)
_PUNCT = re.compile(r"[\s,,。.!!??、;;::\~～…·'\"“”‘’()()\[\]【】《》<>\-—_/\\|@#$%^&*+=]+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_U_UMLAUT = str.maketrans({c: "v" for c in "üǖǘǚǜÜǕǗǙǛ"})


def without_tone_marks(text: str) -> str:
    """ "gāolíng jīntiē" → "gaoling jintie": typed pinyin with tone marks, as a phone keyboard gives it,
    read like toneless pinyin (ü as v, the usual keyboard spelling). Chinese characters are untouched."""
    if text.isascii():
        return text
    out: List[str] = []
    for c in unicodedata.normalize("NFD", text.translate(_U_UMLAUT)):
        if unicodedata.combining(c) and out and out[-1].isascii() and out[-1].isalpha():
            continue
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def number_in(token: str) -> Optional[int]:
    """'80', '八十', '两' → the number; None when it is no number cn2an can read."""
    token = token.replace("两", "二")
    try:
        return int(token) if token.isdigit() else int(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError):
        return None


_AGE = re.compile(r"([零一二两三四五六七八九十百]+)(?=(?:周)?岁|多岁)")


def _ages_as_digits(text: str) -> str:
    """七十岁 → 70岁, as guides write ages (people say them in words)."""

    def _one(match: re.Match) -> str:
        number = number_in(match.group(1))
        return match.group(1) if number is None else str(number)

    return _AGE.sub(_one, text)


def normalize(text: str) -> str:
    """Simplified characters, ages in digits, lower-case Latin, no punctuation or spaces."""
    return _PUNCT.sub("", _ages_as_digits(to_simplified(text)).lower())


def strip_fillers(text: str) -> str:
    out = normalize(text)
    for filler in FILLERS:
        out = out.replace(filler, "")
    return out


_OPTION = re.compile(r"^(?:选|要|就|是)?(?:第)?([0-9一二两三四五六七八九十]+)(?:个|号|项|条|种)?(?:吧|啊|呀|的|那个)?$")
_LAST = re.compile(r"^(?:选|要|就)?最后(?:一)?(?:个|项|条)?(?:吧|啊)?$")


def parse_option_number(text: str, count: int) -> Optional[int]:
    """'2', '第二个', '两', '选三', '最后一个' → a 1-based choice within `count`, else None."""
    cleaned = strip_fillers(text)
    if _LAST.match(cleaned) and count:
        return count
    match = _OPTION.match(cleaned)
    if not match:
        return None
    number = number_in(match.group(1))
    return number if number is not None and 1 <= number <= count else None


_YES = re.compile(
    r"^(?:是|是的|是啊|是呀|是是|对|对的|对啊|对呀|对对|对对对|没错|嗯|嗯嗯|好|好的|行|可以|就是|就是它|就是这个|"
    r"yes|ok)$"
)
_NO = re.compile(r"^(?:不是|不对|错了|不|不是的|没有|都不是|不是这个|不要|no)$")


def is_yes(text: str) -> bool:
    """'是的', '对', '嗯', '好的': the answer to a yes-or-no question."""
    return bool(_YES.match(normalize(text)))


def is_no(text: str) -> bool:
    return bool(_NO.match(normalize(text)))


def answers_none_offered(text: str) -> bool:
    """ "5", "是", "不是" to a numbered question whose answer picked none of its options: a reply to the question
    (ask it again), not a new question."""
    return bool(parse_option_number(text, 99)) or is_yes(text) or is_no(text)
