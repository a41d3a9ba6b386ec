"""Settings for the core tests: Hypothesis keeps no example database in the checkout, and its
per-example deadline is off because a loaded CI machine is not a bug."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("caseworker-unit", database=None, deadline=None)
settings.load_profile("caseworker-unit")
