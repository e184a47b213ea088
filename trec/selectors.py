"""Reads the home page shares with other pages. Each section fills in as its app lands."""


def home_sections() -> dict:
    return {
        "upcoming_events": [],
        "open_communities": [],
        "current_wall": None,
        "impact": None,
    }
