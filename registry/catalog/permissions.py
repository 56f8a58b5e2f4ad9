"""Who may change the catalog: the rule behind the catalog action."""
from __future__ import annotations

from registry.accounts.permissions import in_ministry, is_admin, rule

MANAGE_CATALOG = rule("catalog.manage", lambda user, _obj: is_admin(user) or in_ministry(user))
