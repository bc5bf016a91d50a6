"""Sign-up, log-in, log-out, password reset and the account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.accounts import services, tokens
from marketplace.accounts.forms import (
    AccountForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from marketplace.accounts.models import ApiToken
from marketplace.errors import (
    DomainError,
    InvalidCredentials,
    InvalidToken,
    NotFound,
    ValidationFailed,
)
from marketplace.extensions import db, limiter
from marketplace.forms import attach_errors
from marketplace.mail.services import deliver_after_commit
from marketplace.organizations import services as organizations
from marketplace.redirects import local_target

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _safe_next(default: str) -> str:
    return local_target(request.args.get("next"), default)


def _start_session(user: services.User, remember: bool = False) -> None:
    """A fresh session at login: nothing from before survives except the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    """Sign up with a new organization, or (``?invitation=TOKEN``) to join an existing one."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    invitation = None
    token = request.args.get("invitation", "")
    if token:
        try:
            invitation = organizations.invitation_for_token(db.session, token)
        except InvalidToken as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("accounts.signup"))
    form = SignupForm(email=invitation.email if invitation else None)
    if invitation:
        form.for_invitation()
    if form.validate_on_submit():
        try:
            fields = {
                "email": form.email.data or "",
                "password": form.password.data or "",
                "display_name": form.display_name.data or "",
            }
            if invitation:
                user = services.create_user(db.session, **fields)
                organizations.accept_invitation(db.session, token, user)
            else:
                user = services.sign_up(
                    db.session,
                    **fields,
                    organization_name=form.organization_name.data or "",
                    kind=form.kind.data or "",
                )
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc.fields or {"email": [exc.message]})
        else:
            db.session.commit()
            _start_session(user)
            organization_id = user.memberships[0].organization_id
            if invitation:
                flash(_("Welcome! You have joined %(org)s.", org=invitation.organization.name), "success")
                return redirect(url_for("organizations.profile", org_id=organization_id))
            flash(_("Welcome! Complete your organization's profile."), "success")
            return redirect(url_for("organizations.edit", org_id=organization_id))
    return render_template("accounts/signup.html", form=form, invitation=invitation)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, form.email.data or "", form.password.data or "")
        except InvalidCredentials as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            _start_session(user, remember=bool(form.remember.data))
            return redirect(_safe_next(url_for("main.index")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            db.session,
            form.email.data or "",
            secret_key=current_app.config["SECRET_KEY"],
            link_for=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        db.session.commit()
        deliver_after_commit()
        # The same answer whether or not the address is registered.
        flash(_("If this address is registered, we have sent it a link to reset the password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        user = services.user_for_reset_token(db.session, token, secret, max_age)
    except InvalidToken as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.fields)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Please log in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    form = AccountForm(obj=current_user, prefix="account")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "POST" and "account-display_name" in request.form and form.validate():
        current_user.display_name = (form.display_name.data or "").strip()
        current_user.locale = form.locale.data
        session["lang"] = form.locale.data
        db.session.commit()
        flash(_("Your account has been saved."), "success")
        return redirect(url_for("accounts.account"))
    if request.method == "POST" and "password-new_password" in request.form and password_form.validate():
        try:
            services.change_password(
                current_user, password_form.current_password.data or "", password_form.new_password.data or ""
            )
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(password_form, exc.fields)
        else:
            db.session.commit()
            # The new session nonce logged out every other session; renew this one.
            _start_session(current_user._get_current_object())
            flash(_("Your password has been changed. Your other sessions have been logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form, password_form=password_form)


# --- personal API tokens ----------------------------------------------------------------------


@bp.app_template_global("api_tokens")
def _api_tokens() -> list[ApiToken]:
    """The signed-in user's active API tokens (the account page lists them)."""
    if not current_user.is_authenticated:
        return []
    return tokens.active_tokens(db.session, current_user)


@bp.post("/account/tokens")
@login_required
def create_api_token() -> ResponseReturnValue:
    """Create a token and show it once, on the account page itself (never in a redirect)."""
    try:
        _token, plain = tokens.create(db.session, current_user, request.form.get("name", ""))
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("accounts.account") + "#api-tokens")
    db.session.commit()
    page = render_template(
        "accounts/account.html",
        form=AccountForm(obj=current_user, prefix="account", formdata=None),
        password_form=ChangePasswordForm(prefix="password", formdata=None),
        new_token=plain,
    )
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> ResponseReturnValue:
    try:
        token = tokens.revoke(db.session, current_user, token_id)
    except NotFound:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("The token %(name)s has been revoked.", name=token.name), "success")
    return redirect(url_for("accounts.account") + "#api-tokens")
