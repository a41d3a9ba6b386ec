"""The referral directory: where to go, what service to use, whom to contact and how.

Public information, kept in directory.db (plain SQLite: volunteers open only this file), shaped
on Open Referral HSDS 3.0 with what HSDS lacks: text in several languages per field, when and by
whom an entry was last verified, and this product's service categories as a taxonomy.
"""
