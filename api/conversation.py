"""One chat turn for any channel: clean the text, ask Rasa, and answer kindly when something is wrong.

Around the Rasa call sit the quality records (api/ratings.py): the turn is recorded, a goodbye asks
for a rating, and the answer to that question is taken here instead of going to Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Awaitable, Callable, Tuple

from sqlalchemy.exc import SQLAlchemyError

from api import ratings
from api.rasa_client import RasaClient, RasaUnavailable, parse_reply
from api.schemas import ChatRequest, ChatResponse, ChatState, Message
from guidekit.catalog import GuideCatalog
from guidekit.understanding.dialect import to_mandarin
from guidekit.privacy import mask_personal_numbers
from api.settings import ApiSettings
from guidekit.understanding.textnorm import to_simplified

log = logging.getLogger("banshi.chat")

_HAS_WORDS = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def _reply(req: ChatRequest, text: str, topic: str = "fallback") -> ChatResponse:
    return ChatResponse(session_id=req.session_id, messages=[Message(text=text)], state=ChatState(topic=topic))


_DOMAIN = Path(__file__).resolve().parent.parent / "bot" / "domain.yml"
# Rasa's own commands: typed by a user they would wipe the conversation ("/restart") or confuse it.
_NEVER_FROM_USERS = {"restart", "session_start", "back", "action_listen"}


@lru_cache(maxsize=1)
def button_payloads() -> frozenset:
    """`/next_item`, `/handoff` …: the intents our buttons send (the domain's intents), and nothing else."""
    import yaml

    intents = yaml.safe_load(_DOMAIN.read_text(encoding="utf-8")).get("intents", [])
    names = {i if isinstance(i, str) else next(iter(i)) for i in intents}
    return frozenset(f"/{n}" for n in names - _NEVER_FROM_USERS)


_COMMAND = re.compile(r"^[/／]+\s*[A-Za-z_]*\s*(\{.*?\})?")


def user_words(text: str) -> str:
    """A button's payload passes as it is. Anything else that looks like a command ("/restart",
    '/inform_service{"x": 1}') is dropped with its slash: typed by a person it is neither a command nor
    words; what follows it ("/社保卡丢了" → "社保卡丢了") is kept."""
    if text in button_payloads():
        return text
    return _COMMAND.sub("", text).strip()


def prepare_text(catalog: GuideCatalog, text: str) -> str:
    """Traditional → simplified, regional words → Mandarin, typed pinyin → characters (before NLU)."""
    try:
        snapshot = catalog.current()  # in memory; a database check at most once a second
    except SQLAlchemyError as exc:
        log.warning("guides database unavailable, pinyin input not converted: %s", exc.__class__.__name__)
        return to_mandarin(to_simplified(text))
    return snapshot.prepare(text)


async def chat_turn(
    client: RasaClient, catalog: GuideCatalog, req: ChatRequest, settings: ApiSettings
) -> Tuple[int, ChatResponse]:
    """Returns the HTTP status and the reply; the reply is always something a person can read."""
    # The length is checked before any work (masking, conversion, matching), on every channel.
    if len(req.text.strip()) > settings.max_text_chars:
        return 200, _reply(
            req,
            f"您说的话太长了,我一次只能看{settings.max_text_chars}个字以内。\n请用一句话问我,比如「老年证在哪里办」。",
        )
    text = mask_personal_numbers(user_words(req.text.strip()))
    if not _HAS_WORDS.search(text):
        return 200, _reply(req, "我没有收到文字。请说一说您想办什么事,比如「补社保卡要带什么」。")
    # Conversion and matching are CPU work: off the event loop, so one turn never freezes the others.
    said, text = text, await asyncio.to_thread(prepare_text, catalog, text)
    # The answer to "请您给这次服务打个分" (or to "哪里不满意") is ours to keep; Rasa never sees it.
    rating_turn = await ratings.take_rating_turn(settings, req, said, text)
    if rating_turn is not None:
        return 200, rating_turn
    system_problem = f"对不起,系统暂时出了问题,请稍后再试。\n您也可以打{settings.hotline}政务服务热线,有人帮您。"
    try:
        metadata = {"channel": req.channel, **({"kiosk": req.kiosk} if req.kiosk else {})}
        events = await client.send(req.session_id, text, metadata)
    except RasaUnavailable as exc:
        log.error("rasa unavailable for a %s turn: %s", req.channel, exc)
        return 503, _reply(req, system_problem, topic="handoff")
    messages, state = parse_reply(events)
    if state is None:
        # Every action of ours sends the state; none means no action ran (the action server is down
        # or failed), however Rasa itself answered.
        log.error("rasa answered a %s turn without the actions' state: action server down or failing", req.channel)
        return 503, _reply(req, system_problem, topic="handoff")
    if not messages:
        messages = [Message(text=f"对不起,我没听明白。您可以打{settings.hotline}问一问。")]
    reply = ChatResponse(session_id=req.session_id, messages=messages, state=state or ChatState())
    # Recorded as written (masked), not as converted for Rasa; a goodbye also gets the rating question.
    return 200, await ratings.after_answer(settings, req, said, reply)


Assistant = Callable[[ChatRequest], Awaitable[ChatResponse]]


def assistant_over(client: RasaClient, catalog: GuideCatalog, settings: ApiSettings) -> Assistant:
    """One turn as front ends other than /api/chat use it: only the reply (it is always readable)."""

    async def ask(req: ChatRequest) -> ChatResponse:
        _, reply = await chat_turn(client, catalog, req, settings)
        return reply

    return ask
