"""Talking to the Rasa server's REST channel, and turning its reply into messages and state."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import httpx

from api.schemas import Button, ChatState, Message


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=100))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata})
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc

    async def is_up(self) -> bool:
        try:
            response = await self._client.get(f"{self.base_url}/", timeout=3.0)
            return response.status_code == 200
        except httpx.HTTPError:
            return False


def parse_reply(events: List[Dict[str, Any]]) -> Tuple[List[Message], Optional[ChatState]]:
    """Rasa's REST output: text messages (with buttons) plus the actions' `{"state": …}` payload."""
    messages: List[Message] = []
    state: Optional[ChatState] = None
    for event in events:
        custom = event.get("custom")
        if isinstance(custom, dict) and "state" in custom:
            state = ChatState.model_validate(custom["state"])
        if event.get("text"):
            buttons = [Button(title=b.get("title", ""), payload=b.get("payload", ""))
                       for b in event.get("buttons") or []]
            messages.append(Message(text=event["text"], buttons=buttons))
    return messages, state
