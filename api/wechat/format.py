"""Answers shaped for a phone screen and older eyes: plain text, "回复「…」" hints, ≤ 600 characters a message.

Also the other direction: WeChat's emoji codes in a user's text are taken out before the assistant
sees it, and a leading "/" is removed so that typed text can never trigger a Rasa intent directly.
"""

from __future__ import annotations

import re
from typing import List

from api.schemas import ChatResponse

# The chat replies are written for speech and kiosk ("说"); in WeChat the user types a reply.
_SAY_TO_REPLY = (
    ("您可以说「", "您可以回复「"),
    ("请说「", "请回复「"),
    ("请说数字", "请回复数字"),
    ("说「还差哪些」,听", "回复「还差哪些」,看"),
    ("说「", "回复「"),
)
_MARKDOWN = re.compile(r"(\*\*|__|`|^#{1,6}\s*|^>\s*)", re.MULTILINE)
# WeChat sends its built-in faces inside text as "/::)" "/:rose" or "[微笑]".
_WECHAT_FACES = re.compile(r"\[[\u3400-\u9fff]{1,4}\]|/:[^\s\u3400-\u9fff/\[]{1,10}")


def user_text(text: str) -> str:
    """What the person typed, without WeChat face codes and without a leading "/" (Rasa's intent syntax)."""
    return _WECHAT_FACES.sub("", text).strip().lstrip("/").strip()


def for_wechat(text: str) -> str:
    for said, typed in _SAY_TO_REPLY:
        text = text.replace(said, typed)
    return _MARKDOWN.sub("", text).strip()


def answer_texts(reply: ChatResponse, limit: int) -> List[str]:
    """The whole answer as WeChat messages of at most `limit` characters each, in order."""
    # (How to go on is said by the assistant once per conversation and after a misunderstanding, as
    # "说「下一个」…", which becomes "回复「下一个」…" here; it is not added to every item.)
    parts = [for_wechat(m.text) for m in reply.messages if m.text.strip()]
    return split_text("\n\n".join(parts), limit)


def split_text(text: str, limit: int) -> List[str]:
    """Cut at paragraph breaks, then line breaks, then after a 。; mid-sentence only as a last resort."""
    chunks: List[str] = []
    current = ""
    for piece in _pieces(text, limit):
        joiner = "\n\n" if current and piece.startswith("\x00") else ("\n" if current else "")
        piece = piece.lstrip("\x00")
        if current and len(current) + len(joiner) + len(piece) > limit:
            chunks.append(current)
            current, joiner = "", ""
        current += joiner + piece
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, limit: int) -> List[str]:
    """Lines no longer than `limit`; the first line of a paragraph is marked with \\x00."""
    out: List[str] = []
    for p_index, paragraph in enumerate(p for p in text.split("\n\n") if p.strip()):
        for l_index, line in enumerate(paragraph.split("\n")):
            mark = "\x00" if l_index == 0 and p_index > 0 else ""
            for part in _short(line, limit):
                out.append(mark + part)
                mark = ""
    return out


def _short(line: str, limit: int) -> List[str]:
    if len(line) <= limit:
        return [line]
    sentences = [s for s in re.split(r"(?<=[。!?;!?;])", line) if s]
    out, current = [], ""
    for sentence in sentences:
        while len(sentence) > limit:
            out.append(sentence[:limit])
            sentence = sentence[limit:]
        if len(current) + len(sentence) > limit:
            out.append(current)
            current = ""
        current += sentence
    if current:
        out.append(current)
    return out
