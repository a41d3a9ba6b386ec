"""Use cases. Each takes what it needs (the store, the acting user), runs in one transaction and
returns frozen dataclasses, never live ORM objects."""
