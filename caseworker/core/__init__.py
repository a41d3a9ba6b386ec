"""The core: storage, rules and use cases. Never imports Qt (a test holds it to that)."""
