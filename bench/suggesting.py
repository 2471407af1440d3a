"""Readers' suggestions under load (`make loadtest`): each one is a real reader's two
requests, the form (its CSRF cookie and token) and the POST, with a unique message; after
the run, every suggestion the server thanked for must be in the database."""

import http.client
import re
import sqlite3
import uuid
from urllib.parse import urlencode

PATH = "/suggest/"
ENDPOINT = ("suggestion (form+POST)", PATH, {})
# The throttle is per client address and the load comes from one: lift it for the run.
UNTHROTTLED = {"SUGGESTION_LIMIT": "1000000000", "SUGGESTION_EVENT_LIMIT": "1000000000"}
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def request(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        conn.close()


def suggest(port):
    """(status, message) of one reader's suggestion of a missing event."""
    status, cookie, body = request(port, "GET", PATH)
    token = TOKEN.search(body)
    csrf = re.search(r"csrftoken=([^;]+)", cookie)
    if status != 200 or not token or not csrf:
        return status if status != 200 else 599, None
    message = f"loadtest suggestion {uuid.uuid4().hex}"
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "message": message,
        "source_url": "https://example.org/loadtest",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf.group(1)}",
    }
    status, _, _ = request(port, "POST", PATH, urlencode(form), headers)
    return status, message


def lost_suggestions(db_path, messages):
    """The thanked-for suggestions the database does not hold."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT message FROM timeline_suggestion").fetchall()
    stored = {message for (message,) in rows}
    return [message for message in messages if message not in stored]
