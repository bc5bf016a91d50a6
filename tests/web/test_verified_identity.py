"""The verified badge vouches for a name and a credit code: changing either sends a verified
organization back to verification, and only owners may change them."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.organizations.models import Membership
from tests.web.test_api_support import API, org_of, token_headers

CODE = "91440300MA5ABCDE1X"


def _verified(make_user):
    from marketplace.reference import CHARSET, check_character

    owner = make_user(kind="bank")
    org = org_of(owner)
    body = "91440300MA5ABCDE1"
    org.credit_code = body + next(c for c in CHARSET if c == check_character(body))
    org.region = "440300"
    org.verification_status = "verified"
    db.session.commit()
    return owner, org


def test_renaming_a_verified_organization_sends_it_back_to_verification(client, make_user):
    owner, org = _verified(make_user)
    response = client.patch(f"{API}/organizations/{org.id}", json={"name": "全新名称银行"}, headers=token_headers(owner))
    assert response.status_code == 200 and response.get_json()["verified"] is False
    db.session.refresh(org)
    assert org.verification_status == "pending" and org.name == "全新名称银行"
    decision = org.decisions[0]
    assert decision.status == "pending" and "全新名称银行" in decision.reason and decision.decided_by_id == owner.id
    notes = db.session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert len(notes) == 1 and "全新名称银行" in notes[0].message
    # Other profile fields leave the badge alone.
    org.verification_status = "verified"
    db.session.commit()
    client.patch(f"{API}/organizations/{org.id}", json={"description": "新的介绍"}, headers=token_headers(owner))
    db.session.refresh(org)
    assert org.verification_status == "verified"


def test_a_new_credit_code_also_suspends_the_badge(client, make_user, auth):
    from marketplace.reference import check_character

    owner, org = _verified(make_user)
    body = "91440300MA5ABCDE2"
    auth.login(owner.email)
    response = client.post(f"/orgs/{org.id}/edit", data={"name": org.name, "credit_code": body + check_character(body),
                                                          "region": "440300"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.verification_status == "pending" and org.credit_code == body + check_character(body)


def test_only_owners_change_the_identity(client, make_user, auth):
    owner, org = _verified(make_user)
    member = make_user(kind="bank")
    db.session.add(Membership(organization=org, user=member, role="member"))
    db.session.commit()
    response = client.patch(f"{API}/organizations/{org.id}", json={"name": "冒名银行"}, headers=token_headers(member))
    assert response.status_code == 403 and "name" in response.get_json()["error"]["fields"]
    auth.login(member.email)
    page = client.get(f"/orgs/{org.id}/edit").get_data(as_text=True)
    assert 'id="identity-owner-only"' in page
    response = client.post(f"/orgs/{org.id}/edit", data={"name": "冒名银行", "credit_code": org.credit_code,
                                                          "region": "440300", "description": "改介绍"})
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert (org.name, org.verification_status, org.description) != ("冒名银行", "pending", "改介绍")
    assert org.verification_status == "verified"
    # A member may still change the rest of the profile.
    response = client.post(f"/orgs/{org.id}/edit", data={"name": org.name, "credit_code": org.credit_code,
                                                          "region": "440300", "description": "改介绍"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.description == "改介绍" and org.verification_status == "verified"
