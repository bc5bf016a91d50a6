"""Every page in the reader's language: a guard for the whole class of problem, not for one page.

With the demo loaded (once for the module), each role (an SME, a bank, an event organizer, a
platform admin, an anonymous visitor) in each language (zh, en) opens the pages of the main
navigation and a fixed list of pages behind them (filters, an invalid filter, detail pages, the
published event's pages for a participant and for the organizer, account and admin pages), then
follows the links of those pages one level deep (at most ``PER_KIND`` pages of each kind: the
same template with other data adds little). On the visible text of each page (no <script> or
<style>, no attribute values) it checks:

1. no raw codes: snake_case identifiers, ``name=value`` query fragments, and the keys of the
   models' enumerations (categories, kinds, statuses, phases, results ...) or of the pages' own
   form fields standing bare, where a label belongs;
2. on Chinese pages: no ASCII parenthesis, colon, comma or semicolon touching a Chinese
   character (「（需求方）」, 「名称：」, 「已通过，」), no space after a full-width colon, and
   no English of our own catalog rendered as is (a msgid as a whole text, or a run of 3+ words
   of one anywhere);
3. on English pages: no badge whose text is a lower-case word (``draft`` for ``Draft``), and no
   Chinese punctuation in English text (「Zhongshan、Foshan」).

The CSV files those pages link to (the event's schedule and numbers) are checked too: header
cells are labels in the reader's language, and cells show labels, not codes (``CODE_COLUMNS``).

What users typed (organization names, listing texts, delegate titles, messages) is theirs: the
demo writes it in Chinese with some English, which none of the checks mistakes for ours (a code is
lower-case and stands alone; English user text is a phrase). The allow-list ``ALLOWED`` takes out
what would look like a code: e-mail addresses, URLs and credit codes (check-in codes are upper
case and need no entry). Each failure names the page, the role, the language and the text.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import ahocorasick
import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from listings import categories
from listings.models import Listing, Need
from listings.queries import LISTING_SORTS, NEED_SORTS
from marketplace import create_app, demo
from marketplace.accounts.models import User
from marketplace.admin.models import OUTCOMES
from marketplace.events import models as event_models
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.organizations import kinds
from marketplace.organizations.models import Organization
from marketplace.search import services as search
from marketplace.timeutil import today
from tests.conftest import IsolatedClient, _empty_tables, base_config
from tests.factories import org_of

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "marketplace" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"

ROLES = {
    "sme": "sme@demo.gd.cn",
    "bank": "bank@demo.gd.cn",
    "organizer": "organizer@demo.gd.cn",
    "admin": "admin@demo.gd.cn",
    "anonymous": None,
}
LANGUAGES = ("zh", "en")
PER_KIND = 2  # linked pages of one kind (endpoint and query arguments) opened per role and language
PER_ENDPOINT = 10  # and of one endpoint (the facet links of the search page are many kinds)
PER_RULE = 3  # problems of one rule reported per page (the rest are counted)

# --- what counts as a code --------------------------------------------------------------------

# The keys the models store and the forms send: shown on a page, each should have been a label.
ENUMERATIONS: frozenset[str] = frozenset({
    *categories.CATEGORIES,
    *(key for subs in categories.SUBCATEGORY_LABELS.values() for key in subs),
    *categories.SIZE_CLASS_KEYS, *categories.STATUSES, *categories.DEVELOPMENT_STAGES,
    *categories.PARTNERSHIP_TYPES, *categories.REPAYMENT_METHODS, *categories.GUARANTEE_TYPES,
    *kinds.KINDS, *kinds.VERIFICATION_STATUSES, *kinds.MEMBER_ROLES,
    *event_models.PHASES, *event_models.ROLES, *event_models.APPROVALS, *event_models.PARTICIPANT_STATUSES,
    *event_models.REQUEST_STATUSES, *event_models.MEETING_SOURCES, *event_models.MEETING_STATUSES,
    *event_models.RESULTS, *OUTCOMES,
    # the query arguments of browse and search, and their sort keys
    *search.ARGUMENTS, *LISTING_SORTS, *NEED_SORTS, *search.SORT_LABELS,
} - {""})

SNAKE_CASE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])", re.ASCII)
QUERY_FRAGMENT = re.compile(r"(?<![\w/?&])[a-z_]{1,30}=[^\s&=]+", re.ASCII)
# A text made of nothing but codes, numbers and punctuation (「amount, max_price」, 「☐ small (3)」).
TOKEN_SEPARATORS = re.compile(r"[^\w-]+")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

# What users legitimately write or the platform hands out as identifiers: taken out of the text
# before the checks. Kept small on purpose; a new entry needs a reason.
ALLOWED = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII),  # e-mail addresses
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b"),  # credit codes (GB 32100)
]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# 「需求方)」「(需求」「名称:」「已通过, 0」「洽谈桌 7: 东莞」; and 「报名情况： 55」 (no space after
# a full-width colon)
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}][():,;]|[():,;] ?[{CJK}]|： ")
FULL_WIDTH = re.compile("[、，。；：（）「」【】]")
ENGLISH_RUN = re.compile(r"(?<![\w-])[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)*(?![\w-])", re.ASCII)


# --- reading a page ---------------------------------------------------------------------------

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
HIDDEN = frozenset({"script", "style", "template"})


@dataclass
class Page:
    """The visible text of a page, in text nodes, with what the checks need to know about them."""

    texts: list[tuple[str, str | None]] = field(default_factory=list)  # (text, declared language)
    badges: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    field_names: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, lang, starts a badge)
        self.badge: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.page.links.append(values["href"] or "")
        if tag in ("input", "select", "textarea") and values.get("name"):
            self.page.field_names.add(values["name"] or "")
        if tag in VOID:
            return
        lang = values.get("lang") or (self.stack[-1][1] if self.stack else None)
        badge = "badge" in (values.get("class") or "").split()
        if badge:
            self.badge.append([])
        self.stack.append((tag, lang, badge))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _l, _b in self.stack):
            return
        while self.stack:
            name, _lang, badge = self.stack.pop()
            if badge:
                self.page.badges.append(" ".join("".join(self.badge.pop()).split()))
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if any(t in HIDDEN for t, _l, _b in self.stack):
            return
        text = " ".join(data.split())
        if not text:
            return
        self.page.texts.append((text, self.stack[-1][1] if self.stack else None))
        for parts in self.badge:
            parts.append(data)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


# --- the checks -------------------------------------------------------------------------------


def _unallowed(text: str) -> str:
    for pattern in ALLOWED:  # a digit in its place: 「信用代码：<code>」 is no 「信用代码： 」
        text = pattern.sub("0", text)
    return text


def _around(text: str, start: int, end: int) -> str:
    return f"…{text[max(0, start - 25):end + 25]}…" if len(text) > end - start + 50 else text


@functools.cache
def _catalog() -> tuple[ahocorasick.Automaton, frozenset[str]]:
    """Our catalog's English texts that must not show on a Chinese page: the literal parts of
    msgids (around their placeholders) of three words or more, found anywhere in the text, and
    every msgid as a whole text (a label: 「Draft」). Messages whose translation is the English
    text itself (「API」, 「PDF」) are left out."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    automaton = ahocorasick.Automaton()
    whole: set[str] = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if not msgid or msgid in strings or not ASCII_WORD.search(msgid):
                continue
            whole.add(" ".join(msgid.split()))
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid):
                piece = " ".join(piece.split()).strip(" .,:;")
                if len(ASCII_WORD.findall(piece)) >= 3 and not re.search(f"[{CJK}]", piece):
                    automaton.add_word(piece, piece)
    automaton.make_automaton()
    return automaton, frozenset(whole)


