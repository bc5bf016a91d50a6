"""Moderation feedback: verification decisions and hidden postings reach their owners in-app and
by e-mail (each in their own language), a hidden posting is edited and sent back for review, the
admins' review queue decides it, and the admin pages show Beijing time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from listings import services as postings
from listings.models import Listing
from marketplace.admin.models import ReviewRequest
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.organizations.models import Membership, VerificationDecision
from tests.factories import org_of

REASON = "宣传利率与实际不符"


def _join(make_user, organization, role, **fields):
    """A new user who is also a member of ``organization`` with ``role``."""
    user = make_user(kind="bank")
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.add(Membership(organization=organization, user=user, role=role))
    db.session.commit()
    return user


def _notes(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all()


def _mails(user, after=0):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == user.email, OutboxMessage.id > after)
        .order_by(OutboxMessage.id)
    ).all()


def _last_mail_id():
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _hidden_listing(client, auth, make_user, make_posting, **fields):
    """A bank's published listing with a member colleague, hidden by an admin through the page;
    returns (owner, member, admin, listing), nobody logged in."""
    owner, admin = make_user(kind="bank"), make_user(kind="platform", admin=True)
    member = _join(make_user, org_of(owner), "member")
    listing = make_posting(owner, title="可疑产品", **fields)
    auth.login(admin.email)
    assert client.post(f"/listings/{listing.id}/moderation", data={"reason": REASON}).status_code == 302
    auth.logout()
    db.session.refresh(listing)
    assert listing.is_hidden
    return owner, member, admin, listing


# --- verification decisions ------------------------------------------------------------------


def test_verification_decision_tells_the_owners_in_their_language(client, make_user, auth):
    owner, admin = make_user(), make_user(kind="platform", admin=True)
    org = org_of(owner)
    english_owner = _join(make_user, org, "owner", locale="en")
    member = _join(make_user, org, "member")
    before = _last_mail_id()
    auth.login(admin.email)
    response = client.post(f"/admin/organizations/{org.id}", data={"status": "rejected", "reason": "营业执照照片不清晰"})
    assert response.status_code == 302
    link = f"/orgs/{org.id}/edit"
    for user in (owner, english_owner):
        [note] = _notes(user)
        assert "营业执照照片不清晰" in note.message and note.link == link and note.read_at is None
        [mail] = _mails(user, before)
        assert "营业执照照片不清晰" in mail.body and mail.body.endswith("http://localhost" + link)
        assert mail.sent_at is not None  # delivered after the commit (to the log: no SMTP in tests)
    assert _mails(owner, before)[0].subject == f"{org.name}的认证结果：认证未通过"  # Chinese by default
    assert _mails(english_owner, before)[0].subject == f"Verification of {org.name}: Verification rejected"
    assert _notes(english_owner)[0].message.startswith(f"The verification of {org.name} was rejected.")
    # Ordinary members are not told; the admin neither.
    assert _notes(member) == [] and _mails(member, before) == [] and _notes(admin) == []

    # Verified, with a note: the owners hear it too.
    client.post(f"/admin/organizations/{org.id}", data={"status": "verified", "reason": "材料齐全"})
    note = _notes(english_owner)[-1]
    assert note.message.startswith(f"{org.name} is now verified") and "材料齐全" in note.message
    assert len(_mails(owner, before)) == 2
    # The owner sees the unread badge, then the notice on the notifications page.
    auth.login(owner.email)
    assert re.search(r'text-bg-danger[^"]*"[^>]*>2<', client.get("/").get_data(as_text=True))
    page = client.get("/notifications").get_data(as_text=True)
    assert "营业执照照片不清晰" in page and f'href="{link}"' in page
    assert not re.search(r'text-bg-danger[^"]*"[^>]*>\d+<', client.get("/").get_data(as_text=True))


def test_a_bad_decision_note_is_a_field_error_and_nothing_is_written(client, make_user, auth):
    owner, admin = make_user(), make_user(kind="platform", admin=True)
    org = org_of(owner)
    auth.login(admin.email)
    response = client.post(f"/admin/organizations/{org.id}", data={"status": "rejected", "reason": "长" * 501})
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)
    response = client.post(f"/admin/organizations/{org.id}", data={"status": "verified", "reason": "好\x00"})
    assert response.status_code == 400
    assert (_count(VerificationDecision), _count(Notification), _notes(owner)) == (0, 0, [])
    db.session.refresh(org)
    assert org.verification_status == "unverified"


def test_admin_history_shows_beijing_time(client, make_user, auth):
    owner, admin = make_user(), make_user(kind="platform", admin=True)
    org = org_of(owner)
    db.session.add(VerificationDecision(organization=org, status="pending", reason="请核验",
                                        created_at=datetime(2026, 1, 1, 16, 30, tzinfo=UTC)))
    db.session.commit()
    auth.login(admin.email)
    history = client.get(f"/admin/organizations/{org.id}").get_data(as_text=True).split('id="history"')[1]
    assert "2026-01-02 00:30" in history and "2026-01-01 16:30" not in history
    assert 'datetime="2026-01-02T00:30+08:00"' in history


# --- hiding and showing ----------------------------------------------------------------------


def test_hiding_tells_every_member_with_the_reason_and_a_link(client, make_user, auth, make_posting):
    before = _last_mail_id()
    owner, member, admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    outsider = make_user(kind="bank")
    link = f"/listings/{listing.id}"
    for user in (owner, member):  # both can edit it
        [note] = _notes(user)
        assert REASON in note.message and "可疑产品" in note.message and note.link == link
        [mail] = _mails(user, before)
        assert REASON in mail.body and "可疑产品" in mail.subject and mail.body.endswith("http://localhost" + link)
    assert _notes(outsider) == [] and _notes(admin) == []
    auth.login(owner.email)
    page = client.get(link).get_data(as_text=True)
    assert REASON in page and 'id="request-review"' in page
    assert f'action="/listings/{listing.id}/review"' in page


def test_hiding_needs_a_clean_reason(client, make_user, auth, make_posting):
    owner, admin = make_user(kind="bank"), make_user(kind="platform", admin=True)
    listing = make_posting(owner)
    auth.login(admin.email)
    for reason in ("", "   ", "长" * 501):
        assert client.post(f"/listings/{listing.id}/moderation", data={"reason": reason}).status_code == 302
    assert client.post(f"/listings/{listing.id}/moderation", data={"reason": "违规\x1b[31m"}).status_code == 400
    db.session.refresh(listing)
    assert not listing.is_hidden and _count(Notification) == 0


def test_showing_again_tells_the_members_it_is_back_on_the_market(client, make_user, auth, make_posting):
    owner, member, admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    owner.locale = "en"
    db.session.commit()
    auth.login(admin.email)
    client.post(f"/listings/{listing.id}/moderation", data={"action": "unhide"})
    db.session.refresh(listing)
    assert not listing.is_hidden
    assert "back on the marketplace" in _notes(owner)[-1].message
    assert len(_notes(member)) == 2
    # Showing a posting that is not hidden changes nothing and tells no one.
    client.post(f"/listings/{listing.id}/moderation", data={"action": "unhide"})
    assert len(_notes(owner)) == 2


# --- editing, sending back for review, the queue ---------------------------------------------


def test_a_hidden_posting_is_edited_and_stays_hidden(client, make_user, auth, make_posting):
    owner, _member, _admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    auth.login(owner.email)
    assert client.get(f"/listings/{listing.id}/edit").status_code == 200
    response = client.post(f"/listings/{listing.id}/edit", data={
        "category": "service", "title": "已改正的产品", "description": "利率已按实际填写", "version": str(listing.version),
    })
    assert response.status_code == 302
    db.session.refresh(listing)
    assert listing.title == "已改正的产品" and listing.is_hidden and listing.hidden_reason == REASON
    auth.logout()
    assert client.get(f"/listings/{listing.id}").status_code == 404


def test_review_request_reaches_the_queue_and_approval_shows_it_again(client, make_user, auth, make_posting):
    owner, member, admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    auth.login(member.email)  # any member of the owning organization may ask
    response = client.post(f"/listings/{listing.id}/review", data={"note": "已按实际利率修改"})
    assert response.status_code == 302
    review = db.session.scalars(select(ReviewRequest)).one()
    assert (review.listing_id, review.requested_by_id, review.note, review.is_open) == (listing.id, member.id, "已按实际利率修改", True)
    assert review.requested_at is not None
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert 'id="review-requested"' in page and 'id="request-review"' not in page
    # Asking twice is refused (a conflict), and nothing more is written.
    client.post(f"/listings/{listing.id}/review", data={"note": "再次提交"})
    assert _count(ReviewRequest) == 1

    auth.login(admin.email)
    overview = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'data-count="reviews">1<', overview)
    queue = client.get("/admin/reviews").get_data(as_text=True)
    assert "可疑产品" in queue and REASON in queue and "已按实际利率修改" in queue
    assert f'href="/listings/{listing.id}"' in queue
    notes_before = len(_notes(owner))
    before = _last_mail_id()
    assert client.post(f"/admin/reviews/{review.id}/approve").status_code == 302
    db.session.refresh(listing)
    db.session.refresh(review)
    assert not listing.is_hidden and (review.outcome, review.decided_by_id) == ("approved", admin.id)
    assert len(_notes(owner)) == notes_before + 1 and "可疑产品" in _notes(owner)[-1].message
    assert len(_mails(owner, before)) == 1 and len(_mails(member, before)) == 1
    assert "可疑产品" not in client.get("/admin/reviews").get_data(as_text=True)
    assert re.search(r'data-count="reviews">0<', client.get("/admin/").get_data(as_text=True))
    # Deciding it again is refused without a change.
    client.post(f"/admin/reviews/{review.id}/approve")
    assert len(_notes(owner)) == notes_before + 1
    auth.logout()
    assert client.get(f"/listings/{listing.id}").status_code == 200


def test_keep_hidden_needs_a_new_reason_and_tells_the_owner(client, make_user, auth, make_posting):
    owner, _member, admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    auth.login(owner.email)
    client.post(f"/listings/{listing.id}/review", data={"note": ""})
    review = db.session.scalars(select(ReviewRequest)).one()
    auth.login(admin.email)
    notes_before = len(_notes(owner))
    for reason, status in (("", 200), ("长" * 501, 200), ("违规\x00", 400)):
        response = client.post(f"/admin/reviews/{review.id}/keep-hidden", data={f"r{review.id}-reason": reason})
        assert response.status_code == status
        if status == 200:
            assert "invalid-feedback" in response.get_data(as_text=True)
    db.session.refresh(review)
    assert review.is_open and len(_notes(owner)) == notes_before
    response = client.post(f"/admin/reviews/{review.id}/keep-hidden", data={f"r{review.id}-reason": "利率仍与合同不符"})
    assert response.status_code == 302
    db.session.refresh(listing)
    db.session.refresh(review)
    assert listing.is_hidden and listing.hidden_reason == "利率仍与合同不符"
    assert (review.outcome, review.reason, review.is_open) == ("kept_hidden", "利率仍与合同不符", False)
    assert "利率仍与合同不符" in _notes(owner)[-1].message
    # The owner may edit it again and ask for another review.
    auth.login(owner.email)
    assert 'id="request-review"' in client.get(f"/listings/{listing.id}").get_data(as_text=True)
    client.post(f"/listings/{listing.id}/review", data={"note": "第二次修改"})
    assert _count(ReviewRequest) == 2


def test_review_requests_of_needs_too_and_the_queue_is_oldest_first(client, make_user, auth, make_posting):
    sme, admin = make_user(kind="sme"), make_user(kind="platform", admin=True)
    first = make_posting(sme, "need", title="先提交的需求")
    second = make_posting(sme, "listing", title="后提交的服务")
    for posting in (first, second):
        postings.hide(db.session, posting, admin, "内容不实")
    db.session.commit()
    postings.request_review(db.session, second, sme, "")
    db.session.flush()
    review = db.session.scalars(select(ReviewRequest)).one()
    review.requested_at = datetime(2026, 1, 2, tzinfo=UTC)
    postings.request_review(db.session, first, sme, "")
    db.session.commit()
    db.session.execute(ReviewRequest.__table__.update().where(ReviewRequest.need_id == first.id)
                       .values(requested_at=datetime(2026, 1, 1, tzinfo=UTC)))
    db.session.commit()
    auth.login(admin.email)
    queue = client.get("/admin/reviews").get_data(as_text=True)
    assert queue.index("先提交的需求") < queue.index("后提交的服务")
    assert f'href="/needs/{first.id}"' in queue
    assert "2026-01-01 08:00" in queue  # Beijing time


def test_bad_review_input_and_state(client, make_user, auth, make_posting):
    owner = make_user(kind="bank")
    shown = make_posting(owner)
    auth.login(owner.email)
    client.post(f"/listings/{shown.id}/review", data={"note": ""})  # not hidden: a conflict
    assert _count(ReviewRequest) == 0
    other_owner, _member, _admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    auth.login(other_owner.email)
    response = client.post(f"/listings/{listing.id}/review", data={"note": "长" * 501}, follow_redirects=True)
    assert response.status_code == 200 and "501" in response.get_data(as_text=True)  # the flashed field error
    assert client.post(f"/listings/{listing.id}/review", data={"note": "好\x07"}).status_code == 400
    assert _count(ReviewRequest) == 0


# --- access ----------------------------------------------------------------------------------


def test_only_members_ask_and_only_admins_decide(client, make_user, auth, make_posting):
    owner, _member, admin, listing = _hidden_listing(client, auth, make_user, make_posting)
    outsider = make_user(kind="bank")
    auth.login(outsider.email)
    assert client.post(f"/listings/{listing.id}/review", data={"note": "x"}).status_code == 404  # cannot even see it
    auth.login(admin.email)  # sees it, but is no member of the owning organization
    assert client.post(f"/listings/{listing.id}/review", data={"note": "x"}).status_code == 403
    assert _count(ReviewRequest) == 0
    auth.login(owner.email)
    client.post(f"/listings/{listing.id}/review", data={"note": ""})
    review = db.session.scalars(select(ReviewRequest)).one()
    for user in (owner, outsider):
        auth.login(user.email)
        assert client.get("/admin/reviews").status_code == 403
        assert client.post(f"/admin/reviews/{review.id}/approve").status_code == 403
        assert client.post(f"/admin/reviews/{review.id}/keep-hidden", data={f"r{review.id}-reason": "x"}).status_code == 403
    auth.logout()
    assert "/login" in client.get("/admin/reviews").headers["Location"]
    assert "/login" in client.post(f"/listings/{listing.id}/review").headers["Location"]
    auth.login(admin.email)
    assert client.post("/admin/reviews/999999/approve").status_code == 404
    db.session.refresh(listing)
    db.session.refresh(review)
    assert listing.is_hidden and review.is_open


def test_one_open_review_per_posting_is_a_database_rule(app, make_user, make_posting):
    owner, admin = make_user(kind="bank"), make_user(kind="platform", admin=True)
    listing = make_posting(owner)
    postings.hide(db.session, listing, admin, "违规")
    db.session.add(ReviewRequest(listing=listing, requested_by=owner, note=""))
    db.session.commit()
    db.session.add(ReviewRequest(listing=listing, requested_by=owner, note=""))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count(ReviewRequest) == 1 and isinstance(db.session.get(Listing, listing.id), Listing)
