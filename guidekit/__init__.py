"""Service guides: schema, loading, storage, service resolution and plain-language rendering.

Shared by the action server (which answers) and the API (which serves guides and health).
"""
