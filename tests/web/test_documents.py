"""Documents and consent-based sharing, through the pages and the API: the library (members only),
files sent in a conversation (both sides), what an SME shares with a provider (only that, only
while the consent is in force, recorded and withdrawable); types sniffed from the content (HTML
named .pdf refused), sizes bounded, downloads always attachments; a refused request leaves no
file and no row; a third organization gets 404 for every document."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.documents.models import Document
from marketplace.engagements.models import Consent, Engagement, EngagementMessage
from marketplace.extensions import db
from tests.factories import gen_posting
from tests.web.test_api_support import error_of, token_headers

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def cast(make_user: Any) -> dict[str, Any]:
    people = {
        "sme": make_user("sme@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "bank": make_user("bank@example.cn", kind="bank", org_name="广东某银行"),
        "outsider": make_user("other@example.cn", kind="bank", org_name="珠江某银行"),
    }
    sme_org = people["sme"].memberships[0].organization
    sme_org.credit_code, sme_org.annual_revenue_cny, sme_org.total_assets_cny = "91440606MA4UJ5N01X", 32_000_000, 18_000_000
    sme_org.tax_credit_level = "A"
    people["loan"] = gen_posting(people["bank"], "listing", category="financing", title="小微企业信用贷款")
    db.session.commit()
    for name in ("sme", "bank", "outsider"):
        people[f"{name}_h"] = token_headers(people[name], name)
    return people


def files_on_disk(app: Any) -> int:
    return sum(1 for p in Path(app.config["DOCUMENTS_FOLDER"]).rglob("*") if p.is_file())


def as_user(client: Any, auth: Any, email: str) -> None:
    auth.logout()
    auth.login(email)
    client.get("/lang/en")


def upload(client: Any, org_id: int, data: bytes, name: str, kind: str = "financial_statements") -> Any:
    return client.post(f"/orgs/{org_id}/documents", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_library_takes_real_documents_and_refuses_the_rest(app: Any, client: Any, auth: Any, cast: dict[str, Any]) -> None:
    org_id = cast["sme"].memberships[0].organization_id
    as_user(client, auth, "sme@example.cn")
    before = files_on_disk(app)
    app.config["DOCUMENT_MAX_BYTES"] = 200_000  # (the test client spools bigger bodies to files it leaves open)
    assert upload(client, org_id, PDF, "2025年财务报表.pdf").status_code == 302
    refused = {
        "licence.pdf": (HTML, "is named as PDF but its content is HTML"),
        "page.html": (HTML, "is HTML, which is not accepted"),
        "photo.pdf": (PNG, "is named as PDF but its content is PNG"),
        "empty.pdf": (b"", "is empty"),
        "big.pdf": (PDF + b"0" * 200_000, "is larger than 195 KB"),
    }
    for name, (data, says) in refused.items():
        response = upload(client, org_id, data, name)
        assert response.status_code == 422 and says in response.get_data(as_text=True), name
    assert upload(client, org_id, PDF, "x.pdf", kind="passport").status_code == 422
    assert files_on_disk(app) == before + 1  # nothing of the refused ones is kept
    document = db.session.scalar(select(Document))
    assert (document.filename, document.content_type, document.kind) == ("2025年财务报表.pdf", "application/pdf", "financial_statements")
    assert re.fullmatch(r"[0-9a-f]{32}", document.storage_key) and "财务" not in document.storage_key
    library = client.get(f"/orgs/{org_id}/documents").get_data(as_text=True)
    assert "2025年财务报表.pdf" in library
    download = client.get(f"/documents/{document.id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf" and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    # Another organization: no library, no download; anonymous: log in first.
    as_user(client, auth, "other@example.cn")
    assert client.get(f"/orgs/{org_id}/documents").status_code == 404
    assert upload(client, org_id, PDF, "x.pdf").status_code == 404
    assert client.get(f"/documents/{document.id}/download").status_code == 404
    assert client.post(f"/orgs/{org_id}/documents/{document.id}/delete").status_code == 404
    auth.logout()
    assert client.get(f"/documents/{document.id}/download").status_code == 302
    # The owner deletes it: the row and the file go.
    as_user(client, auth, "sme@example.cn")
    assert client.post(f"/orgs/{org_id}/documents/{document.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Document.id))) == 0 and files_on_disk(app) == before


def test_an_application_with_consent_a_document_in_the_conversation_and_a_withdrawal(
        app: Any, client: Any, auth: Any, cast: dict[str, Any]) -> None:
    loan_id = cast["loan"].id
    as_user(client, auth, "sme@example.cn")
    form = client.get(f"/listings/{loan_id}/inquire").get_data(as_text=True)
    assert 'id="share"' in form and " open" in form  # a financing listing opens the sharing section
    assert "91440606MA4UJ5N01X" in form and "Tax credit level" in form
    before = files_on_disk(app)
    # A refused inquiry (no message) keeps neither the engagement nor the uploaded document.
    refused = client.post(f"/listings/{loan_id}/inquire", content_type="multipart/form-data", data={
        "message": "", "share_fields": ["annual_revenue_cny"], "new_document": (io.BytesIO(PDF), "报表.pdf"),
        "new_document_kind": "financial_statements"})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(Document.id))) == 0 and files_on_disk(app) == before
    sent = client.post(f"/listings/{loan_id}/inquire", content_type="multipart/form-data", data={
        "message": "申请 300 万元流动资金贷款", "share_fields": ["annual_revenue_cny", "tax_credit_level"],
        "new_document": (io.BytesIO(PDF), "2025年财务报表.pdf"), "new_document_kind": "financial_statements"})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    engagement_id = int(re.search(r"/engagements/(\d+)", sent.headers["Location"]).group(1))
    statement = db.session.scalar(select(Document))
    consent = db.session.scalar(select(Consent))
    assert consent.fields == ["annual_revenue_cny", "tax_credit_level"] and [d.id for d in consent.documents] == [statement.id]
    assert consent.granted_by_id == cast["sme"].id and consent.withdrawn_at is None

    # The bank sees what is shared, and only that; it downloads the statement and answers with a file.
    as_user(client, auth, "bank@example.cn")
    shown = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    shared = shown[shown.index('id="shared"'):shown.index('id="stage-actions"')]
    assert "Annual operating revenue" in shared and "Level A" in shared and "2025年财务报表.pdf" in shared
    assert "91440606MA4UJ5N01X" not in shown and "Total assets" not in shared
    assert client.get(f"/documents/{statement.id}/download").status_code == 200
    assert client.post(f"/engagements/{engagement_id}/consent", data={"share_fields": ["credit_code"]}).status_code == 404
    before = files_on_disk(app)
    bad = client.post(f"/engagements/{engagement_id}/messages", content_type="multipart/form-data",
                      data={"body": "请看附件", "files": [(io.BytesIO(HTML), "offer.pdf")]})
    assert bad.status_code == 422 and "is named as PDF but its content is HTML" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EngagementMessage.id))) == 1 and files_on_disk(app) == before
    good = client.post(f"/engagements/{engagement_id}/messages", content_type="multipart/form-data",
                       data={"body": "", "files": [(io.BytesIO(PDF), "授信方案.pdf")]})
    assert good.status_code == 302
    offer = db.session.scalar(select(Document).where(Document.message_id.is_not(None)))
    assert offer.organization_id == cast["bank"].memberships[0].organization_id
    # Both sides read the conversation's file; the outsider reads nothing.
    as_user(client, auth, "sme@example.cn")
    assert "授信方案.pdf" in client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert client.get(f"/documents/{offer.id}/download").data == PDF
    as_user(client, auth, "other@example.cn")
    for document_id in (statement.id, offer.id):
        assert client.get(f"/documents/{document_id}/download").status_code == 404
    assert client.post(f"/engagements/{engagement_id}/consent/withdraw").status_code == 404

    # The SME changes the scope, then withdraws: the bank no longer sees the statement.
    as_user(client, auth, "sme@example.cn")
    assert client.post(f"/engagements/{engagement_id}/consent", data={"share_fields": ["credit_code"]}).status_code == 302
    assert client.post(f"/engagements/{engagement_id}/consent/withdraw").status_code == 302
    history = db.session.scalars(select(Consent).order_by(Consent.id)).all()
    assert [c.fields for c in history] == [["annual_revenue_cny", "tax_credit_level"], ["credit_code"]]
    assert all(c.withdrawn_at is not None for c in history)
    as_user(client, auth, "bank@example.cn")
    shown = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert "They withdrew their consent" in shown and "91440606MA4UJ5N01X" not in shown
    assert client.get(f"/documents/{statement.id}/download").status_code == 404
    assert client.get(f"/documents/{offer.id}/download").status_code == 200  # sent in the conversation: stays


def test_the_api_shares_uploads_and_refuses(app: Any, client: Any, cast: dict[str, Any]) -> None:
    sme, bank, outsider = cast["sme_h"], cast["bank_h"], cast["outsider_h"]
    org_id = cast["sme"].memberships[0].organization_id
    bank_org = cast["bank"].memberships[0].organization_id
    url = f"/api/v1/organizations/{org_id}/documents"
    error_of(client.post(url, json={"file": "x"}, headers=sme), 415)
    error_of(client.post(url, data={"file": (io.BytesIO(HTML), "a.pdf")}, headers=sme, content_type="multipart/form-data"), 422)
    error_of(client.post(url, data={"file": (io.BytesIO(PDF), "a.pdf"), "colour": "red"}, headers=sme,
                         content_type="multipart/form-data"), 422)
    error_of(client.post(url, data={"file": (io.BytesIO(PDF), "a.pdf")}, headers=outsider, content_type="multipart/form-data"), 403)
    made = client.post(url, data={"file": (io.BytesIO(PDF), "a.pdf"), "kind": "business_licence"}, headers=sme,
                       content_type="multipart/form-data")
    assert made.status_code == 201, made.get_json()
    licence = made.get_json()
    assert (licence["kind"], licence["content_type"], licence["size_bytes"]) == ("business_licence", "application/pdf", len(PDF))
    assert [d["id"] for d in client.get(url, headers=sme).get_json()["items"]] == [licence["id"]]
    error_of(client.get(url, headers=bank), 403)
    error_of(client.get(f"/api/v1/documents/{licence['id']}", headers=bank), 404)

    loan = cast["loan"].id
    other_library = client.post(f"/api/v1/organizations/{bank_org}/documents", data={"file": (io.BytesIO(PNG), "logo.png")},
                                headers=bank, content_type="multipart/form-data").get_json()
    wrong = error_of(client.post(f"/api/v1/listings/{loan}/inquiries", headers=sme, json={
        "message": "申请", "share": ["credit_code", "passport_number", other_library["id"], True]}), 422)
    assert "Item 2" in str(wrong["fields"]["share"]) or "第 2" in str(wrong["fields"]["share"])
    assert len(wrong["fields"]["share"]) == 3 and db.session.scalar(select(func.count(Engagement.id))) == 0
    made = client.post(f"/api/v1/listings/{loan}/inquiries", headers=sme,
                       json={"message": "申请", "share": ["credit_code", licence["id"]]})
    assert made.status_code == 201, made.get_json()
    engagement = made.get_json()
    assert engagement["consent"]["fields"] == ["credit_code"] and engagement["consent"]["documents"] == [licence["id"]]
    seen = client.get(f"/api/v1/engagements/{engagement['id']}", headers=bank).get_json()
    assert seen["shared"]["fields"] == {"credit_code": "91440606MA4UJ5N01X"}
    content = client.get(seen["shared"]["documents"][0]["content_url"], headers=bank)
    assert content.status_code == 200 and content.data == PDF and content.headers["Content-Disposition"].startswith("attachment")
    error_of(client.get(f"/api/v1/documents/{licence['id']}/content", headers=outsider), 404)
    error_of(client.get(f"/api/v1/engagements/{engagement['id']}", headers=outsider), 404)
    # A message with a file, as multipart; the provider may not change the consent; the SME withdraws.
    posted = client.post(f"/api/v1/engagements/{engagement['id']}/messages", headers=bank, content_type="multipart/form-data",
                         data={"body": "方案见附件", "files": [(io.BytesIO(PDF), "方案.pdf")]})
    assert posted.status_code == 201 and posted.get_json()["attachments"][0]["filename"] == "方案.pdf"
    error_of(client.put(f"/api/v1/engagements/{engagement['id']}/consent", json={"share": []}, headers=bank), 403)
    error_of(client.put(f"/api/v1/engagements/{engagement['id']}/consent", json={"share": ["x"]}, headers=outsider), 404)
    error_of(client.delete(f"/api/v1/engagements/{engagement['id']}/consent", headers=outsider), 404)
    error_of(client.delete(f"/api/v1/documents/{licence['id']}", headers=outsider), 404)
    for method, path in (("PUT", f"/api/v1/engagements/{engagement['id']}/consent"), ("DELETE", f"/api/v1/documents/{licence['id']}"),
                         ("DELETE", f"/api/v1/engagements/{engagement['id']}/consent"), ("POST", url),
                         ("GET", f"/api/v1/documents/{licence['id']}/content")):
        error_of(client.open(path, method=method, json={"share": []}), 401)
    changed = client.put(f"/api/v1/engagements/{engagement['id']}/consent", json={"share": ["annual_revenue_cny"]}, headers=sme)
    assert changed.status_code == 200 and changed.get_json()["shared"]["fields"] == {"annual_revenue_cny": 32_000_000}
    assert client.delete(f"/api/v1/engagements/{engagement['id']}/consent", headers=sme).get_json()["consent"] is None
    error_of(client.delete(f"/api/v1/engagements/{engagement['id']}/consent", headers=sme), 409)
    assert client.get(f"/api/v1/engagements/{engagement['id']}", headers=bank).get_json()["shared"] is None
    error_of(client.get(f"/api/v1/documents/{licence['id']}/content", headers=bank), 404)
    # Deleting: the provider cannot, the member can.
    error_of(client.delete(f"/api/v1/documents/{licence['id']}", headers=bank), 404)
    assert client.delete(f"/api/v1/documents/{licence['id']}", headers=sme).status_code == 204
