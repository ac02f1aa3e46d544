"""The database: the declarative base (base.py), the engine (engine.py) and the migrations (migrate.py)."""
