"""Debian's python3-caldav against Tandem, as a script would use it (run with /usr/bin/python3).

Usage: python_caldav.py BASE_URL USERNAME APP_PASSWORD ACCESS_TOKEN
Discovers the calendar, writes a weekly 09:00 Europe/Berlin series across the March 2030 DST
change, reads it back with date_search(expand=True), then follows REST edits and a REST delete
with objects_by_sync_token / sync(). Prints one JSON line with what it saw; exits 1 on a failed check.
"""
import json
import sys
import urllib.request
from datetime import datetime, timezone

import caldav

base, username, password, token = sys.argv[1:5]
out = {}


def check(cond, what):
    if not cond:
        print(json.dumps({"failed": what, "seen": out}))
        sys.exit(1)


def rest(method, path, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req) as res:
        text = res.read().decode()
        return json.loads(text) if text else None


client = caldav.DAVClient(url=base + "/dav/", username=username, password=password)
principal = client.principal()
out["principal"] = str(principal.url)
calendars = principal.calendars()
check(len(calendars) == 1, "one calendar")
cal = calendars[0]
out["calendar"] = str(cal.url)
check(str(cal.url).endswith("/dav/calendars/%s/events/" % username), "calendar URL")

ics = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//python-caldav test//EN", "BEGIN:VEVENT", "UID:py-weekly@test",
    "DTSTAMP:20300101T000000Z", "DTSTART;TZID=Europe/Berlin:20300318T090000", "DTEND;TZID=Europe/Berlin:20300318T100000",
    "RRULE:FREQ=WEEKLY;COUNT=6", "SUMMARY:Standup", "END:VEVENT", "END:VCALENDAR", ""])
cal.save_event(ics)

found = cal.date_search(start=datetime(2030, 3, 25, tzinfo=timezone.utc), end=datetime(2030, 4, 8, tzinfo=timezone.utc), expand=True)
starts = []
for ev in found:
    for comp in ev.icalendar_instance.walk("VEVENT"):
        starts.append(comp["DTSTART"].dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
out["expanded"] = sorted(starts)
# 09:00 in Berlin is 08:00Z before the change (31 March) and 07:00Z after it.
check(sorted(starts) == ["2030-03-25T08:00:00Z", "2030-04-01T07:00:00Z"], "expanded instances across DST")

coll = cal.objects_by_sync_token(load_objects=True)
out["initial"] = len(list(coll))
check(out["initial"] == 1, "initial sync holds the one event")

events = rest("GET", "/api/events?limit=100")["items"]
mine = [e for e in events if e["uid"] == "py-weekly@test"]
check(len(mine) == 1, "the CalDAV write is a REST event")
rest("PATCH", "/api/events/%d" % mine[0]["id"], {"title": "Standup (REST)"})
other = rest("POST", "/api/events", {"title": "From REST", "start_time": "2030-05-01T10:00:00Z", "end_time": "2030-05-01T11:00:00Z"})

updated, deleted = coll.sync()
out["updated"] = sorted(str(o.url).rsplit("/", 1)[1] for o in updated)
check(len(updated) == 2 and not deleted, "sync sees the REST edit and the REST create")
check(any("Standup (REST)" in o.data for o in updated), "the edit's data arrives")

rest("DELETE", "/api/events/%d" % other["id"])
updated, deleted = coll.sync()
out["deleted"] = sorted(str(o.url).rsplit("/", 1)[1] for o in deleted)
check(len(deleted) == 1 and not updated, "sync sees the REST delete")
print(json.dumps({"ok": True, **out}))
