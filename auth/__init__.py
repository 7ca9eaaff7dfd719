"""Who may see what: users, roles, the access policy (DESIGN section 6) and sign-in."""
