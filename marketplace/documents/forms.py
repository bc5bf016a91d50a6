"""The library's upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField

from marketplace.documents.services import KIND_LABELS
from marketplace.forms import BoundedForm, options


class UploadForm(BoundedForm):
    kind = SelectField(_l("What it is"), validate_choice=False, choices=lambda: options(list(KIND_LABELS.items())))
    file = FileField(_l("File"), description=_l("PDF, PNG, JPEG, Word, Excel or PowerPoint (.docx, .xlsx, .pptx), up to 10 MB."))


class DeleteForm(BoundedForm):
    pass
