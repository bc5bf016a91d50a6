"""Property-based fuzzing of uploads (Hypothesis, Flask test client): files with generated
contents (real headers of accepted and refused types, markup, random bytes, cut-off headers)
under generated names (claimed extensions, paths, control characters, very long names), kinds
and extra form fields, to the library and with a message. Whatever comes in: never a 5xx, an
accepted file is one of the accepted types and reads back byte for byte, a refused one leaves
no row and no file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from listings.models import Listing
from marketplace.documents.models import Document
from marketplace.documents.storage import ACCEPTED
from marketplace.engagements.models import Engagement
from marketplace.extensions import db
from tests.factories import gen_posting
from tests.fuzz.hostile import API, fuzz_settings
from tests.web.test_api_support import token_headers

# The write operations of the OpenAPI document fuzzed here (test_api_properties checks that every
# documented write is fuzzed somewhere).
DOCUMENT_WRITES = {("post", "/organizations/{org_id}/documents"), ("delete", "/documents/{document_id}")}

HEADERS = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"GIF89a",
           b"PK\x03\x04", b"<!DOCTYPE html><script>alert(1)</script>", b"<svg onload=alert(1)>", b"\x7fELF",
           b"MZ\x90\x00", b"%PDF", b"", b"\xef\xbb\xbf<html>", b"   <html>"]
NAMES = st.one_of(
    st.sampled_from(["a.pdf", "报表.PDF", "x.png", "y.jpeg", "z.docx", "evil.html", "noext", "../../etc/passwd.pdf",
                     "a\\b.pdf", ".pdf", "a.pdf.exe", "\x00.pdf", "a\r\nb.pdf", "‮fdp.exe", "x" * 400 + ".pdf", ""]),
    st.text(max_size=60).map(lambda s: s + ".pdf"),
)
CONTENTS = st.builds(lambda head, tail: head + tail, st.sampled_from(HEADERS), st.binary(max_size=2048))


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    """Made by the module's first test (the fuzz app lives as long as the module)."""
    from marketplace.accounts.services import find_user_by_email

    sme = find_user_by_email(db.session, "upload-sme@example.cn") or make_user("upload-sme@example.cn", kind="sme",
                                                                                 org_name="佛山精密制造有限公司")
    bank = find_user_by_email(db.session, "upload-bank@example.cn") or make_user("upload-bank@example.cn", kind="bank",
                                                                                   org_name="广东某银行")
    loan = db.session.scalar(select(Listing).where(Listing.organization_id == bank.memberships[0].organization_id)) \
        or gen_posting(bank, "listing", category="financing", title="小微企业信用贷款")
    return {"sme": sme, "org": sme.memberships[0].organization_id, "h": token_headers(sme, "sme"), "loan": loan.id,
            "bank_h": token_headers(bank, "bank")}


def _files(app: Any) -> int:
    return sum(1 for p in Path(app.config["DOCUMENTS_FOLDER"]).rglob("*") if p.is_file())


def _check(app: Any, response: Any, before: tuple[int, int], sent: int) -> None:
    """``sent`` files (with a name) were sent: on success each is a new row and file."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    rows = db.session.scalar(select(func.count(Document.id))) or 0
    if response.status_code >= 400:
        assert (rows, _files(app)) == before, "a refused upload left a row or a file"
        assert response.is_json and set(response.get_json()["error"]) >= {"code", "message"}
        return
    assert (rows, _files(app)) == (before[0] + sent, before[1] + sent)
    for document in db.session.scalars(select(Document).order_by(Document.id.desc()).limit(sent)):
        assert document.content_type in {ctype for ctype, _exts, _label in ACCEPTED.values()}
        assert "/" not in document.filename and "\\" not in document.filename and len(document.filename) <= 200
        assert not any(ord(c) < 32 or c in "\u202e\u202d\u200f" for c in document.filename)


@fuzz_settings(40)
@given(content=CONTENTS, name=NAMES, kind=st.one_of(st.none(), st.sampled_from(["financial_statements", "other", "", "x" * 50, "\x00"])),
       extra=st.booleans())
def test_hostile_library_uploads(app: Any, client: Any, people: dict[str, Any], content: bytes, name: str, kind: Any,
                                 extra: bool) -> None:
    data: dict[str, Any] = {"file": (io.BytesIO(content), name)}
    if kind is not None:
        data["kind"] = kind
    if extra:
        data["filename"] = "x"
    before = (db.session.scalar(select(func.count(Document.id))) or 0, _files(app))
    response = client.post(f"{API}/organizations/{people['org']}/documents", data=data, headers=people["h"],
                           content_type="multipart/form-data")
    _check(app, response, before, 1)
    if response.status_code == 201:
        read = client.get(response.get_json()["content_url"], headers=people["h"])
        assert read.status_code == 200 and read.data == content
        assert read.headers["Content-Disposition"].startswith("attachment")
        assert client.delete(f"{API}/documents/{response.get_json()['id']}", headers=people["h"]).status_code == 204


@fuzz_settings(25)
@given(files=st.lists(st.tuples(CONTENTS, NAMES), max_size=7), body=st.one_of(st.none(), st.text(max_size=50)))
def test_hostile_message_attachments(app: Any, client: Any, people: dict[str, Any], files: list[tuple[bytes, str]],
                                     body: Any) -> None:
    made = client.post(f"{API}/listings/{people['loan']}/inquiries", json={"message": "想申请"}, headers=people["h"])
    engagement = made.get_json()["id"]
    try:
        data: dict[str, Any] = {"files": [(io.BytesIO(c), n) for c, n in files]}
        if body is not None:
            data["body"] = body
        before = (db.session.scalar(select(func.count(Document.id))) or 0, _files(app))
        response = client.post(f"{API}/engagements/{engagement}/messages", data=data, headers=people["bank_h"],
                               content_type="multipart/form-data")
        _check(app, response, before, sum(1 for _c, n in files if n))
        listed = client.get(f"{API}/engagements/{engagement}/messages", headers=people["h"])
        assert listed.status_code == 200
    finally:
        db.session.rollback()
        db.session.execute(delete(Engagement))
        db.session.commit()
