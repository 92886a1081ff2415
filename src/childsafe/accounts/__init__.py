"""Users, roles, sessions and API tokens."""

from childsafe.accounts.roles import Permission, Role

__all__ = ["Permission", "Role"]
