"""The engagement pages' forms: an inquiry on a listing, a proposal on a need, a message, and a
stage change (with the deal in 万元, or the reason it was lost)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from marketplace.bounds import MAX_ID
from marketplace.documents.services import KIND_LABELS
from marketplace.engagements.services import DEAL_LABELS, MESSAGE_MAX, REASON_MAX
from marketplace.forms import (
    BoundedForm,
    CheckboxesField,
    WanField,
    WholeNumberField,
    options,
    wan_to_cny,
)


def _chosen_id(value: str | None) -> int | None:
    """The id a select sent (digits within the id column), else None (then the service says
    which field is wrong)."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID else None


class ShareFields:
    """What the SME shares with the provider: profile fields and library documents (choices set
    by the view from the SME's own profile and library)."""

    share_fields = CheckboxesField(_l("Profile information"), validate_choice=False, choices=[])
    share_documents = CheckboxesField(_l("Documents from your library"), validate_choice=False, choices=[])

    def share(self) -> list[Any]:
        fields = [f for f in (self.share_fields.data or []) if isinstance(f, str)]  # type: ignore[attr-defined]
        ids = [_chosen_id(d) for d in (self.share_documents.data or [])]  # type: ignore[attr-defined]
        return [*fields, *[i if i is not None else 0 for i in ids]]


class InquiryForm(ShareFields, BoundedForm):
    message = TextAreaField(_l("Your message"), render_kw={"maxlength": MESSAGE_MAX, "rows": 5},
                            description=_l("What you need, by when, and anything the provider should know first."))
    need_id = SelectField(_l("For which of your needs (optional)"), validate_choice=False, choices=[])
    new_document = FileField(_l("Add a document to your library and share it"))
    new_document_kind = SelectField(_l("What it is"), validate_choice=False,
                                    choices=lambda: options(list(KIND_LABELS.items())))

    def service_data(self) -> dict[str, Any]:
        return {"message": self.message.data or "", "need_id": _chosen_id(self.need_id.data), "share": self.share()}


class ShareForm(ShareFields, BoundedForm):
    pass


class ProposalForm(BoundedForm):
    listing_id = SelectField(_l("The offer you propose"), validate_choice=False, choices=[])
    message = TextAreaField(_l("Your proposal"), render_kw={"maxlength": MESSAGE_MAX, "rows": 5},
                            description=_l("How your offer meets this need: terms, time, what you would need from them."))

    def service_data(self) -> dict[str, Any]:
        return {"message": self.message.data or "",
                "listing_id": _chosen_id(self.listing_id.data)}


class MessageForm(BoundedForm):
    body = TextAreaField(_l("Message"), render_kw={"maxlength": MESSAGE_MAX, "rows": 3})
    files = MultipleFileField(_l("Attach documents"),
                              description=_l("PDF, PNG, JPEG, Word, Excel or PowerPoint (.docx, .xlsx, .pptx), up to 10 MB each, at most 5."))

    def uploads(self) -> list[tuple[Any, str | None]]:
        return [(f.stream, f.filename) for f in (self.files.data or []) if getattr(f, "filename", None)]


class StageForm(BoundedForm):
    stage = HiddenField()
    version = WholeNumberField(low=1, high=2**31 - 1)
    deal_kind = SelectField(_l("What was agreed"), validate_choice=False,
                            choices=lambda: options([("", _l("Choose…")), *DEAL_LABELS.items()]))
    amount_wan = WanField(_l("Amount (10,000 CNY)"), render_kw={"min": 0, "step": "any"})
    reason = StringField(_l("Reason"), render_kw={"maxlength": REASON_MAX})

    def service_data(self) -> dict[str, Any]:
        return {"stage": self.stage.data or "", "deal_kind": self.deal_kind.data or None,
                "amount_cny": wan_to_cny(self.amount_wan.data), "reason": self.reason.data or ""}


class ReviewForm(BoundedForm):
    rating = SelectField(_l("Rating"), validate_choice=False,
                         choices=lambda: options([("", _l("Choose…")), *[(str(n), "★" * n) for n in range(5, 0, -1)]]))
    text = TextAreaField(_l("Your review"), render_kw={"maxlength": 2000, "rows": 4},
                         description=_l("What went well, what did not: other enterprises read it on the provider's profile."))


class ReplyForm(BoundedForm):
    reply = TextAreaField(_l("Your reply"), render_kw={"maxlength": 2000, "rows": 3})


class ReportForm(BoundedForm):
    reason = StringField(_l("Why should the platform look at it?"), render_kw={"maxlength": REASON_MAX})
