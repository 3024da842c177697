"""The one error of what a user asked to run: its message is meant for the user."""

from __future__ import annotations


class PlanError(ValueError):
    """Input that cannot be run; the message is meant for the user."""
