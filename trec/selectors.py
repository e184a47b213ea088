"""Reads the home page shares with other pages. Each section fills in as its app lands."""

from communities.selectors import open_communities
from events.catalog import upcoming_this_month
from gratitude.selectors import current_wall
from surveys.selectors import current_survey
from trec.impact.selectors import home_highlights


def home_sections() -> dict:
    return {
        "upcoming_events": upcoming_this_month(limit=6),
        "open_communities": open_communities(limit=4),
        "current_wall": current_wall(),
        "current_survey": current_survey(),
        "impact": home_highlights(),
    }
