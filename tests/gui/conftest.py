"""Fixtures for the GUI tests (pytest-qt, offscreen)."""
