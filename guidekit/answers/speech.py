"""Reply text written for screens → what a text-to-speech engine should read aloud to an older listener.

A reply such as "办公时间:周一至周五 9:00-12:00" reads well but sounds wrong when a TTS engine reads it:
digits get read in whatever way the engine guesses ("九比零零"), a hotline becomes "一万两千三百四十五",
an ID number is read out in full in a public hall, and brackets and slashes are skipped or read as
symbols. `to_speech` rewrites the text into the Chinese a person would say — times with 上午/下午,
years digit by digit, phone numbers digit by digit with 幺, personal numbers reduced to their last four
characters, pauses where the screen used layout — and `to_ssml` wraps that in SSML with longer pauses
so an older listener can keep up.

The rewriting is a fixed sequence of steps (see `to_speech`); the order matters because each step
consumes digits the later, more general steps would otherwise read the wrong way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Tuple
from xml.sax.saxutils import escape

import cn2an

# Digit-by-digit readings. cn2an only reads quantities, so these three small tables stay here:
# phone numbers say 1 as 幺 (一 and 七 sound alike over a loudspeaker), years write 0 as 〇,
# and the tail of an ID or bank card uses the plain digits people see printed on the card.
_PHONE_DIGITS = "零幺二三四五六七八九"
_YEAR_DIGITS = "〇一二三四五六七八九"
_PLAIN_DIGITS = "零一二三四五六七八九"

# Measure words after which an exact 2 is said 两 ("两张", not "二张").
_LIANG_MEASURES = "张|份|个|本|样|次|页|寸|位|种|项|件|天|周|年|小时|趟|遍|块"
# Words that make a number a quantity, so a hotline-shaped number before them is still a number.
_QUANTITY_UNITS = "元|块|角|万|亿|人|个|次|年|岁|天|号|米|平|份|张|名|户|件|项|分|样|本|页"

_RANGE_SEP = r"\s*(?:-|–|—|~|〜|至|到)\s*"
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"

# Punctuation kept in the spoken text, strongest first: a run of several collapses to the strongest.
_KEPT_PUNCTUATION = "?!。;:,、"
_SENTENCE_ENDS = "。?!？！"

# A sentence piece longer than this without any punctuation gets a pause inserted.
_LONG_RUN = 30
_PAUSE_TARGET = 20
_SHORTEST_PIECE = 6
# Words a pause may come before: conjunctions, and prepositions that open a new phrase.
_PHRASE_OPENERS = {"和", "或", "及", "与", "并", "或者", "以及", "并且", "到", "在", "把", "向", "从", "给", "再"}

# Generated phrases that must survive the symbol clean-up untouched (they contain brackets) are
# parked in private-use characters while the rest of the text is rewritten.
_PLACEHOLDER_BASE = 0xE000
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

_SENTENCE_BREAK = '<break time="600ms"/>'
_COMMA_BREAK = '<break time="300ms"/>'


# ---------------------------------------------------------------------------------------------
# Small readers


def _read_digits(digits: str, table: str = _PLAIN_DIGITS) -> str:
    """Read a string of digits one by one with the given table; other characters are dropped."""
    return "".join(table[int(ch)] for ch in digits if ch.isascii() and ch.isdigit())


def _read_number(number: str) -> str:
    """Read a quantity: "1,200" → 一千二百, "3.50" → 三点五, "05" → 零五 (a code, not a quantity)."""
    number = number.replace(",", "")
    whole, _, fraction = number.partition(".")
    # Trailing zeros carry no meaning when spoken: "3.50元" is said 三点五元, "3.00元" 三元.
    fraction = fraction.rstrip("0")
    if len(whole) > 1 and whole.startswith("0") and not fraction:
        return _read_digits(whole)
    if len(whole) > 16:  # cn2an's limit; nothing that long is a quantity anyway
        return _read_digits(whole)
    return cn2an.an2cn(whole + ("." + fraction if fraction else ""))


def _read_hour(hour: int) -> str:
    """The hour on a 12-hour clock as people say it: 2 is 两点, 0 is 零点."""
    if hour == 2:
        return "两"
    return cn2an.an2cn(str(hour))


def _day_period(hour: int) -> str:
    """The word older listeners use to place a 24-hour time in the day."""
    if hour < 5:
        return "凌晨"
    if hour < 12:
        return "上午"
    if hour == 12:
        return "中午"
    if hour < 18:
        return "下午"
    if hour < 24:
        return "晚上"
    return "夜里"


def _read_time(hour: int, minute: int) -> str:
    """ "13:30" → 下午一点半, "8:05" → 上午八点零五分, "12:00" → 中午十二点."""
    twelve = 12 if hour in (12, 24) else hour % 12
    spoken = _day_period(hour) + _read_hour(twelve) + "点"
    if minute == 30:
        return spoken + "半"
    if minute:
        return spoken + ("零" if minute < 10 else "") + cn2an.an2cn(str(minute)) + "分"
    return spoken


def _valid_time(hour: str, minute: str) -> bool:
    return int(hour) <= 24 and int(minute) <= 59 and not (int(hour) == 24 and int(minute))


# ---------------------------------------------------------------------------------------------
# Steps of to_speech, in the order they run


_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: ord(" "), 0xFF61: ord("。")})  # ideographic space, half-width 。


def _normalise_width(text: str) -> str:
    """Full-width ASCII (０-９, ：, （ ...) → half-width, so one set of patterns covers both."""
    text = text.translate(_HALF_WIDTH)
    text = _PRIVATE_USE.sub("", text)  # reserved for our own placeholders
    return text.replace("\r\n", "\n").replace("\r", "\n")


_LIST_NUMBER = re.compile(r"^[ \t]*(?:\(([0-9]{1,2})\)|([0-9]{1,2})[.、)])[ \t]*(?![0-9])", re.M)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED_NUMBER = re.compile(rf"^[ \t]*([{_CIRCLED}])[ \t]*", re.M)


def _speak_list_numbers(text: str) -> str:
    """ "1. 身份证" / "1、身份证" at the start of a line → "第一,身份证" (heard, a bare 一 sounds like a word)."""
    text = _LIST_NUMBER.sub(lambda m: "第" + _read_number(m.group(1) or m.group(2)) + ",", text)
    return _CIRCLED_NUMBER.sub(lambda m: "第" + cn2an.an2cn(str(_CIRCLED.index(m.group(1)) + 1)) + ",", text)


# An unbroken run that may be an ID or a card (masked with * or not), or the same in groups of digits.
_SOLID_LONG_NUMBER = re.compile(r"(?<![0-9*])[0-9][0-9*]{14,18}[Xx]?(?![0-9*Xx])")
_GROUPED_LONG_NUMBER = re.compile(
    r"(?<![0-9*])(?:[0-9]{4}(?:[ -][0-9*]{4}){2,3}(?:[ -][0-9*]{1,4})?"
    r"|[0-9]{6}[ -][0-9*]{8}[ -][0-9*]{3}[0-9Xx*])(?![0-9*Xx])"
)


def _looks_like_id(chars: str) -> bool:
    """Whether an 18-character number is a resident ID rather than an 18-digit bank card."""
    if not re.fullmatch(r"[0-9][0-9*]{16}[0-9Xx*]", chars):
        return False
    if chars[-1] in "Xx":
        return True
    if "*" in chars:
        # guidekit.privacy keeps 4 leading digits of a card and 6 of an ID.
        return len(chars) - len(chars.lstrip("0123456789")) != 4
    year, month, day = int(chars[6:10]), int(chars[10:12]), int(chars[12:14])
    return 1850 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _tail_phrase(chars: str) -> str:
    """ "(尾号一二三四)" from the visible part of the last four characters; X is read 叉."""
    tail = "".join("叉" if ch in "Xx" else _PLAIN_DIGITS[int(ch)] for ch in chars[-4:] if ch != "*")
    return f"(尾号{tail})" if tail else ""


def _protect(kept: List[str], phrase: str) -> str:
    kept.append(phrase)
    return chr(_PLACEHOLDER_BASE + len(kept) - 1)


def _speak_private_numbers(text: str, kept: List[str]) -> str:
    """ID and bank card numbers are never read in full, only their last four characters.

    Someone else may be standing next to the kiosk; the last four are enough to check the number.
    """

    def replace(match: re.Match) -> str:
        chars = re.sub(r"[ -]", "", match.group(0))
        if len(chars) == 18 and _looks_like_id(chars):
            return _protect(kept, "身份证号码" + _tail_phrase(chars))
        if 16 <= len(chars) <= 19 and re.fullmatch(r"[0-9][0-9*]*[0-9]", chars):
            return _protect(kept, "银行卡号" + _tail_phrase(chars))
        return match.group(0)

    text = _GROUPED_LONG_NUMBER.sub(replace, text)
    return _SOLID_LONG_NUMBER.sub(replace, text)


_MOBILE = re.compile(r"(?<![0-9*])(?:\+?86[ -]?)?(1[3-9][0-9])[ -]?([0-9*]{4})[ -]?([0-9]{4})(?![0-9*])")
_LANDLINE = re.compile(
    # (after an area code, a five- or six-digit number is a service line: 0571-12345, 0000-12333)
    r"(?<![0-9])(?:\((0[0-9]{2,3})\)\s*|(0[0-9]{2,3})\s*[-–\s]\s*)([0-9]{5,8})(?![0-9])"
)
_SERVICE_LINE = re.compile(r"(?<![0-9])([48]00)[ -]?([0-9]{3})[ -]?([0-9]{4})(?![0-9])")
_NOT_A_QUANTITY = rf"(?![0-9.%])(?!\s*(?:{_QUANTITY_UNITS}))"
# 123xx are the government hotlines (12345 政务, 12333 社保, 12315 消费...), 95xxx the banks'.
_HOTLINE = re.compile(rf"(?<![0-9.])(?:123[0-9]{{2}}|95[0-9]{{3}}){_NOT_A_QUANTITY}")
# After these words any short run of digits is a number to dial (打110, 拨打12306, 电话:3212345).
_DIAL_CUE = re.compile(rf"(电话|热线|拨打|致电|拨|打)(号码)?(\s*(?:是|为|:)?\s*)([0-9]{{3,12}}){_NOT_A_QUANTITY}")


def _read_phone_groups(*groups: str) -> str:
    """Groups of a phone number, each digit by digit with 幺, a short pause between groups."""
    return ",".join(_read_digits(group, _PHONE_DIGITS) for group in groups if group.strip("*"))


def _local_groups(number: str) -> tuple:
    """A local number of 7 or 8 digits in the two groups people say it in (321-2345, 8765-4321): a listener
    writing it down needs the pause in the middle, not eight digits in one breath."""
    if len(number) == 8:
        return number[:4], number[4:]
    if len(number) == 7:
        return number[:3], number[3:]
    return (number,)


def _speak_phone_numbers(text: str) -> str:
    """Mobiles (3-4-4), landlines (area code, number), 400 lines and hotlines, read digit by digit."""
    text = _MOBILE.sub(lambda m: _read_phone_groups(*m.groups()), text)
    text = _LANDLINE.sub(lambda m: _read_phone_groups(m.group(1) or m.group(2), *_local_groups(m.group(3))), text)
    text = _SERVICE_LINE.sub(lambda m: _read_phone_groups(*m.groups()), text)
    text = _HOTLINE.sub(lambda m: _read_phone_groups(m.group(0)), text)
    return _DIAL_CUE.sub(
        lambda m: m.group(1) + (m.group(2) or "") + m.group(3) + _read_phone_groups(*_local_groups(m.group(4))), text
    )


_YEAR_RANGE = re.compile(rf"(?<![0-9])([12][0-9]{{3}}){_RANGE_SEP}([12][0-9]{{3}})\s*年")
_ISO_DATE = re.compile(r"(?<![0-9.])([12][0-9]{3})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])")
_YEAR = re.compile(r"(?<![0-9.])([12][0-9]{3})\s*年")


def _speak_dates(text: str) -> str:
    """Years digit by digit (二〇二五年), months and days as numbers (十二月三十一日)."""

    def iso(match: re.Match) -> str:
        year, month, day = match.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return match.group(0)
        return (
            _read_digits(year, _YEAR_DIGITS)
            + "年"
            + _read_number(str(int(month)))
            + "月"
            + _read_number(str(int(day)))
            + "日"
        )

    text = _YEAR_RANGE.sub(
        lambda m: _read_digits(m.group(1), _YEAR_DIGITS) + "到" + _read_digits(m.group(2), _YEAR_DIGITS) + "年", text
    )
    text = _ISO_DATE.sub(iso, text)
    # Months and days need nothing special: the general number step reads "3月1日" as 三月一日.
    return _YEAR.sub(lambda m: _read_digits(m.group(1), _YEAR_DIGITS) + "年", text)


_TIME = r"([0-9]{1,2}):([0-9]{2})(?![0-9])"
_TIME_RANGE = re.compile(rf"(?<![0-9]){_TIME}{_RANGE_SEP}{_TIME}")
_SINGLE_TIME = re.compile(rf"(?<![0-9]){_TIME}")


def _speak_times(text: str) -> str:
    """ "9:00-17:00" → 上午九点到下午五点; each end keeps its own 上午/下午 so neither is guessed."""

    def time_range(match: re.Match) -> str:
        h1, m1, h2, m2 = match.groups()
        if not (_valid_time(h1, m1) and _valid_time(h2, m2)):
            return match.group(0)
        return _read_time(int(h1), int(m1)) + "到" + _read_time(int(h2), int(m2))

    def single(match: re.Match) -> str:
        hour, minute = match.groups()
        if not _valid_time(hour, minute):
            return match.group(0)
        return _read_time(int(hour), int(minute))

    text = _TIME_RANGE.sub(time_range, text)
    return _SINGLE_TIME.sub(single, text)


_MONEY_SIGN = re.compile(r"[¥￥]\s*([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(\s*元)?")


def _speak_money(text: str) -> str:
    """ "¥30" → 三十元. Amounts written with 元 need nothing special: the number step reads them."""
    return _MONEY_SIGN.sub(lambda m: _read_number(m.group(1)) + "元", text)


_PERCENT_RANGE = re.compile(rf"({_NUMBER})\s*%?{_RANGE_SEP}({_NUMBER})\s*%")
_PERCENT = re.compile(rf"({_NUMBER})\s*%")


def _speak_percentages(text: str) -> str:
    """ "50%" → 百分之五十; "5-10%" → 百分之五到百分之十 (the % belongs to both ends)."""
    text = _PERCENT_RANGE.sub(
        lambda m: "百分之" + _read_number(m.group(1)) + "到百分之" + _read_number(m.group(2)), text
    )
    return _PERCENT.sub(lambda m: "百分之" + _read_number(m.group(1)), text)


_NUMBER_RANGE_SEP = re.compile(r"(?<=[0-9])\s*(?:-|–|—|~|〜|至|到)\s*(?=[0-9])")


def _speak_ranges(text: str) -> str:
    """ "3-5个工作日" → 3到5个工作日; the numbers themselves are read by the next step."""
    return _NUMBER_RANGE_SEP.sub("到", text)


_LIANG = re.compile(rf"(?<![0-9.第])2(?=(?:{_LIANG_MEASURES}))")
_ANY_NUMBER = re.compile(r"(?<![0-9])([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)")
_LONG_CODE = 7


def _speak_numbers(text: str) -> str:
    """Every remaining number: counts, ordinals, amounts; long codes digit by digit."""
    text = _LIANG.sub("两", text)

    def replace(match: re.Match) -> str:
        number = match.group(1)
        follows = text[match.end() : match.end() + 1]
        # A long plain run with no unit after it is a code (业务编号, 快递单号): nobody says it as
        # "二千零二十四亿..." — read it digit by digit.
        if number.isdigit() and len(number) >= _LONG_CODE and follows not in ("元", "万", "亿"):
            return _read_digits(number)
        return _read_number(number)

    return _ANY_NUMBER.sub(replace, text)


_OPENING_BRACKETS = "([{<〈《「『【〔"
_CLOSING_BRACKETS = ")]}>〉》」』】〕"
_QUOTES = "\"'`“”‘’"
_CJK = r"\u3400-\u9fff"


def _speak_symbols(text: str) -> str:
    """Layout and symbols → words or pauses; anything else a TTS engine might spell out is dropped."""
    text = re.sub(r"\n+", "。", text)
    text = re.sub(f"[{re.escape(_OPENING_BRACKETS + _CLOSING_BRACKETS)}]", ",", text)
    text = re.sub(f"[{re.escape(_QUOTES)}]", "", text)
    text = re.sub(r"…+|\.{2,}|—{2,}|-{2,}", ",", text)
    # "周一-周五" is a range; a hyphen elsewhere (bullets, "A-B" codes) only separates.
    text = re.sub(rf"(?<=[{_CJK}])\s*[-–—]\s*(?=[{_CJK}])", "到", text)
    text = re.sub(r"[-–—]", " ", text)
    text = re.sub(r"(?<=\w)\s*[~〜]\s*(?=\w)", "到", text)
    # "20元/人" is said 二十元每人; between other words "/" offers a choice.
    text = re.sub(r"元\s*/\s*(?=[人次张份年月个件本页天])", "元每", text)
    text = re.sub(r"(?<=\w)\s*/\s*(?=\w)", "或", text)
    text = re.sub(r"(?<=\w)\s*\+\s*(?=\w)", "加", text)
    text = re.sub(r"(?<=\w)\s*&\s*(?=\w)", "和", text)
    # A dot between Latin letters is part of an address (gov.cn); elsewhere it ends a sentence.
    text = re.sub(r"(?<=[A-Za-z])\.(?=[A-Za-z])", "点", text)
    text = text.replace(".", "。")
    return "".join(ch for ch in text if _is_speakable(ch))


def _is_speakable(ch: str) -> bool:
    """Letters, numeral characters, kept punctuation, spaces and our placeholders; not *, ·, emoji..."""
    if ch in _KEPT_PUNCTUATION or ch.isspace() or _PRIVATE_USE.match(ch):
        return True
    if ch.isascii():
        return ch.isalpha()
    return ch.isalpha() or ch.isnumeric()


def _tidy_spacing(text: str) -> str:
    """Spaces between Chinese words were visual gaps: make them pauses; keep them between Latin words."""

    def replace(match: re.Match) -> str:
        before, after = match.group(1), match.group(2)
        if before in _KEPT_PUNCTUATION or after in _KEPT_PUNCTUATION:
            return before
        if before.isascii() and after.isascii():
            return before + " "
        return before + ","

    text = re.sub(r"(\S)\s+(?=(\S))", replace, text)
    return text.strip()


def _strongest(run: str) -> str:
    return next(mark for mark in _KEPT_PUNCTUATION if mark in run)


def _tidy_punctuation(text: str) -> str:
    """ "身份证,原件,。" → "身份证,原件。": one mark per pause, the strongest one; none at the start."""
    text = re.sub(f"[{_KEPT_PUNCTUATION}]{{2,}}", lambda m: _strongest(m.group(0)), text)
    return re.sub(f"^[{_KEPT_PUNCTUATION}]+", "", text)


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba instance, built on first use: the global one is changed by the catalog's words,
    and where a pause goes should not depend on which guides happen to be loaded."""
    import jieba  # only long sentences need it; importing speech stays cheap

    return jieba.Tokenizer()