def check_page(page: Page, lang: str) -> list[str]:
    """What is wrong with a page's text in a language, as ``rule: snippet`` lines."""
    problems: list[str] = []
    codes = ENUMERATIONS | (page.field_names - {"csrf_token", ""})
    for raw, declared in page.texts:
        text = _unallowed(raw)
        for m in SNAKE_CASE.finditer(text):
            problems.append(f"raw code {m.group()!r}: {_around(raw, *m.span())}")
        for m in QUERY_FRAGMENT.finditer(text):
            problems.append(f"query fragment {m.group()!r}: {_around(raw, *m.span())}")
        words = [t for t in TOKEN_SEPARATORS.split(text) if t and not t.isdigit()]
        if words and all(t in codes for t in words) and not SNAKE_CASE.search(text):
            problems.append(f"bare code {text.strip()!r}")
        if lang != "zh" or (declared and not declared.startswith("zh")):
            if lang == "en" and FULL_WIDTH.search(text) and not re.search(f"[{CJK}]", text):
                m = FULL_WIDTH.search(text)
                problems.append(f"Chinese punctuation on an English page {m.group()!r}: {_around(raw, *m.span())}")
            continue
        for m in HALF_WIDTH_NEXT_TO_CJK.finditer(text):
            problems.append(f"half-width punctuation {m.group()!r}: {_around(raw, *m.span())}")
        if re.search(f"[{CJK}]", text):  # a code inside Chinese text: 「无效：amount」
            for m in ENGLISH_RUN.finditer(text):  # one word alone, not a phrase of user text
                if m.group() in codes:
                    problems.append(f"code in Chinese text {m.group()!r}: {_around(raw, *m.span())}")
    if lang == "zh":
        sentences, labels = _catalog()
        chinese = [_unallowed(t) for t, declared in page.texts if not declared or declared.startswith("zh")]
        problems += [f"untranslated {text!r}" for text in chinese if text in labels]
        joined = "\n".join(chinese)
        for end, sentence in sentences.iter(joined):
            start = end - len(sentence) + 1
            before, after = joined[start - 1:start], joined[end + 1:end + 2]
            if not (before.isalpha() and before.isascii()) and not (after.isalpha() and after.isascii()):
                problems.append(f"untranslated {sentence!r}: {_around(joined, start, end + 1)}")
    else:
        for badge in page.badges:
            if re.fullmatch(r"[a-z][a-z-]*(?: [a-z-]+)*", badge):
                problems.append(f"lower-case badge {badge!r}")
    return _at_most(PER_RULE, problems)


