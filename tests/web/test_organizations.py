"""Organization profiles, size classification in the UI, access control, members, invitations."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.organizations.models import Membership, Organization
from tests.conftest import PASSWORD
from tests.factories import org_of

VALID_CODE = "914419008568201E72"

PROFILE = {
    "name": "东莞市精联电子科技有限公司",
    "credit_code": VALID_CODE,
    "region": "441900",
    "industry": "C39",
    "employees": "25",
    "annual_revenue_wan": "800",
    "total_assets_wan": "500",
    "founded_year": "2015",
    "description": "PCBA 贴片加工",
    "tags": "PCBA，SMT、汽车电子",
}


def test_profile_is_saved_and_classified_with_its_rule(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    response = client.post(f"/orgs/{org.id}/edit", data=PROFILE, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "工业：从业人员 25 人、营业收入 800 万元 → 小型" in page
    db.session.refresh(org)
    assert org.size_class == "small"
    assert org.annual_revenue_cny == 8_000_000 and org.total_assets_cny == 5_000_000
    assert org.tags == ["PCBA", "SMT", "汽车电子"]
    form = client.get(f"/orgs/{org.id}/edit").get_data(as_text=True)
    revenue_input = re.search(r'<input[^>]*name="annual_revenue_wan"[^>]*>', form).group(0)
    assert 'value="800"' in revenue_input, revenue_input  # 万元, no exponent or trailing zeros
    # The public profile shows names, not codes.
    public = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "东莞市" in public and "计算机、通信和其他电子设备制造业" in public and "小型" in public


def test_english_rule_text(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    client.get("/lang/en")
    org = org_of(user)
    page = client.post(f"/orgs/{org.id}/edit", data=PROFILE, follow_redirects=True).get_data(as_text=True)
    assert "Industry: 25 employees" in page and "→ small" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "914419008568201E73", "'2'"),  # wrong check character: the right one is named
        ("credit_code", "91441900856820IE72", "15"),  # the position of the forbidden letter
        ("credit_code", "9144190085682", "18"),
        ("region", "110000", "110000"),
        ("industry", "Z99", None),
        ("employees", "-3", None),
        ("annual_revenue_wan", "-1", None),
        ("founded_year", "1800", "1900"),
    ],
)
def test_bad_profile_input_is_rejected_next_to_its_field(client, make_user, auth, field, value, message):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    response = client.post(f"/orgs/{org.id}/edit", data={**PROFILE, field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The error sits right after the field's input.
    pattern = rf'name="{field}"[^>]*>(?:(?!<input|<select|<textarea).)*?invalid-feedback d-block">([^<]+)<'
    errors = re.findall(pattern, page, flags=re.S)
    assert errors, f"no error next to {field}"
    if message:
        assert message in html.unescape(errors[0])
    db.session.refresh(org)
    assert org.credit_code is None and org.region is None  # nothing half-written


def test_check_character_message_names_expected_value(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    client.get("/lang/en")
    page = client.post(f"/orgs/{org.id}/edit", data={**PROFILE, "credit_code": "914419008568201E73"}).get_data(as_text=True)
    assert "should be &#39;2&#39;, not &#39;3&#39;" in page or "should be '2', not '3'" in page


def test_credit_code_is_unique(client, make_user, auth):
    first, second = make_user(), make_user()
    auth.login(first.email)
    assert client.post(f"/orgs/{org_of(first).id}/edit", data=PROFILE).status_code == 302
    auth.logout()
    auth.login(second.email)
    response = client.post(f"/orgs/{org_of(second).id}/edit", data=PROFILE)
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Organization.credit_code == VALID_CODE)) == 1


def test_lower_case_credit_code_is_normalised(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    client.post(f"/orgs/{org.id}/edit", data={**PROFILE, "credit_code": VALID_CODE.lower()})
    db.session.refresh(org)
    assert org.credit_code == VALID_CODE


def test_ambiguous_industry_uses_chosen_size_group(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    data = {**PROFILE, "industry": "K70", "employees": "150", "annual_revenue_wan": "600", "total_assets_wan": "100"}
    client.post(f"/orgs/{org.id}/edit", data={**data, "size_group": "property_management"})
    db.session.refresh(org)
    assert (org.size_group, org.size_class) == ("property_management", "small")
    response = client.post(f"/orgs/{org.id}/edit", data={**data, "size_group": "retail"})
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)


def test_member_of_a_cannot_edit_or_manage_b(client, make_user, auth):
    alice, bob = make_user(), make_user()
    b_org = org_of(bob)
    auth.login(alice.email)
    assert client.get(f"/orgs/{b_org.id}/edit").status_code == 403
    assert client.post(f"/orgs/{b_org.id}/edit", data=PROFILE).status_code == 403
    assert client.get(f"/orgs/{b_org.id}/members").status_code == 403
    assert client.post(f"/orgs/{b_org.id}/invitations", data={"email": "x@example.cn", "role": "owner"}).status_code == 403
    assert client.post(f"/orgs/{b_org.id}/verification").status_code == 403
    bob_membership = b_org.memberships[0]
    assert client.post(f"/orgs/{b_org.id}/members/{bob_membership.id}/remove").status_code == 403
    assert client.post(f"/orgs/{b_org.id}/members/{bob_membership.id}/role", data={"role": "member"}).status_code == 403
    assert client.post("/orgs/switch", data={"org_id": b_org.id}).status_code == 403
    db.session.refresh(b_org)
    assert b_org.credit_code is None and len(b_org.memberships) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_anonymous_is_sent_to_login(client, make_user):
    org = org_of(make_user())
    response = client.get(f"/orgs/{org.id}/edit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_public_profile_hides_private_data(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    client.post(f"/orgs/{org.id}/edit", data={**PROFILE, "contact_phone": "0769-12345678"})
    auth.logout()
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert VALID_CODE not in page and user.email not in page and "0769-12345678" not in page


def test_unknown_organization_is_404(client):
    assert client.get("/orgs/999999").status_code == 404


def _invitation_link(email: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"/invitations/\S+", body).group(0)


def test_invitation_flow_for_an_existing_account(client, make_user, auth):
    owner, colleague = make_user(), make_user()
    org = org_of(owner)
    auth.login(owner.email)
    assert client.post(f"/orgs/{org.id}/invitations", data={"email": colleague.email, "role": "member"}).status_code == 302
    link = _invitation_link(colleague.email)
    auth.logout()
    auth.login(colleague.email)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.get(f"/orgs/{org.id}/edit").status_code == 200  # now a member
    # ... but not an owner: cannot invite or change roles.
    assert client.post(f"/orgs/{org.id}/invitations", data={"email": "z@example.cn", "role": "owner"}).status_code == 403
    assert client.post(link).status_code == 400  # used up


def test_invitation_is_bound_to_its_email(client, make_user, auth):
    owner, stranger = make_user(), make_user()
    org = org_of(owner)
    auth.login(owner.email)
    client.post(f"/orgs/{org.id}/invitations", data={"email": "invited@example.cn", "role": "member"})
    link = _invitation_link("invited@example.cn")
    auth.logout()
    auth.login(stranger.email)
    assert client.post(link).status_code == 403
    assert db.session.scalar(select(func.count()).where(Membership.organization_id == org.id)) == 1


def test_signup_through_an_invitation_joins_without_new_organization(client, make_user, auth):
    owner = make_user()
    org = org_of(owner)
    auth.login(owner.email)
    client.post(f"/orgs/{org.id}/invitations", data={"email": "new@example.cn", "role": "owner"})
    token = _invitation_link("new@example.cn").rsplit("/", 1)[1]
    auth.logout()
    organizations_before = db.session.scalar(select(func.count()).select_from(Organization))
    response = client.post(
        f"/signup?invitation={token}",
        data={"email": "new@example.cn", "display_name": "新同事", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Organization)) == organizations_before
    new_user = db.session.scalar(select(User).where(User.email == "new@example.cn"))
    assert org.member(new_user).role == "owner"


def test_last_owner_cannot_leave_or_step_down(client, make_user, auth):
    owner = make_user()
    org = org_of(owner)
    membership = org.memberships[0]
    auth.login(owner.email)
    client.post(f"/orgs/{org.id}/members/{membership.id}/role", data={"role": "member"})
    client.post(f"/orgs/{org.id}/members/{membership.id}/remove")
    db.session.refresh(membership)
    assert membership.role == "owner"


def test_verification_request_and_admin_decision(client, make_user, auth):
    owner = make_user()
    admin = make_user(kind="platform", admin=True)
    org = org_of(owner)
    auth.login(owner.email)
    # Not before the profile has a credit code and a region.
    client.post(f"/orgs/{org.id}/verification")
    db.session.refresh(org)
    assert org.verification_status == "unverified"
    client.post(f"/orgs/{org.id}/edit", data=PROFILE)
    client.post(f"/orgs/{org.id}/verification")
    db.session.refresh(org)
    assert org.verification_status == "pending"
    # An ordinary member cannot reach the admin pages.
    assert client.get("/admin/").status_code == 403
    assert client.post(f"/admin/organizations/{org.id}", data={"status": "verified"}).status_code == 403
    auth.logout()
    auth.login(admin.email)
    assert org.name in client.get("/admin/organizations?status=pending").get_data(as_text=True)
    # Rejection needs a reason.
    response = client.post(f"/admin/organizations/{org.id}", data={"status": "rejected", "reason": ""})
    assert response.status_code == 200
    db.session.refresh(org)
    assert org.verification_status == "pending"
    client.post(f"/admin/organizations/{org.id}", data={"status": "rejected", "reason": "营业执照照片不清晰"})
    db.session.refresh(org)
    assert (org.verification_status, org.verification_reason) == ("rejected", "营业执照照片不清晰")
    assert [d.status for d in org.decisions] == ["rejected", "pending"]
    auth.logout()
    auth.login(owner.email)
    assert "营业执照照片不清晰" in client.get(f"/orgs/{org.id}/edit").get_data(as_text=True)


def test_directory_filters(client, make_user):
    make_user(kind="bank", org_name="测试银行")
    make_user(kind="sme", org_name="测试企业")
    page = client.get("/orgs?kind=bank").get_data(as_text=True)
    assert "测试银行" in page and "测试企业" not in page
    assert client.get("/orgs?kind=nonsense&region=abc&page=-4").status_code == 200


def test_language_switch_and_open_redirect(client):
    assert "登录" in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert "Log in" in client.get("/").get_data(as_text=True)
    assert client.get("/lang/fr").status_code == 404
