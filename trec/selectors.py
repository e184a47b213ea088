"""Reads the home page shares with other pages. Each section fills in as its app lands."""

from events.catalog import upcoming_this_month


def home_sections() -> dict:
    return {
        "upcoming_events": upcoming_this_month(limit=6),
        "open_communities": [],
        "current_wall": None,
        "impact": None,
    }
