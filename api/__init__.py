"""The FastAPI gateway: one router per front end, all answering through the same Rasa assistant."""
