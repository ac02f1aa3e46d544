"""The state every reply carries: one contract between the actions that send it and the front ends that read
it (the chat API, the kiosk, WeChat, voice), and the one list of topics.

The actions build it here and send `ChatState(...).model_dump()`, so a topic nobody knows fails where it is
made (in the action's own tests), not as a surprise in a front end.
"""

from __future__ import annotations

from typing import List, Literal, Optional, Tuple, get_args

from pydantic import BaseModel, Field

Topic = Literal[
    "materials",
    "location",
    "hours",
    "fee",
    "duration",
    "online",
    "proxy",
    "eligibility",
    "process",
    "clarify",
    "fallback",
    "handoff",
    "greeting",
    "goodbye",
    "feedback",
]
TOPICS: Tuple[str, ...] = get_args(Topic)
# What is asked about a service besides what to bring ("在哪办", "要钱吗", "能让儿子去吗").
INFO_TOPICS: Tuple[str, ...] = ("location", "hours", "fee", "duration", "online", "eligibility", "process", "proxy")
# The topics in which the assistant answers about its current service.
ANSWER_TOPICS: Tuple[str, ...] = ("materials",) + INFO_TOPICS


class ChatState(BaseModel):
    service_id: Optional[str] = None
    service_name: Optional[str] = None
    topic: Topic = "fallback"
    item_index: Optional[int] = None
    item_count: Optional[int] = None
    options: List[str] = Field(default_factory=list)
    # The 情形 the materials are for ("租的房子"), once the person said which; kiosk and checklist show it.
    situation: Optional[str] = None
    # The user asked to speak more slowly ("说慢一点"): voice front ends slow down from then on.
    slow_speech: bool = False
