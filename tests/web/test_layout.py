"""The layout of the site: a home page that shows what the platform offers, a navigation bar
grouped into menus (every former link still reachable), filters behind a button on phones, a
link back from a page past the last one, the schedule grid in its own scrolling box, searchable
region and industry pickers, and the vendored Tom Select files served locally."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from listings.visibility import ANONYMOUS, visible_clause
from marketplace.events import participation
from marketplace.events import services as events
from marketplace.events.models import Event, Meeting
from marketplace.extensions import db
from marketplace.main import services as home
from marketplace.main.icons import icon
from marketplace.notifications.services import notify
from marketplace.organizations.models import Organization
from marketplace.timeutil import today, utcnow
from tests.factories import org_of

STATIC = Path(__file__).resolve().parents[2] / "marketplace" / "static"
PLAN = {"days": ["2030-06-10"], "start": "09:00", "end": "10:30", "meeting_minutes": 20, "gap_minutes": 10, "breaks": []}


def gen_event(organizer: Any, title: str, phases: tuple[str, ...] = ("registration",), **changes: Any) -> Event:
    """An event of the organizer's organization, moved through ``phases``. Committed."""
    data = {"title": title, "plan": PLAN, "tables": 6, "approval": "open", "max_requests": 5, "max_meetings": 3,
            "roles": {"sme": "seeker", "bank": "provider"}, **changes}
    event = events.save_event(db.session, org_of(organizer), organizer, data)
    for phase in phases:
        events.set_phase(db.session, event, organizer, phase, event.version)
    db.session.commit()
    return event


def count(*where: Any) -> int:
    return int(db.session.scalar(select(func.count()).where(*where)) or 0)


def navbar(html: str) -> str:
    return html[html.index('<nav class="navbar'):html.index("</nav>")]


def links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|action)="([^"#]+)', html))


# --- the home page ----------------------------------------------------------------------------


@pytest.fixture
def market(make_user: Any, make_posting: Any) -> dict[str, Any]:
    """A verified bank with two listings on offer (one a policy) and a draft, an unverified
    consultancy with one listing, an SME with a need, an event open for registration and a draft."""
    bank = make_user("bank@example.cn", kind="bank", org_name="广东某银行")
    org_of(bank).verification_status = "verified"
    consultant = make_user("consult@example.cn", kind="service_provider", org_name="某财税咨询公司")
    sme = make_user("sme@example.cn", kind="sme", org_name="佛山精密制造有限公司")
    organizer = make_user("org@example.cn", kind="organizer", org_name="省中小企业服务中心")
    db.session.commit()
    make_posting(bank, category="financing", title="小微企业信用贷")
    make_posting(bank, category="policy", title="专精特新奖补申报")
    make_posting(bank, title="未发布的草稿", status="draft")
    make_posting(consultant, title="高新技术企业认定辅导")
    make_posting(sme, "need", title="寻找流动资金贷款")
    return {
        "bank": bank, "consultant": consultant, "sme": sme, "organizer": organizer,
        "open": gen_event(organizer, "2030年佛山银企对接会"),
        "draft": gen_event(organizer, "尚未公开的对接会", phases=()),
    }


def test_the_home_page_sells_the_platform_to_a_visitor(client: Any, market: dict[str, Any]) -> None:
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    # A search box that asks the search page.
    assert re.search(r'<form method="get" action="/search" role="search"[^>]*>\s*<label[^>]*>[^<]*</label>\s*<input[^>]*name="q"', html)
    # The eight categories, each a link to the browse page narrowed to it, with its count on offer.
    tiles = re.findall(r'data-category="(\w+)"\s+href="/listings\?category=(\w+)"', html)
    assert [a for a, b in tiles if a == b] == ["financing", "technology", "training", "exhibition", "service",
                                               "policy", "procurement", "space"]
    assert html.count('class="category-icon"><svg') == 8
    assert "1 on offer" in html and "0 on offer" in html
    # The numbers, as the database counts them (needs: those a visitor may see; the market's one
    # need is for providers).
    numbers = dict(re.findall(r'data-number="(\w+)">(\d+)<', html))
    expected = {
        "listings": count(on_offer_clause(Listing, today())),
        "needs": count(on_offer_clause(Need, today()), visible_clause(ANONYMOUS)),
        "verified": count(Organization.verification_status == "verified"),
        "events": count(Event.phase != "draft"),
        "meetings": count(Meeting.status == "held"),
    }
    assert {k: int(v) for k, v in numbers.items()} == expected == {"listings": 3, "needs": 0, "verified": 1, "events": 1, "meetings": 0}
    # Offers: the verified bank's are featured, the newest others follow; drafts never show.
    featured = html[html.index('id="featured"'):html.index('id="upcoming-events"')]
    assert "小微企业信用贷" in featured and "专精特新奖补申报" in featured and "高新技术企业认定辅导" not in featured
    newest = html[html.index('id="newest"'):html.index('id="policies"')]
    assert "高新技术企业认定辅导" in newest and "小微企业信用贷" not in newest  # not twice on one page
    assert "专精特新奖补申报" in html[html.index('id="policies"'):]
    assert "未发布的草稿" not in html
    # The event open for registration, not the draft.
    upcoming = html[html.index('id="upcoming-events"'):html.index('id="newest"')]
    assert "2030年佛山银企对接会" in upcoming and f'href="/events/{market["open"].id}"' in upcoming
    assert "尚未公开的对接会" not in html
    # A visitor is asked to sign up; members get their quick links instead.
    assert 'href="/signup"' in html and 'id="quick-links"' not in html


