"""examdesk: an assessment coordinator's school year, month by month."""

__version__ = "0.1.0"
