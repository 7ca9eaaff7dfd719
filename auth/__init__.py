"""Who may see what: users, roles, the access policy (docs/architecture.md) and sign-in."""
