"""Calendar invitations (.ics) through the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event


def calendar_file(events: list[dict], time_zone: str, name: str) -> bytes:
    """An iCalendar file with one VEVENT per event: {uid, start, end (ISO local times), summary,
    location, description}. Times are in the district's zone, with its VTIMEZONE included."""
    zone = ZoneInfo(time_zone)
    cal = Calendar()
    cal.add("prodid", "-//examdesk//timetables//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for e in events:
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.fromisoformat(e["start"]).replace(tzinfo=zone))
        event.add("dtend", datetime.fromisoformat(e["end"]).replace(tzinfo=zone))
        event.add("summary", e["summary"])
        if e.get("location"):
            event.add("location", e["location"])
        if e.get("description"):
            event.add("description", e["description"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