def test_members_get_their_quick_links(client: Any, auth: Any, market: dict[str, Any]) -> None:
    auth.login("sme@example.cn")
    client.get("/lang/en")
    quick = client.get("/").get_data(as_text=True).split('id="quick-links"')[1].split("</nav>")[0]
    assert 'href="/needs/new"' in quick and 'href="/my/needs"' in quick
    auth.logout()
    auth.login("org@example.cn")
    quick = client.get("/").get_data(as_text=True).split('id="quick-links"')[1].split("</nav>")[0]
    assert 'href="/events/new"' in quick and 'href="/my/listings"' in quick


def test_open_events_follow_the_registration_rule(app: Any, make_user: Any) -> None:
    """The home page's SQL agrees with participation.registration_problem, phase and window."""
    organizer = make_user("org@example.cn", kind="organizer")
    sme = org_of(make_user(kind="sme"))
    now = utcnow()
    cases = [
        gen_event(organizer, "draft", phases=()),
        gen_event(organizer, "open"),
        gen_event(organizer, "requests", phases=("registration", "requests")),
        gen_event(organizer, "scheduling", phases=("registration", "requests", "scheduling")),
        gen_event(organizer, "opens later", registration_opens_at=now + timedelta(days=1)),
        gen_event(organizer, "closed early", registration_opens_at=now - timedelta(days=3),
                  registration_closes_at=now - timedelta(days=1)),
        gen_event(organizer, "window now", registration_opens_at=now - timedelta(days=1),
                  registration_closes_at=now + timedelta(days=1)),
    ]
    shown = {e.title for e in home.open_events(db.session, utcnow(), limit=20)}
    assert shown == {e.title for e in cases if participation.registration_problem(e, sme) is None}
    assert shown == {"open", "requests", "window now"}
    assert len(home.open_events(db.session, utcnow(), limit=2)) == 2


# --- the navigation bar -----------------------------------------------------------------------

# What the bar linked to before it was grouped into menus (href, label; None: the label changed).
FORMER = {
    "anonymous": [("/search", "Search"), ("/listings", "Services"), ("/needs", "Needs"), ("/orgs", "Directory"),
                  ("/events", None), ("/lang/zh", "中文"), ("/login", "Log in"), ("/signup", "Sign up")],
    "member": [("/search", "Search"), ("/listings", "Services"), ("/needs", "Needs"), ("/orgs", "Directory"),
               ("/events", None), ("/lang/zh", "中文"), ("/notifications", "Notifications"), ("/account", None),
               ("/logout", "Log out"), ("/orgs/{org}/members", "Members")],
    "sme": [("/my/needs", "My needs"), ("/orgs/{org}/edit", "Enterprise profile")],
    "bank": [("/my/listings", "My listings"), ("/orgs/{org}/edit", "Provider profile")],
    "organizer": [("/my/listings", "My listings"), ("/orgs/{org}/edit", "Organizer profile")],
    "admin": [("/admin/", "Administration")],
}


def assert_reachable(bar: str, expected: list[tuple[str, str | None]], org_id: int | None = None) -> None:
    hrefs = {h.split("?")[0] for h in links(bar)}
    for href, label in expected:
        href = href.format(org=org_id)
        assert href in hrefs, href
        if label:
            assert re.search(rf'(?:href|action)="{re.escape(href)}[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*{re.escape(label)}', bar) \
                or (href == "/logout" and label in bar), (href, label)


