"""What `make faulttest` sends while it breaks things: readers loading public pages, and a
curator saving events through the admin (login, change form, POST, as a browser does), each
answer recorded with its time so that a fault's effects can be told from bugs."""

import http.client
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import psycopg

# What must never reach a reader: a traceback, or Django's debug page.
TRACES = (b"Traceback (most recent call last)", b"You're seeing this error because")
LOGIN_UNAVAILABLE = "The login service is briefly unavailable"
LOCKED = "Too many failed login attempts"
READ_PATHS = ["/", "/embed/", "/api/events/", "/fr/", "/?pair=XA-XB", "/ru/embed/?pair=XA-XB"]


@dataclass
class Answer:
    start: float
    end: float
    path: str
    status: int | None  # None: no HTTP answer (connection refused, reset…)
    error: str = ""
    traced: bool = False
    retry_after: bool = False
    cut: bool = False  # in flight on a worker that was killed


def request(port, method, path, body=None, headers=None, timeout=60):
    """(status, headers, body) of one request on loopback."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def timed(port, method, path, **kwargs):
    """(Answer, headers, body): an exception is recorded, not raised."""
    start = time.monotonic()
    try:
        status, headers, body = request(port, method, path, **kwargs)
    except (OSError, http.client.HTTPException) as error:
        return Answer(start, time.monotonic(), path, None, type(error).__name__), None, b""
    answer = Answer(start, time.monotonic(), path, status)
    answer.traced = any(trace in body for trace in TRACES)
    answer.retry_after = headers.get("Retry-After") is not None
    return answer, headers, body


class Readers:
    """`connections` readers loading READ_PATHS for `seconds`, in threads."""

    def __init__(self, port, connections=6, paths=READ_PATHS):
        self.port, self.connections, self.paths = port, connections, paths
        self.answers = []
        self.lock = threading.Lock()
        self.threads = []

    def start(self, seconds):
        deadline = time.monotonic() + seconds

        def read(offset):
            n = offset
            while time.monotonic() < deadline:
                answer, _, _ = timed(self.port, "GET", self.paths[n % len(self.paths)])
                n += 1
                with self.lock:
                    self.answers.append(answer)
                time.sleep(0.01)  # two cores: leave some to the server

        self.threads = [threading.Thread(target=read, args=(i,)) for i in range(self.connections)]
        for thread in self.threads:
            thread.start()
        return self

    def join(self):
        for thread in self.threads:
            thread.join()
        return self.answers


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            self.input(attrs)
        elif tag == "select":
            self.select, self.first_option = attrs, None
        elif tag == "option" and self.select is not None:
            self.option(attrs)
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def input(self, attrs):
        kind = attrs.get("type", "text")
        if kind in ("submit", "button", "file", "image", "reset"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))

    def option(self, attrs):
        value = attrs.get("value", "")
        if self.first_option is None:
            self.first_option = value
        if "selected" in attrs:
            self.fields.append((self.select.get("name"), value))
            self.select["chosen"] = True

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            single = "multiple" not in self.select and not self.select.get("chosen")
            if single and self.first_option is not None and self.select.get("name"):
                self.fields.append((self.select["name"], self.first_option))
            self.select = None


@dataclass
class Attempt:
    """One save of an event by the curator, and what the curator was told."""

    event_id: int
    title: str
    source_url: str
    told: str  # "saved" (302), "refused" (503 or the form again), "no answer"
    answer: Answer | None = None


@dataclass
class Curator:
    """A curator in the admin: logs in, then edits one event after another (a new title and
    a new source in one save, so that a half-written save shows)."""

    port: int
    username: str
    password: str
    event_ids: list
    cookies: dict = field(default_factory=dict)
    answers: list = field(default_factory=list)
    attempts: list = field(default_factory=list)

    def send(self, method, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            token = self.cookies.get("csrftoken", "")
            body = urlencode([*data, ("csrfmiddlewaretoken", token)])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer, reply, content = timed(self.port, method, path, body=body, headers=headers)
        self.answers.append(answer)
        cookies = (reply.get_all("Set-Cookie") if reply is not None else None) or []
        for cookie in cookies:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return answer, reply, content

    def login(self, password=None, username=None):
        """The answer's status and body of a login through the admin's form."""
        self.send("GET", "/admin/login/")
        form = [("username", username or self.username), ("password", password or self.password)]
        answer, _, body = self.send("POST", "/admin/login/", [*form, ("next", "/admin/")])
        return answer.status, body.decode(errors="replace")

    def edit(self, n, think):
        """Open an event's change form, edit for `think` seconds, and save it with a new
        title and source."""
        event_id = self.event_ids[n % len(self.event_ids)]
        path = f"/admin/timeline/event/{event_id}/change/"
        opened, _, page = self.send("GET", path)
        if opened.status != 200:
            return None  # not even opened: nothing attempted
        parser = FormFields("event_form")
        parser.feed(page.decode(errors="replace"))
        fields = [(k, v) for k, v in parser.fields if k != "csrfmiddlewaretoken"]
        title = f"Fault test edit {n} {random.randrange(10**9)}"
        url = f"https://faulttest.example/{n}/{random.randrange(10**9)}"
        data = dict(fields)
        total = int(data["sources-TOTAL_FORMS"])
        fields = [(k, v) for k, v in fields if k not in ("title_en", "sources-TOTAL_FORMS")]
        fields += [("title_en", title), ("sources-TOTAL_FORMS", str(total + 1))]
        fields += [(f"sources-{total}-url", url), (f"sources-{total}-title", "Fault test")]
        fields += [(f"sources-{total}-event", str(event_id)), ("_save", "Save")]
        time.sleep(think)
        saved, _, body = self.send("POST", path, fields)
        return Attempt(event_id, title, url, told_of(saved, body), saved)

    def run(self, seconds, interval):
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            attempt = self.edit(n, think=interval)
            n += 1
            if attempt is None:
                time.sleep(interval)  # the form did not open: try again in a moment
            else:
                self.attempts.append(attempt)

    def start(self, seconds, interval=0.2):
        thread = threading.Thread(target=self.run, args=(seconds, interval))
        thread.start()
        return thread


def told_of(answer, body):
    if answer.status == 302:
        return "saved"
    if answer.status == 503 and b"Nothing was saved" in body:
        return "refused"
    if answer.status == 200 and b"errornote" in body:
        return "refused"  # the form again, with what went wrong
    return "no answer" if answer.status is None else f"HTTP {answer.status}"


# --- what the database holds afterwards ----------------------------------------------------
def read_rows(database, sql, params):
    kind, where = database
    if kind == "sqlite":
        conn = sqlite3.connect(f"file:{where}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    with psycopg.connect(where) as conn:
        return conn.execute(sql.replace("%", "%%").replace("?", "%s"), params).fetchall()


def check_writes(database, attempts):
    """Counter of saved / reported failed / lost / half-written / refused but saved."""
    found = Counter(attempted=len(attempts))
    for attempt in attempts:
        (title,) = read_rows(
            database, "SELECT title FROM timeline_event WHERE id = ?", (attempt.event_id,)
        )[0]
        sources = read_rows(
            database, "SELECT count(*) FROM timeline_source WHERE url = ?", (attempt.source_url,)
        )[0][0]
        landed = title == attempt.title and sources == 1
        found["saved"] += landed
        found["half-written"] += (title == attempt.title) != (sources == 1) or sources > 1
        if attempt.told == "saved":
            found["lost"] += not landed
        else:
            found["reported failed"] += 1
            found["refused but saved"] += attempt.told == "refused" and landed
    return found


def synthetic_event_ids(database, count=400):
    rows = read_rows(
        database,
        "SELECT id FROM timeline_event WHERE slug LIKE 'synthetic-%' ORDER BY id LIMIT ?",
        (count,),
    )
    return [pk for (pk,) in rows]


def statuses(answers):
    """Counter of answers by status ("no answer" for none)."""
    return Counter(a.status if a.status is not None else "no answer" for a in answers)
