"""The base of every action that answers from the guides: a Turn, what the turn is before the chosen action
(actions/flows/routing.py), then the action's own answer."""

from __future__ import annotations

import abc
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from actions.flows.routing import before_the_action


class GuideAction(Action, abc.ABC):
    """Base for actions that answer from the guides; subclasses implement `respond` by calling a flow."""

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        turn = Turn(dispatcher, tracker)
        answered = before_the_action(turn)
        return answered if answered is not None else self.respond(turn)

    @abc.abstractmethod
    def respond(self, turn: Turn) -> List[EventType]:
        """Say something and return the events."""
