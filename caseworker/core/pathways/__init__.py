"""Guided service pathways: the templates a caseworker walks a person through, step by step."""
