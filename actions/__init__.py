"""Custom actions for the Rasa action server: one module per concern, no side effects at import."""
