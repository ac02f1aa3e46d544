"""Walking through a service's materials one at a time (the flows: actions/flows/walk.py; the checklist is in
actions/checklist.py)."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows import walk


class ActionMaterials(GuideAction):
    """ "补社保卡要带什么": start the list at item 1 (or at the proxy list in proxy mode)."""

    def name(self) -> str:
        return "action_materials"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.materials(turn)


class ActionNextMaterial(GuideAction):
    def name(self) -> str:
        return "action_next_material"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.next_item(turn)


class ActionPreviousMaterial(GuideAction):
    def name(self) -> str:
        return "action_previous_material"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.previous_item(turn)


class ActionRepeatMaterial(GuideAction):
    """ "再说一遍" and "说慢一点": the same item again (the voice channel slows down on the latter)."""

    def name(self) -> str:
        return "action_repeat_material"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.repeat_item(turn)


class ActionListMaterials(GuideAction):
    def name(self) -> str:
        return "action_list_materials"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.list_all(turn)
