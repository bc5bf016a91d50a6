"""Every form the site accepts, posted empty, with fields missing and with hostile values, by each
kind of user: never a server error. The routes are read from the app itself, so a new form is
covered the day it is added."""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import select

from listings.models import Listing, Need
from marketplace.accounts.models import User
from marketplace.demo import DEMO_PASSWORD
from marketplace.events.models import Event, Meeting, MeetingRequest, Participant
from marketplace.extensions import db
from marketplace.organizations.models import Invitation, Membership

ROLES = ("sme@demo.gd.cn", "bank@demo.gd.cn", "organizer@demo.gd.cn", "admin@demo.gd.cn")
HOSTILE = ["", " ", "9" * 30, str(2**64), "1e999990", "-1", "NaN", "\u200b", "x" * 5000, "=cmd|'/c calc'!A1",
           "<script>alert(1)</script>", "a\r\nb", "１２"]
# Field names the site's forms use (union over every form); each hostile body sets all of them.
FIELDS = ["email", "password", "confirm", "display_name", "organization_name", "kind", "name", "credit_code", "region",
          "industry", "size_group", "employees", "annual_revenue_wan", "total_assets_wan", "founded_year", "description",
          "tags", "website", "contact_email", "contact_phone", "role", "status", "reason", "category", "subcategory",
          "title", "amount_min_wan", "amount_max_wan", "amount_wan", "term_months_max", "annual_rate_pct", "price_cny",
          "budget_cny", "starts_on", "ends_on", "deadline", "needed_by", "regions", "industries", "size_classes",
          "collateral_required", "version", "action", "attr_seats", "attr_venue", "attr_documents_required",
          "org_id", "q", "phase", "decision", "code", "a", "b", "slot_id", "table", "time_limit", "recipient_id",
          "message", "answer", "amount", "rating", "note", "delegate_name", "delegate_title", "listing_ids",
          "need_ids", "unavailable_slot_ids", "tables", "capacity", "max_requests", "max_meetings", "approval",
          "next", "remember", "locale", "current_password", "new_password", "revoke_tokens", "keep_published"]


def _own(model, org_id):
    """The id of a row of the organization, else of any row."""
    return (db.session.scalar(select(model.id).where(model.organization_id == org_id).limit(1))
            or db.session.scalar(select(model.id).limit(1)))


@pytest.fixture
def world(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.commit()
    return lambda email: _ids(email)


def _ids(email):
    """Ids for the routes' parameters, taken from what the user's own organization holds."""
    user = db.session.scalar(select(User).where(User.email == email))
    org_id = user.memberships[0].organization_id
    ids = {
        "listings": _own(Listing, org_id),
        "needs": _own(Need, org_id),
        "org_id": org_id,
        "membership_id": db.session.scalar(select(Membership.id).limit(1)) or 1,
        "invitation_id": db.session.scalar(select(Invitation.id).limit(1)) or 1,
        "event_id": db.session.scalar(select(Event.id).limit(1)),
        "participant_id": db.session.scalar(select(Participant.id).limit(1)) or 1,
        "meeting_id": db.session.scalar(select(Meeting.id).limit(1)) or 1,
        "request_id": db.session.scalar(select(MeetingRequest.id).limit(1)) or 1,
    }
    return ids


def _urls(app, ids):
    """Every non-API POST route with its parameters filled from the demo data (and with the
    largest id a route accepts, which must be a 404, not a 500)."""
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices = []
        for name in names:
            if name == "plural":
                choices.append(["listings", "needs"])
            elif name == "action":
                choices.append(["publish", "close", "reopen", "archive", "restore", "duplicate", "bogus"])
            elif name == "token":
                choices.append(["x", "a" * 500])
            elif name == "posting_id":
                choices.append(["<posting>", str(2**31 - 1)])
            else:
                choices.append([str(ids.get(name) or 1), str(2**31 - 1)])
        for values in itertools.product(*choices):
            path = rule.rule
            args = dict(zip(names, values, strict=True))
            if args.get("posting_id") == "<posting>":
                args["posting_id"] = str(ids[args.get("plural", "listings")])
            for name, value in args.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
            yield path


def test_no_form_post_ends_in_a_server_error(app, world, caplog):
    failures = []
    requests = 0
    for email in ROLES:
        paths = sorted(set(_urls(app, world(email))))
        assert len(paths) > 40
        client = app.test_client()

        def log_in(client=client, email=email):
            assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302

        log_in()
        for number, path in enumerate(paths):
            hostile = HOSTILE[number % len(HOSTILE)]
            bodies = [{}, {name: hostile for name in FIELDS}, {name: HOSTILE[(number + i) % len(HOSTILE)]
                                                               for i, name in enumerate(FIELDS)}]
            for body in bodies:
                if path == "/logout" and email != ROLES[-1]:
                    continue
                response = client.post(path, data=body)
                if "/login" in response.headers.get("Location", "") and path not in ("/login", "/logout"):
                    log_in()  # an earlier post ended the session (log out, password change): sign in again
                    response = client.post(path, data=body)
                requests += 1
                if response.status_code >= 500:
                    failures.append((email, path, {k: v[:20] for k, v in body.items()}, response.status_code))
    assert failures == [], failures[:5]
    assert requests > 400
    assert "unhandled error" not in caplog.text
