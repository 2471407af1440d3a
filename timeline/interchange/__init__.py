"""Bringing timelines in and out: TimelineJS 3 import (spreadsheet CSV or JSON) and export.

- sanitize: the one place that decides which HTML is allowed in rich text.
- timelinejs_import: read a TimelineJS sheet or JSON, validate every row, write in one go.
- timelinejs_export: events, office terms and disputes -> TimelineJS 3 JSON (a pure function).
"""
