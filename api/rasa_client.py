"""Talking to the Rasa server's REST channel, and turning its reply into messages and state."""

from __future__ import annotations

import itertools
import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import httpx
from pydantic import ValidationError

from api.schemas import Button, ChatState, Message

log = logging.getLogger("banshi.rasa")


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


class RasaClient:
    """Turns go to the Rasa instances in turn (they share the tracker and lock stores, so any one can
    serve any conversation). An instance that refuses the connection is skipped for that turn; a
    timeout is not retried elsewhere, because the first instance may still have taken the step."""

    def __init__(self, base_urls: Union[str, Sequence[str]], timeout: float):
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self.base_urls = [u.rstrip("/") for u in urls]
        self.base_url = self.base_urls[0]
        self._next = itertools.count()
        self._client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=100))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        start = next(self._next)
        problem: Exception = RasaUnavailable("no Rasa instance configured")
        for i in range(len(self.base_urls)):
            base = self.base_urls[(start + i) % len(self.base_urls)]
            try:
                response = await self._client.post(
                    f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
                )
                response.raise_for_status()
                return response.json()
            except httpx.ConnectError as exc:
                problem = exc  # nothing reached this instance: the next one may take the turn
            except (httpx.HTTPError, ValueError) as exc:
                raise RasaUnavailable(f"{base}: {exc}") from exc
        raise RasaUnavailable(str(problem)) from problem

    async def instances_up(self) -> Dict[str, bool]:
        out = {}
        for base in self.base_urls:
            try:
                out[base] = (await self._client.get(f"{base}/", timeout=3.0)).status_code == 200
            except httpx.HTTPError:
                out[base] = False
        return out

    async def is_up(self) -> bool:
        return any((await self.instances_up()).values())


def parse_reply(events: List[Dict[str, Any]]) -> Tuple[List[Message], Optional[ChatState]]:
    """Rasa's REST output: text messages (with buttons) plus the actions' `{"state": …}` payload."""
    messages: List[Message] = []
    state: Optional[ChatState] = None
    for event in events:
        custom = event.get("custom")
        if isinstance(custom, dict) and "state" in custom:
            state = _state(custom["state"])
        if event.get("text"):
            buttons = [
                Button(title=b.get("title", ""), payload=b.get("payload", "")) for b in event.get("buttons") or []
            ]
            messages.append(Message(text=event["text"], buttons=buttons))
    return messages, state


def _state(sent: Any) -> ChatState:
    """The actions' state as the API's contract has it. A field the contract does not know the value of (a topic
    added to the actions but not to api/schemas.py) is logged and left at its default: the person still gets
    the answer, not an error."""
    try:
        return ChatState.model_validate(sent)
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        log.error(
            "the actions sent a state the API does not accept (%s); those fields are left at their defaults",
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
        )
        if not isinstance(sent, dict):
            return ChatState()
        try:
            return ChatState.model_validate({k: v for k, v in sent.items() if k not in bad})
        except ValidationError:
            return ChatState()