def test_every_former_link_is_still_in_the_bar(client: Any, auth: Any, make_user: Any) -> None:
    client.get("/lang/en")
    bar = navbar(client.get("/").get_data(as_text=True))
    assert_reachable(bar, FORMER["anonymous"])
    assert 'id="nav-account"' not in bar
    users = {
        "sme": make_user("sme@example.cn", kind="sme"),
        "bank": make_user("bank@example.cn", kind="bank"),
        "organizer": make_user("org@example.cn", kind="organizer"),
        "admin": make_user("admin@example.cn", kind="bank", admin=True),
    }
    for role, user in users.items():
        auth.logout()
        auth.login(user.email)
        client.get("/lang/en")
        html = client.get("/").get_data(as_text=True)
        bar = navbar(html)
        org_id = org_of(user).id
        assert_reachable(bar, FORMER["member"] + FORMER["bank" if role == "admin" else role]
                         + (FORMER["admin"] if role == "admin" else []), org_id)
        # Grouped: a "More" menu and an account menu that names the user.
        more = bar[bar.index('id="nav-more"'):bar.index('id="nav-secondary"')]
        account = bar[bar.index('id="nav-account"'):]
        assert 'data-bs-toggle="dropdown"' in more and 'href="/orgs"' in more
        assert 'data-bs-toggle="dropdown"' in account and user.display_name in account
        for href in ("/account", "/account#api-tokens", "/notifications", f"/orgs/{org_id}/edit", "/logout"):
            assert f'"{href}"' in account, href
        assert ('href="/admin/"' in more) == (role == "admin")
        # The primary links stay few: the rest is in the menus.
        primary = bar[bar.index('id="nav-primary"'):bar.index('id="nav-more"')]
        assert len(re.findall(r'class="nav-item"', primary)) <= 5


def test_the_unread_badge_shows_outside_the_collapsing_menu(client: Any, auth: Any, make_user: Any) -> None:
    user = make_user("sme@example.cn")
    notify(db.session, [user], lambda: "您有新的洽谈请求", email=False)
    db.session.commit()
    auth.login(user.email)
    bar = navbar(client.get("/").get_data(as_text=True))
    bell = bar[bar.index('id="nav-notifications"'):bar.index('id="nav"')]  # before the collapsing part
    assert 'href="/notifications"' in bar and re.search(r'badge[^"]*text-bg-danger[^>]*>1<', bell)


def test_the_bar_marks_the_current_page(client: Any) -> None:
    bar = navbar(client.get("/needs").get_data(as_text=True))
    assert re.search(r'class="nav-link active" href="/needs" aria-current="page"', bar)
    assert 'href="/listings" aria-current' not in bar


def test_icons_come_from_the_bootstrap_flask_sprite() -> None:
    bell = str(icon("bell", "me-1"))
    assert bell.startswith('<svg class="bi bi-bell me-1"') and "<path d=" in bell and 'aria-hidden="true"' in bell
    with pytest.raises(KeyError):
        icon("no-such-icon")


# --- phones: filters behind a button, results first --------------------------------------------


def test_browse_filters_sit_behind_a_button_that_counts_them(client: Any, make_user: Any, make_posting: Any) -> None:
    make_posting(make_user(kind="bank"), category="financing", title="小微企业信用贷")
    html = client.get("/listings?category=financing&verified=1&sort=title").get_data(as_text=True)
    button = re.search(r'<a class="[^"]*filters-toggle[^"]*" href="#filters"[^>]*data-bs-toggle="offcanvas"[^>]*>(.*?)</a>', html, re.S)
    assert button and re.search(r'text-bg-primary[^>]*>2<', button.group(1))  # category and verified, not the order
    assert 'class="offcanvas-md offcanvas-start filters-panel"' in html and 'id="filters"' in html
    assert html.index('id="results"') < html.index('id="filters"') < html.index('name="region"')  # results first
    assert "order-md-first" in html
    plain = client.get("/listings").get_data(as_text=True)
    assert re.search(r"filters-toggle[^>]*>.*?</a>", plain, re.S) and "text-bg-primary" not in plain.split("filters-toggle")[1].split("</a>")[0]


def test_search_facets_sit_behind_the_same_button(client: Any, make_user: Any, make_posting: Any) -> None:
    make_posting(make_user(kind="bank"), category="financing", title="小微企业流动资金贷款")
    html = client.get("/search?q=贷款&category=financing").get_data(as_text=True)
    assert re.search(r'filters-toggle[^>]*data-bs-toggle="offcanvas"', html)
    assert re.search(r'filters-toggle.*?text-bg-primary[^>]*>1<', html, re.S)
    assert html.index('id="results"') < html.index('id="filters"')


# --- a page past the last one -------------------------------------------------------------------