def _at_most(n: int, problems: list[str]) -> list[str]:
    """The first ``n`` distinct problems of each rule (the text before the quoted snippet), and
    how many more there were: a template that gets one thing wrong gets it wrong in every row."""
    kept: list[str] = []
    counts: dict[str, int] = {}
    for problem in dict.fromkeys(problems):
        rule = problem.split(" '", 1)[0].split(' "', 1)[0]
        counts[rule] = counts.get(rule, 0) + 1
        if counts[rule] <= n:
            kept.append(problem)
    return kept + [f"{rule}: {count - n} more like these" for rule, count in counts.items() if count > n]


# Columns of our CSV files that hold codes on purpose, by file name: the event numbers file keeps
# a machine-readable section and key beside the value and its label (eventday.numbers_csv). The
# documented machine interchange format (records JSON Lines, whose names are the public schema's
# fields: `marketplace export`) is a command's file, not a page's, and is not checked here.
CODE_COLUMNS = {"dashboard.csv": {0, 1}}


def check_csv(body: str, lang: str, name: str = "") -> list[str]:
    """A CSV file: headers are labels in the reader's language, cells show labels, not codes."""
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header = rows[0] if rows else []
    problems = []
    code_columns = CODE_COLUMNS.get(name.rsplit("/", 1)[-1], set())
    for row in rows[1:]:
        for n, cell in enumerate(row):
            if n not in code_columns and (SNAKE_CASE.fullmatch(cell) or cell in ENUMERATIONS):
                problems.append(f"code in a CSV cell {cell!r} (column {header[n] if n < len(header) else n})")
    for cell in header:
        if "_" in cell or SNAKE_CASE.search(cell) or cell in ENUMERATIONS:
            problems.append(f"code as a CSV header {cell!r}")
        elif lang == "zh" and re.search("[A-Za-z]", cell) and not re.search(f"[{CJK}]", cell):
            problems.append(f"English CSV header on a Chinese file {cell!r}")
        elif lang == "en" and re.match("[a-z]", cell):
            problems.append(f"CSV header that reads as a key {cell!r}")
    return _at_most(PER_RULE, problems)


