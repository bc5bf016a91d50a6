"""The organizations API: the directory, what the public and members see, profile edits."""

from __future__ import annotations

from marketplace.extensions import db
from tests.web.test_api_support import API, error_of, org_of, token_headers

VALID_CODE = "914419008568201E72"
PRIVATE = {"credit_code", "contact_email", "contact_phone", "members", "employees", "annual_revenue_cny"}


def _profile(org, **values) -> None:
    for key, value in values.items():
        setattr(org, key, value)
    db.session.commit()


def test_directory_filters_and_pages(client, make_user):
    for i in range(3):
        org_of(make_user(kind="bank", org_name=f"银行{i}")).region = "441900" if i else "440300"
    verified = org_of(make_user(kind="sme", org_name="已认证企业"))
    _profile(verified, verification_status="verified", region="441900")
    everything = client.get(f"{API}/organizations").get_json()
    assert everything["total"] == 4 and everything["pages"] == 1
    banks = client.get(f"{API}/organizations?kind=bank&per_page=2").get_json()
    assert (banks["total"], banks["pages"], len(banks["items"])) == (3, 2, 2)
    assert all(item["kind"] == "bank" for item in banks["items"])
    assert client.get(f"{API}/organizations?region=441900").get_json()["total"] == 3
    only = client.get(f"{API}/organizations?verified=1").get_json()
    assert [item["name"] for item in only["items"]] == ["已认证企业"] and only["items"][0]["verified"] is True
    error = error_of(client.get(f"{API}/organizations?kind=alien&region=1&verified=maybe&page=0"), 400, "bad_parameter")
    assert set(error["fields"]) == {"kind", "region"}
    assert "verified" in error_of(client.get(f"{API}/organizations?verified=maybe"), 400)["fields"]
    assert "page" in error_of(client.get(f"{API}/organizations?page=0"), 400)["fields"]
    assert "q" in error_of(client.get(f"{API}/organizations?q=x"), 400)["fields"]


def test_private_fields_are_for_members_only(client, make_user):
    owner = make_user()
    org = org_of(owner)
    _profile(org, credit_code=VALID_CODE, contact_email="boss@example.cn", contact_phone="0769-1234567",
             employees=25, region="441900", industry="C39", description="PCBA 贴片")
    public = client.get(f"{API}/organizations/{org.id}").get_json()
    assert public["id"] == org.id and public["external_id"] == org.external_id
    assert public["description"] == "PCBA 贴片" and public["region"] == "441900"
    assert not PRIVATE & set(public)
    outsider = client.get(f"{API}/organizations/{org.id}", headers=token_headers(make_user())).get_json()
    assert not PRIVATE & set(outsider)
    listed = client.get(f"{API}/organizations").get_json()["items"]
    assert all(not PRIVATE & set(item) for item in listed)
    member = client.get(f"{API}/organizations/{org.id}", headers=token_headers(owner)).get_json()
    assert member["credit_code"] == VALID_CODE and member["contact_email"] == "boss@example.cn"
    assert member["members"] == [{"user_id": owner.id, "display_name": owner.display_name, "email": owner.email, "role": "owner"}]


def test_members_edit_the_profile_with_validation(client, make_user):
    owner = make_user()
    org = org_of(owner)
    headers = token_headers(owner)
    url = f"{API}/organizations/{org.id}"
    response = client.patch(url, json={"region": "441900", "industry": "C39", "employees": 25,
                                       "annual_revenue_cny": 8_000_000, "tags": ["PCBA", " SMT "], "website": ""}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["size_class"] == "small" and body["tags"] == ["PCBA", "SMT"] and body["website"] is None
    db.session.refresh(org)
    assert org.region == "441900" and org.employees == 25

    error = error_of(client.patch(url, json={"region": "110000", "employees": "many", "kind": "bank", "colour": 1}, headers=headers), 422)
    assert set(error["fields"]) == {"employees", "kind", "colour"}
    error = error_of(client.patch(url, json={"region": "110000", "credit_code": "914419008568201E73", "name": ""}, headers=headers), 422)
    assert {"region", "credit_code", "name"} <= set(error["fields"])
    assert "110000" in error["fields"]["region"][0]
    db.session.refresh(org)
    assert org.region == "441900" and org.credit_code is None and org.kind == "sme"
