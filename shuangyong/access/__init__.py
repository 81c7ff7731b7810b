"""The one access module: what a role may do and which units it may see.

Every view, API call, export and queryset goes through these functions:

- ``can(user, permission)``: may this user do this at all (role check);
- ``require(permission)``: the same as a view decorator (403 when not);
- ``scoped(user, queryset, via=...)``: only the rows within the user's units;
- ``get_in_scope_or_404(user, queryset, via=..., **lookup)``: one such row.

Role checks answer 403 (the page exists, you may not use it); rows outside
the user's units answer 404 (we do not confirm they exist).
"""

from shuangyong.access.policy import PERMISSIONS, can, permitted_roles, require
from shuangyong.access.roles import UNIT_SCOPED_ROLES, Role
from shuangyong.access.scope import get_in_scope_or_404, in_scope, scoped

__all__ = [
    "UNIT_SCOPED_ROLES",
    "Role",
    "PERMISSIONS",
    "can",
    "get_in_scope_or_404",
    "in_scope",
    "permitted_roles",
    "require",
    "scoped",
]
