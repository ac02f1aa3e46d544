"""Request and response shapes of the chat API (shared by kiosk, WeChat and voice front ends)."""
from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import BaseModel, Field

Topic = Literal["materials", "location", "hours", "fee", "duration", "online", "proxy", "eligibility",
                "process", "clarify", "fallback", "handoff", "greeting", "goodbye", "feedback"]


class ChatRequest(BaseModel):
    session_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$")
    text: str = Field(max_length=20000)
    channel: str = Field(default="api", min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    text: str
    buttons: List[Button] = Field(default_factory=list)


class ChatState(BaseModel):
    service_id: Optional[str] = None
    service_name: Optional[str] = None
    topic: Topic = "fallback"
    item_index: Optional[int] = None
    item_count: Optional[int] = None
    options: List[str] = Field(default_factory=list)
    # The user asked to speak more slowly ("说慢一点"): voice front ends slow down from then on.
    slow_speech: bool = False


class ChatResponse(BaseModel):
    session_id: str
    messages: List[Message]
    state: ChatState
