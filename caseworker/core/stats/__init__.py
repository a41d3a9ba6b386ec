"""Anonymised statistics and funder reports: counts computed in SQL over the cases store,
protected by primary and secondary suppression before anything leaves the app."""
