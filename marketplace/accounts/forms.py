"""Account forms. Rules that need the database live in ``services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from marketplace.forms import BoundedForm, options
from marketplace.organizations.kinds import KIND_LABELS, SIGNUP_KINDS


class SignupForm(BoundedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    organization_name = StringField(
        _l("Organization name"), validators=[DataRequired(), Length(max=200)]
    )
    kind = SelectField(
        _l("Organization kind"),
        choices=options([(k, KIND_LABELS[k]) for k in SIGNUP_KINDS]),
        validators=[DataRequired()],
    )

    def for_invitation(self) -> None:
        """Joining by invitation: the organization exists, so its fields are not asked for."""
        del self.organization_name
        del self.kind


class LoginForm(BoundedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Stay logged in"))


class ForgotPasswordForm(BoundedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(BoundedForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ChangePasswordForm(BoundedForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=8, max=128)]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
    )
    revoke_tokens = BooleanField(
        _l("Also revoke my API tokens"),
        default=True,
        description=_l("Programs that use them stop working until you give them new tokens."),
    )


class ConfirmSignupForm(BoundedForm):
    """The button of the sign-up confirmation page (only its CSRF token)."""


class AccountForm(BoundedForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    locale = SelectField(_l("Language"), choices=options([("zh", "中文"), ("en", "English")]))
