"""Request and response shapes of the chat API (shared by kiosk, WeChat and voice front ends)."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field

from guidekit.answers.state import ChatState, Topic

__all__ = ["ChatRequest", "Button", "Message", "ChatState", "ChatResponse", "Topic"]


class ChatRequest(BaseModel):
    session_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$")
    text: str = Field(max_length=20000)
    channel: str = Field(default="api", min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    # The hall kiosk the turn comes from (its page's ?kiosk=): "在哪办" there is answered "就在本大厅" first.
    kiosk: Optional[str] = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,40}$")


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    text: str
    buttons: List[Button] = Field(default_factory=list)


class ChatResponse(BaseModel):
    session_id: str
    messages: List[Message]
    state: ChatState
