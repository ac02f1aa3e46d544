"""找人工 at a hall kiosk: a person in this hall, not a phone number (issue 14, item 6).

Someone standing at the kiosk who taps 找人工 or says "我要找工作人员" needs to know where to walk
("请您去东门进来右手边的咨询台"), not the office's phone number. Each kiosk says where its own help desk is
(`kiosk_help_desks`, by the kiosk id in the page address `/kiosk?kiosk=east-1`), and where the hall has a staff
call system, the kiosk rings it (`kiosk_staff_call_url`: a JSON POST naming the kiosk and the service, no
personal data). A call is logged either way; a call that fails or times out is never the person's problem:
they are sent to the desk. Tapping again within the cool-down does not ring again ("工作人员已经在来的路上了").
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timezone
from typing import Callable, Dict, Optional

import httpx

from api.schemas import ChatResponse, Message
from guidekit.answers.replies import COMPLAINT_HEARD

log = logging.getLogger("banshi.kiosk.help")

KIOSK_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
_KIOSK_ID = re.compile(KIOSK_ID_PATTERN)

CALLED = "called"  # the staff call system took the call
ALREADY = "already"  # this kiosk rang a moment ago
NO_CALL = "no_call"  # no staff call system here
FAILED = "failed"  # it did not answer, or refused


def _go_to_the_desk(desk: str) -> str:
    return f"请您去{desk}找工作人员。他们会当面帮您。"


REPLIES: Dict[str, Callable[[str], str]] = {
    CALLED: lambda desk: f"工作人员马上过来,请您在这里稍等。您也可以直接去{desk}。",
    ALREADY: lambda desk: f"工作人员已经在来的路上了,请您稍等。您也可以直接去{desk}。",
    NO_CALL: _go_to_the_desk,
    FAILED: _go_to_the_desk,  # (the person never hears that a call failed)
}


class HelpDesk:
    """Where each kiosk's help desk is, and the staff call (one per kiosk per cool-down)."""

    def __init__(
        self,
        desks: Dict[str, str],
        default_desk: str,
        call_url: Optional[str],
        timeout: float,
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.desks = {k: v for k, v in desks.items() if _KIOSK_ID.match(k) and v.strip()}
        self.default_desk = default_desk
        self.call_url = call_url or None
        self.timeout = timeout
        self.cooldown = cooldown_seconds
        self._clock = clock
        self._rang: Dict[str, float] = {}

    @classmethod
    def from_settings(cls, settings) -> "HelpDesk":
        return cls(
            settings.kiosk_help_desks,
            settings.kiosk_help_desk,
            settings.kiosk_staff_call_url,
            settings.kiosk_staff_call_timeout,
            settings.kiosk_staff_call_cooldown_seconds,
        )

    def where(self, kiosk: Optional[str]) -> str:
        """The help desk as said to the person: this kiosk's own, or the hall's default."""
        return self.desks.get(kiosk or "", self.default_desk)

    async def call_staff(self, kiosk: Optional[str], service_id: Optional[str]) -> str:
        """Ring the staff call system; one of CALLED, ALREADY, NO_CALL, FAILED."""
        name = kiosk or "unnamed"
        if self.call_url is None:
            log.info("help asked at kiosk %s (service %s); no staff call system configured", name, service_id)
            return NO_CALL
        now = self._clock()
        last = self._rang.get(name)
        if last is not None and now - last < self.cooldown:
            log.info("help asked again at kiosk %s within %.0f s; not rung again", name, self.cooldown)
            return ALREADY
        body = {
            "kiosk": name,
            "desk": self.where(kiosk),
            "service_id": service_id,
            "asked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.call_url, json=body)
            response.raise_for_status()
        except (httpx.HTTPError, OSError) as exc:
            log.error(
                "staff call from kiosk %s failed (%s): the person is sent to the desk",
                name,
                type(exc).__name__ if not isinstance(exc, httpx.HTTPStatusError) else exc.response.status_code,
            )
            return FAILED
        self._rang[name] = now
        log.info("staff called to kiosk %s (service %s)", name, service_id)
        return CALLED

    async def answer_at_kiosk(self, reply: ChatResponse, kiosk: Optional[str]) -> ChatResponse:
        """A hand-off answered at the kiosk: the help desk (and the staff call) instead of a phone number."""
        if reply.state.topic != "handoff":
            return reply
        outcome = await self.call_staff(kiosk, reply.state.service_id)
        text = REPLIES[outcome](self.where(kiosk))
        if any(m.text.startswith(COMPLAINT_HEARD) for m in reply.messages):
            text = COMPLAINT_HEARD + text  # a complaint is still heard first
        return reply.model_copy(update={"messages": [Message(text=text)]})
