"""The login backend: Django's, with the per-request user load kept until the next write.

Every authenticated request loads its user with the person, unit and scope unit (one
query of four tables, whose compilation was half of a cached page's time). The loaded
user is kept in the shared cache under the data version (``core.writes``): any committed
write — a password, role, unit or account change among them — makes the next request
load it afresh. What is kept leaves out the password hash and the person's ID number
(both deferred: read from the database only if something asks for them); the session
check uses the hash of the password computed when it was loaded (as the session itself
holds it), and whether the user has a confirmed second-factor device is kept with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django_otp import user_has_device

from shuangyong.core.writes import cached_until_write


class ModelBackendKeepingUsers(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        return cached_until_write(("session-user", user_id), lambda: self._load(user_id))

    def _load(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        if user is None:
            return None
        # Asked on every page by the second-factor middleware: kept with the user.
        user.has_confirmed_device = user_has_device(user)
        return user.without_secrets()
