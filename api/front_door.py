"""What every public front end does around a chat turn: whose conversation it is, and whether to take it now.

The contract every client follows (README "Conversations", and the OpenAPI schema of `/api/chat`):
1. The first turn is sent without `session_id`; the server starts a conversation.
2. Every reply carries the `session_id` to send with the next turn.
3. A `session_id` the server did not issue for this front end is refused with 403 and a plain message;
   the client then starts again without one.
The namespace (`api`, `kiosk`, `voice:<platform>`) and the channel recorded for the dashboard are set
here by the server, never by the client, and no front end can reach WeChat's `wechat:<openid>` sessions.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from fastapi.responses import JSONResponse

from api.schemas import ChatRequest, ChatState
from api.session_ids import REFUSED_TEXT, SessionIds, UnknownSession
from api.turn_limits import Limited, TurnLimits

SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:@-]+$"
SESSION_ID_DOC = (
    "Leave out on the first turn: the server starts a conversation. Then send the session_id of the "
    "previous reply. An id the server did not issue for this front end is refused with 403; start "
    "again without one."
)


def refusal(status: int, text: str, session_id: Optional[str] = None, topic: str = "fallback") -> JSONResponse:
    """Shaped like a reply, so a front end simply shows or speaks the text."""
    body = {
        "session_id": session_id,
        "messages": [{"text": text, "buttons": []}],
        "state": ChatState(topic=topic).model_dump(),
    }
    headers = {"Retry-After": "10"} if status == 429 else None
    return JSONResponse(status_code=status, content=body, headers=headers)


class FrontDoor:
    """For one request: whose conversation it is (the session), and whether to take the turn now (the limits).
    Routes receive it through `Depends(front_door)` (api/deps.py)."""

    def __init__(self, sessions: SessionIds, limits: TurnLimits, client: Optional[str]):
        self.sessions, self.limits, self.client = sessions, limits, client

    async def turn(
        self,
        session_id: Optional[str],
        text: str,
        namespace: str,
        channel: str,
        ask: Callable[[ChatRequest], Awaitable[Any]],
    ):
        """Check or issue the session, apply the limits, then run `ask`. Returns the reply or a refusal response."""
        try:
            session_id = self.sessions.continue_or_start(session_id, namespace)
        except UnknownSession:
            return refusal(403, REFUSED_TEXT)
        try:
            async with self.limits.turn(self.client, session_id):
                return await ask(ChatRequest(session_id=session_id, text=text, channel=channel))
        except Limited as limited:
            return refusal(429, limited.text, session_id)
