"""Caseworker: offline case files and a referral directory for organisations that help
migrants, refugees and asylum seekers into work."""

__version__ = "0.1.0"
APP_NAME = "Caseworker"
