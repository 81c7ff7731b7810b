"""Sessions in the database, read through the shared cache (Django's ``cached_db``), with
one addition: other cache keys can be read in the same round trip as the session.

A page kept whole (``core.pagecache``) is looked up with the session that asks for it,
so a kept page costs one read of the cache, not one for the session and one for the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def load_along(self, keys: Iterable[str]) -> dict[str, Any]:
        """Loads the session (if not yet loaded) and returns the values found under ``keys``,
        both in one read of the session's cache; the database only if the session is not
        in the cache, exactly as ``cached_db`` would."""
        keys = list(keys)
        if hasattr(self, "_session_cache") or self.session_key is None:
            return self._cache.get_many(keys)
        try:
            found = self._cache.get_many([self.cache_key, *keys])
        except Exception:  # as cached_db's load: an unreadable cache is a miss
            found = {}
        data = found.pop(self.cache_key, None)
        self._session_cache = data if data is not None else self.load()
        self.accessed = True
        return found