def test_a_page_past_the_last_one_links_back(client: Any, make_user: Any, make_posting: Any) -> None:
    bank = make_user(kind="bank")
    for i in range(25):
        make_posting(bank, title=f"服务{i:02d}")
    client.get("/lang/en")
    html = client.get("/listings?page=999&per_page=10&sort=title").get_data(as_text=True)
    back = re.search(r'id="past-last-page">\s*There are no results on this page\.\s*<a href="([^"]+)">([^<]+)</a>', html)
    assert back, "no link back"
    assert "page=3" in back.group(1) and "per_page=10" in back.group(1) and "sort=title" in back.group(1)
    assert back.group(2) == "Back to the last page (page 3)"
    assert "25 results" in html
    assert "Nothing matches these filters" not in html and "Page 999 of" not in html  # no contradiction
    page3 = client.get(back.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(re.findall(r"<strong>服务", page3)) == 5
    one_page = client.get("/listings?q=服务01&page=999").get_data(as_text=True)  # one result: one page
    assert re.search(r'id="past-last-page">[^<]*<a href="/listings\?q=[^"&]+">Go to the first page</a>', one_page)
    empty = client.get("/listings?q=nothing-like-this&page=999").get_data(as_text=True)
    assert "past-last-page" not in empty and "Nothing matches these filters" in empty


# --- the schedule grid, the pickers, the vendored files -----------------------------------------


def test_the_schedule_grid_scrolls_in_its_own_box(client: Any, auth: Any, make_user: Any) -> None:
    organizer = make_user("org@example.cn", kind="organizer")
    event = gen_event(organizer, "银企对接会")
    auth.login(organizer.email)
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    box = re.search(r'<div class="([^"]*)" id="schedule-grid" tabindex="0" role="region"[^>]*><table', html)
    assert box and "schedule-scroll" in box.group(1).split()
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"\.schedule-scroll \{([^}]*)\}", css)
    assert rule and "overflow: auto" in rule.group(1) and "max-height" in rule.group(1)
    people = client.get(f"/events/{event.id}/schedule?view=people").get_data(as_text=True)
    assert "schedule-grid" not in people


def searchable(html: str, name: str) -> bool:
    tag = re.search(rf'<select[^>]*\bname="{name}"[^>]*>', html)
    return bool(tag) and "data-searchable" in tag.group(0)


def test_region_and_industry_pickers_are_searchable(client: Any, auth: Any, make_user: Any) -> None:
    bank = make_user("bank@example.cn", kind="bank")
    auth.login(bank.email)
    new = client.get("/listings/new").get_data(as_text=True)
    for name in ("regions", "industries"):
        tag = re.search(rf'<select[^>]*\bname="{name}"[^>]*>', new).group(0)
        assert "data-searchable" in tag and 'multiple' in tag  # a plain multiple select without JS
    edit = client.get(f"/orgs/{org_of(bank).id}/edit").get_data(as_text=True)
    assert searchable(edit, "region") and searchable(edit, "industry")
    assert re.search(r'<select[^>]*name="industry"[^>]*data-placeholder="[^"]+"|<select[^>]*data-placeholder="[^"]+"[^>]*name="industry"', edit)
    browse = client.get("/listings").get_data(as_text=True)
    assert searchable(browse, "region") and searchable(browse, "industry")
    assert not searchable(browse, "size_class")
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    assert 'select[data-searchable]' in js and "remove_button" in js and "data-placeholder" in js


def test_the_searchable_picker_still_posts_as_a_plain_select(client: Any, auth: Any, make_user: Any) -> None:
    bank = make_user("bank@example.cn", kind="bank")
    auth.login(bank.email)
    response = client.post("/listings/new", data={
        "category": "service", "title": "跨境电商合规咨询", "description": "出口合规", "regions": ["440600", "441900"],
        "industries": ["C39"], "action": "publish"})
    assert response.status_code == 302
    listing = db.session.scalars(select(Listing).where(Listing.title == "跨境电商合规咨询")).one()
    assert listing.regions == ["440600", "441900"] and listing.industries == ["C39"]


def test_tom_select_is_vendored_and_served(client: Any) -> None:
    folder = STATIC / "vendor" / "tom-select"
    assert (folder / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")
    html = client.get("/").get_data(as_text=True)
    for path, kind in (("vendor/tom-select/tom-select.complete.min.js", "javascript"),
                       ("vendor/tom-select/tom-select.bootstrap5.min.css", "css")):
        assert f'"/static/{path}"' in html
        response = client.get(f"/static/{path}")
        assert response.status_code == 200 and kind in response.content_type and len(response.data) > 10_000
        response.close()
    assert html.index("tom-select.complete.min.js") < html.index("/static/app.js")  # app.js finds TomSelect
    assert "cdn" not in re.sub(r"<!--.*?-->", "", html).lower()


def test_remarks_in_brackets_follow_the_language(client: Any, auth: Any, make_user: Any) -> None:
    user = make_user(kind="sme")
    auth.login(user.email)
    chinese = client.get("/account").get_data(as_text=True)
    assert re.search(r"（[^（）<]+）</li>", chinese) and not re.search(r"\s\([^()<]+\)</li>", chinese)
    client.get("/lang/en")
    assert re.search(r" \([^()<]+\)</li>", client.get("/account").get_data(as_text=True))
