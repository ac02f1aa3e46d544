"""Cleaning one cell of an export: HTML, whitespace, full-width digits and letters, and text that only points
elsewhere ("详见附件").

`clean(raw)` returns the text and what was done; text that says nothing but "see the attachment" comes back as
no text (`value is None`) with `refers_elsewhere` set, so the guide gets a placeholder and the importer reports
it. Mentions of an attachment inside real content keep the content and are reported too: the attachment is not
in the export.
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Optional

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_BREAKING_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# Full-width digits and Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) → ASCII. Chinese punctuation stays.
_FULL_WIDTH = {
    c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)
}
# Between two digits a full-width colon or full stop is a time or a decimal: "9：00" → "9:00", "1．5" → "1.5".
_DIGIT_COLON = re.compile(r"(?<=\d)[：∶](?=\d)")
_DIGIT_POINT = re.compile(r"(?<=\d)．(?=\d)")
_DIGIT_DASH = re.compile(r"(?<=\d)－(?=\d)")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")
# A cell that only sends the reader somewhere else: 详见附件, 见附件1, 详见附件《办事指南》, 具体以附件为准, 参见附表 …
_ELSEWHERE_ONLY = re.compile(
    r"^[\s(\uff08]*(?:具体|详细|详情)?[\u4e00-\u9fff]{0,4}?(?:详见|参见|请见|请参见|请参阅|见|参照|按照|以)"
    r"(?:附件|附表|附录|相关附件|办事指南附件)[^。;；\n]{0,30}?(?:为准|所示|要求|内容)?[\s)\uff09。.;；]*$"
)
_MENTIONS_ATTACHMENT = re.compile(r"(?:详见|参见|请见|见|以)(?:附件|附表|附录)")
_EMPTY_MARKS = {"", "-", "—", "——", "/", "\\", "null", "None", "NULL", "nan", "N/A", "n/a"}


@dataclasses.dataclass(frozen=True)
class Cleaned:
    value: Optional[str]  # None: nothing usable
    had_html: bool = False
    had_full_width: bool = False
    had_spacing: bool = False
    refers_elsewhere: Optional[str] = None  # the "详见附件" text, when that is all the cell said
    mentions_attachment: bool = False

    @property
    def changed(self) -> bool:
        return self.had_html or self.had_full_width or self.had_spacing


def strip_html(text: str) -> str:
    """Tags removed (a tag that breaks a line becomes a line break), entities decoded."""

    def tag(m: re.Match) -> str:
        return "\n" if m.group(2).lower() in _BREAKING_TAGS else ""

    return html.unescape(_TAG.sub(tag, text))


def half_width(text: str) -> str:
    text = text.translate(_FULL_WIDTH)
    return _DIGIT_DASH.sub("-", _DIGIT_POINT.sub(".", _DIGIT_COLON.sub(":", text)))


def tidy_spaces(text: str) -> str:
    """One space at most between words, no blank lines, no spaces at line ends, \\n line breaks."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clean(raw: object) -> Cleaned:
    if raw is None:
        return Cleaned(None)
    text = str(raw)
    had_html = bool(_TAG.search(text) or _ENTITY.search(text))
    if had_html:
        text = strip_html(text)
    widened = half_width(text)
    had_full_width = widened != text
    text = widened
    tidy = tidy_spaces(text)
    had_spacing = tidy != text.strip()
    text = tidy
    if text in _EMPTY_MARKS:
        return Cleaned(None, had_html, had_full_width)
    if _ELSEWHERE_ONLY.match(text):
        return Cleaned(None, had_html, had_full_width, had_spacing, refers_elsewhere=text)
    return Cleaned(
        text, had_html, had_full_width, had_spacing, mentions_attachment=bool(_MENTIONS_ATTACHMENT.search(text))
    )
