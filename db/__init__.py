"""Storage: models, engine and sessions, migrations, and the scoped read models (queries)."""