def _word_cuts(piece: str) -> List[Tuple[int, str, str]]:
    """(position, word before, word after) for every word boundary inside the piece."""
    words = list(_tokenizer().cut(piece, HMM=False))
    cuts, at = [], 0
    for before, after in zip(words, words[1:]):
        at += len(before)
        cuts.append((at, before, after))
    return cuts


def _cut_point(piece: str) -> int:
    """Where to pause in an over-long piece.

    Only between words (never "市民中,心"); best after 的 or before a word that opens a new phrase
    (和/或/及..., 到/在/把...), else at any word boundary; in both cases nearest to 20 characters.
    """
    target = min(_PAUSE_TARGET, len(piece) // 2)
    cuts = [
        (at, before, after)
        for at, before, after in _word_cuts(piece)
        if _SHORTEST_PIECE <= at <= min(_LONG_RUN, len(piece) - _SHORTEST_PIECE)
    ]
    natural = [at for at, before, after in cuts if before == "的" or after in _PHRASE_OPENERS]
    candidates = natural or [at for at, _, _ in cuts]
    if not candidates:
        return target
    return min(candidates, key=lambda at: (abs(at - target), -at))


def _break_long_piece(piece: str) -> str:
    parts = []
    while len(piece) > _LONG_RUN:
        at = _cut_point(piece)
        parts.append(piece[:at])
        piece = piece[at:]
    parts.append(piece)
    return ",".join(parts)


def _break_long_runs(text: str) -> str:
    """Insert a pause into any stretch of more than 30 characters without punctuation.

    TTS engines breathe only at punctuation; a long written sentence comes out as one rushed breath.
    """
    return re.sub(f"[^{_KEPT_PUNCTUATION}]{{{_LONG_RUN + 1},}}", lambda m: _break_long_piece(m.group(0)), text)


def _restore(text: str, kept: List[str]) -> str:
    return _PRIVATE_USE.sub(lambda m: kept[ord(m.group(0)) - _PLACEHOLDER_BASE], text)


# ---------------------------------------------------------------------------------------------
# Public API


def to_speech(text: str) -> str:
    """Rewrite a reply written for screens into the Chinese a TTS engine should say.

    No ASCII digit survives; ID and bank card numbers are reduced to their last four characters.
    """
    kept: List[str] = []
    speech = _normalise_width(text)
    speech = _speak_list_numbers(speech)  # before "1." could be taken for a decimal
    speech = _speak_private_numbers(speech, kept)  # before any rule reads part of an ID aloud
    speech = _speak_phone_numbers(speech)  # before a number rule says 一万两千三百四十五
    speech = _speak_dates(speech)
    speech = _speak_times(speech)
    speech = _speak_money(speech)
    speech = _speak_percentages(speech)
    speech = _speak_ranges(speech)
    speech = _speak_numbers(speech)
    speech = _speak_symbols(speech)
    speech = _tidy_spacing(speech)
    speech = _tidy_punctuation(speech)
    speech = _break_long_runs(speech)
    return _restore(speech, kept)


def split_sentences(speech: str) -> List[str]:
    """Split spoken text after 。?! into sentences, each keeping its end mark; empty pieces dropped."""
    pieces = re.findall(f"[^{_SENTENCE_ENDS}]*[{_SENTENCE_ENDS}]+|[^{_SENTENCE_ENDS}]+$", speech)
    return [piece.strip() for piece in pieces if piece.strip(_SENTENCE_ENDS + " ,")]


def _sentence_to_ssml(sentence: str) -> str:
    # The comma stays for the engine's intonation; the explicit break lengthens the pause for
    # listeners who need a moment. A trailing comma gets no break: the sentence break follows.
    body = escape(sentence.rstrip(","))
    return body.replace(",", "," + _COMMA_BREAK)


def to_ssml(text: str, slow: bool = False) -> str:
    """`to_speech(text)` as SSML: 600ms breaks between sentences, 300ms at commas, slow rate on request."""
    body = _SENTENCE_BREAK.join(_sentence_to_ssml(s) for s in split_sentences(to_speech(text)))
    if slow:
        body = f'<prosody rate="slow">{body}</prosody>'
    return f"<speak>{body}</speak>"
