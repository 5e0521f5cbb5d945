"""The SQLite store: feeds, stories, figures, read state, search.

``Store`` is the typed API; ``db`` holds the connection rules and
migrations; ``rows`` converts between rows and models.
"""

from tui.core.store.db import SCHEMA_VERSION, StoreBusy, StoreCorrupt, StoreError, WriterLock
from tui.core.store.store import Store, StoryQuery, UpsertResult, fts_query

__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoryQuery",
    "UpsertResult",
    "WriterLock",
    "fts_query",
]
