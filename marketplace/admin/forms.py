"""Forms of the operator pages and of moderation (the owner's request for a review too)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.admin.models import NOTE_MAX
from marketplace.forms import BoundedForm, options
from marketplace.organizations.kinds import VERIFICATION_LABELS

# Lengths and required texts are the services' rules (one definition); the forms add the
# browser's maxlength and, through BoundedForm, refuse control characters.
REASON_MAX = 500


class DecisionForm(BoundedForm):
    status = SelectField(_l("Status"), choices=options(list(VERIFICATION_LABELS.items())))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=REASON_MAX)],
                           render_kw={"maxlength": REASON_MAX})


class KeepHiddenForm(BoundedForm):
    """A moderator keeps a posting hidden after a review: the new reason the owner is told."""

    reason = TextAreaField(_l("New reason"), render_kw={"maxlength": REASON_MAX, "rows": 2})


class ReviewRequestForm(BoundedForm):
    """An owner sends a hidden posting back for review, with an optional note."""

    note = TextAreaField(_l("Note for the moderator (optional)"), render_kw={"maxlength": NOTE_MAX})
