"""The one declarative base every table is declared on, and how the tables store time.

It imports none of the modules whose tables it holds, so a process loads only the tables it uses: the action
server, which reads guides, opens the database without the editors' accounts (argon2) or their tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import declarative_base

# (Any: SQLAlchemy 1.4 declares its declarative base only at run time.)
Base: Any = declarative_base()


def utc_now() -> dt.datetime:
    """Now in UTC, without tzinfo: how every table here stores time."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
