"""Rasa's SQL tracker store, but a database failure fails the turn instead of starting the user afresh.

Rasa wraps every tracker store in a fail-safe that, when the database cannot be read, quietly gives
the conversation a new empty tracker (and keeps writes in memory): the person is suddenly asked
"您想办哪件事?" in the middle of their list, and the turn is lost later. Raising something that is
not an `Exception` gets past that wrapper: the request fails, the API answers with the polite hotline
message, nothing is stored, and the next turn continues from the stored place once the database is back.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError


class TrackerStoreUnavailable(BaseException):
    """The conversation store cannot be read or written right now (deliberately not an Exception)."""


class StrictSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A connection the database dropped is noticed before use, not by the next person's turn.
        self.engine.pool._pre_ping = True

    def _unavailable(self, exc: SQLAlchemyError) -> TrackerStoreUnavailable:
        self.engine.dispose()  # start the next turn with fresh connections
        return TrackerStoreUnavailable(f"tracker store unavailable: {exc.__class__.__name__}")

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from exc

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(sender_id)
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from exc

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from exc