# --- the demo and the pages -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(database_url: str) -> Iterator[Flask]:
    """The app with the demo loaded into the shared test database (emptied at the end), and a
    saved search with every kind of filter for the SME."""
    application = create_app(base_config(database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        demo.load(db.session)
        sme = db.session.scalar(select(User).where(User.email == ROLES["sme"]))
        query = MultiDict([("q", "资金周转"), ("category", "financing"), ("subcategory", "loan"), ("region", "440600"),
                           ("industry", "C"), ("size_class", "small"), ("verified", "1"), ("amount", "200"),
                           ("max_price", "5000"), ("price", "lt1k"), ("published", "30d"), ("sort", "newest"),
                           ("starts_after", today().isoformat())])
        search.save_search(db.session, sme.id, "资金周转", search.parse(query, today()).args)
        db.session.commit()
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def app(demo_app: Flask) -> Flask:
    return demo_app


def _first(model: Any, *where: Any) -> Any:
    return db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture(scope="module")
def start_pages(demo_app: Flask) -> dict[str, list[str]]:
    """The pages each role opens first: the main navigation and what it leads to, with filters
    (an invalid one too), and the detail pages the crawl would reach only deeper. Every one must
    answer 200."""
    with demo_app.app_context():
        scheduled = db.session.scalar(select(Event).where(Event.title == demo.SCHEDULED_EVENT))
        open_event = db.session.scalar(select(Event).where(Event.title == demo.DEMO_EVENT))
        sme, bank, organizer = (org_of(_user(ROLES[r])) for r in ("sme", "bank", "organizer"))
        pending = _first(Organization, Organization.verification_status == "pending")
        loan = _first(Listing, Listing.organization_id == bank.id, Listing.status == "published")
        draft = _first(Listing, Listing.status == "draft")
        need = _first(Need, Need.organization_id == sme.id, Need.status == "published")  # for providers
        public_need = _first(Need, Need.visibility == "public", Need.status == "published")
        closed_need = _first(Need, Need.status == "closed", Need.visibility == "public")
        everyone = [
            "/", "/search", "/search?q=资金周转",
            "/search?q=资金周转&category=financing&subcategory=loan&region=440600&size_class=small&verified=1&sort=newest",
            "/search?q=贷款&amount=abc&max_price=x&region=999999", "/search?q=zzzzqqq",
            "/listings", "/listings?category=financing&subcategory=loan&region=440300&amount=200&sort=amount",
            "/listings?category=training&max_price=5000&sort=deadline", "/listings?amount=abc&max_price=x&page=999",
            "/needs", "/needs?category=financing&amount=abc", "/events", f"/events/{scheduled.id}",
            f"/events/{open_event.id}", "/orgs", "/orgs?kind=bank&verified=1", "/orgs?kind=nonsense&region=1",
            f"/listings/{loan.id}", f"/needs/{public_need.id}", f"/needs/{closed_need.id}", f"/orgs/{sme.id}",
            f"/orgs/{bank.id}", f"/orgs/{organizer.id}",
        ]
        member = ["/account", "/notifications", "/search/saved", f"/needs/{need.id}"]  # the SME's own, and providers
        participant = [f"/events/{scheduled.id}/{page}" for page in ("requests", "agenda", "recommendations", "participants")]
        pages = {
            "anonymous": [*everyone, "/login", "/signup", "/password/forgot"],
            "sme": [*everyone, *member, *participant, "/my/needs", "/needs/new", f"/orgs/{sme.id}/edit",
                    f"/orgs/{sme.id}/members", f"/needs/{need.id}/edit", f"/events/{open_event.id}/register"],
            "bank": [*everyone, *member, *participant, "/my/listings", "/listings/new", f"/orgs/{bank.id}/edit",
                     f"/orgs/{bank.id}/members", f"/listings/{loan.id}/edit"],
            "organizer": [*everyone, *member, "/my/listings", "/events/new", f"/orgs/{organizer.id}/edit",
                          f"/orgs/{organizer.id}/members", f"/events/{open_event.id}/edit",
                          *(f"/events/{scheduled.id}/{page}" for page in
                            ("schedule", "schedule?view=people", "participants", "checkin", "dashboard", "edit",
                             "schedule.csv", "dashboard.csv")),
                          f"/events/{open_event.id}/participants"],
            "admin": [*everyone, *member, "/admin/", "/admin/organizations", "/admin/organizations?status=pending",
                      "/admin/reviews", f"/admin/organizations/{pending.id}", f"/admin/organizations/{bank.id}",
                      f"/listings/{draft.id}"],
        }
    return pages


SKIPPED_LINKS = re.compile(r"^/(?:static|bootstrap|api|lang)/|\.(?:ics|pdf)$|^/(?:logout|healthz)$")


def _kind(app: Flask, url: str) -> tuple[Any, ...] | None:
    """What makes two linked pages the same kind of page: the endpoint, its non-numeric path
    arguments and the names of the query arguments. None for a link not to be followed."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED_LINKS.search(parts.path):
        return None
    try:
        endpoint, args = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    named = tuple(sorted((k, v) for k, v in args.items() if not isinstance(v, int)))
    return endpoint, named, tuple(sorted({k for k, _v in parse_qsl(parts.query)}))


def browse(app: Flask, role: str, lang: str, start: list[str]) -> tuple[dict[str, list[str]], int]:
    """Open the role's start pages and the pages they link to (one level deep, ``PER_KIND`` of
    each kind) in ``lang``; return the problems by page and how many pages were read."""
    client = app.test_client()
    if ROLES[role]:
        answer = client.post("/login", data={"email": ROLES[role], "password": demo.DEMO_PASSWORD})
        assert answer.status_code == 302, f"{role} could not log in"
    client.get(f"/lang/{lang}")
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    kinds_seen: dict[tuple[Any, ...], int] = {}
    endpoints: dict[str, int] = {}
    linked: list[str] = []

    def read_one(url: str, required: bool) -> None:
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            assert not required, f"{url} answered {response.status_code} for {role} in {lang}"
            return
        body = response.get_data(as_text=True)
        if response.mimetype == "text/csv":
            problems = check_csv(body, lang, urlsplit(url).path)
        elif response.mimetype == "text/html":
            page = read(body)
            problems = check_page(page, lang)
            if required:
                linked.extend(urljoin(url, href) for href in page.links)  # also "?view=people"
        else:
            return
        if problems:
            found[url] = problems

    for url in start:
        read_one(url, required=True)
        kind = _kind(app, url)
        if kind:
            kinds_seen[kind] = kinds_seen.get(kind, 0) + 1
    for href in linked:
        url = href.split("#")[0]
        kind = _kind(app, url)
        if (not url or url in seen or kind is None or kinds_seen.get(kind, 0) >= PER_KIND
                or endpoints.get(kind[0], 0) >= PER_ENDPOINT):
            continue
        kinds_seen[kind] = kinds_seen.get(kind, 0) + 1
        endpoints[kind[0]] = endpoints.get(kind[0], 0) + 1
        read_one(url, required=False)
    return found, len(seen)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_readers_language(app: Flask, start_pages: dict[str, list[str]], role: str,
                                                lang: str) -> None:
    found, read_pages = browse(app, role, lang, start_pages[role])
    assert read_pages >= len(start_pages[role]) + 10  # the crawl followed links, it did not stop at the start
    pages_with: dict[str, list[str]] = {}
    for url, problems in found.items():
        for problem in problems:
            pages_with.setdefault(problem, []).append(url)
    report = [f"{problem}\n    on {', '.join(urls[:3])}{f' and {len(urls) - 3} more' if len(urls) > 3 else ''}"
              for problem, urls in pages_with.items()]
    assert not report, (f"{role} in {lang}: {len(report)} problems on {len(found)} of {read_pages} pages:\n"
                        + "\n".join(report))


# --- the checks catch what they are for -------------------------------------------------------


@pytest.mark.parametrize(("html", "lang", "expected"), [
    ("<p>资金周转 · category=financing</p>", "zh", "query fragment"),
    ("<div>筛选条件无效：amount、max_price</div>", "zh", "raw code 'max_price'"),
    ("<div>Ignored filters: amount, price</div><span>amount, max_price</span>", "en", "raw code"),
    ("<td>working_capital</td>", "en", "raw code 'working_capital'"),
    ("<span>pending</span>", "zh", "bare code 'pending'"),
    ("<li>无效：amount</li>", "zh", "code in Chinese text 'amount'"),
    ("<p>东莞精联(需求方)</p>", "zh", "half-width punctuation"),
    ("<label>名称:</label>", "zh", "half-width punctuation"),
    ("<td>09:00 洽谈桌 7: 东莞精联</td>", "zh", "half-width punctuation ': 东'"),
    ("<p>Open one to run it again with today’s listings.</p>", "zh", "untranslated"),
    ("<td>Bank loan</td>", "zh", "untranslated 'Bank loan'"),
    ("<dd>Zhongshan、Foshan</dd>", "en", "Chinese punctuation on an English page"),
    ("<p>报名情况：55 已通过, 0 待审核</p>", "zh", "half-width punctuation '过,'"),
    ("<span class='badge text-bg-secondary'>draft</span>", "en", "lower-case badge 'draft'"),
])
def test_the_checks_catch_each_kind_of_problem(html: str, lang: str, expected: str) -> None:
    assert any(expected in problem for problem in check_page(read(html), lang)), check_page(read(html), lang)


@pytest.mark.parametrize(("html", "lang"), [
    ("<p>联系 sme@demo.gd.cn，信用代码 91440300MA5FXXXX0A，网址 https://example.cn/a_b?x=1</p>", "zh"),
    ("<p>（需求方）名称：东莞 09:00–10:30</p><span class='badge'>3</span>", "zh"),
    ("<span class='badge'>Draft</span><p>Pending: 3 of 4 requests</p>", "en"),
    ("<script>var a_b = 'x=1';</script><a title='snake_case'>链接</a>", "zh"),
    ("<a id='nav-language' lang='en'>English version: Open one to run it again</a>", "zh"),
])
def test_the_checks_leave_good_text_alone(html: str, lang: str) -> None:
    assert check_page(read(html), lang) == []


def test_csv_headers_are_labels() -> None:
    assert check_csv("\ufeffsection,key,value,说明\r\n", "zh") == [
        "English CSV header on a Chinese file 'section'", "English CSV header on a Chinese file 'key'",
        "English CSV header on a Chinese file 'value'"]
    assert check_csv("\ufeffMeeting,deal_amount_cny\r\n", "en") == ["code as a CSV header 'deal_amount_cny'"]
    assert check_csv("\ufeff会议,开始\r\n", "zh") == [] and check_csv("Meeting,Starts\r\n", "en") == []
    assert check_csv("会议,状态\r\n7,no_show\r\n8,planned\r\n", "zh") == [
        "code in a CSV cell 'no_show' (column 状态)", "code in a CSV cell 'planned' (column 状态)"]
    numbers = "分组代码,指标代码,数值,统计项\r\ntotals,checked_in,3,已签到\r\n"
    assert check_csv(numbers, "zh", "/events/2/dashboard.csv") == []
    assert check_csv(numbers, "zh", "/events/2/schedule.csv") == ["code in a CSV cell 'checked_in' (column 指标代码)"]
