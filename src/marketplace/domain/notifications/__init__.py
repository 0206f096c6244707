"""Notifications: what a user is told, in the app (and later by email), and how they want to be told."""
