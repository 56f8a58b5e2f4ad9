"""Users, organizations, roles, sign-in and API tokens."""
