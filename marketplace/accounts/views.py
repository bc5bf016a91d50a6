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
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import services, sessions, signups, tokens
from marketplace.accounts.forms import (
    AccountForm,
    ChangePasswordForm,
    ConfirmSignupForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from marketplace.accounts.models import ApiToken, UserSession
from marketplace.errors import (
    Conflict,
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
    """A fresh session at login: a new server-side session (this browser's previous one ends),
    and nothing from the old cookie survives except the language choice. The caller commits."""
    lang = session.get("lang")
    if current_user.is_authenticated:
        sessions.end_current(db.session, current_user._get_current_object())
    session.clear()
    if lang:
        session["lang"] = lang
    sessions.start(db.session, user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)


def _end_session() -> None:
    """Forget the signed-in user in this browser (the session cookie and the remember cookie),
    keeping the language choice."""
    lang = session.get("lang")
    logout_user()
    # Flask-Login deletes the remember cookie after the request when this mark is left in.
    remember = session.get("_remember")
    session.clear()
    if lang:
        session["lang"] = lang
    if remember:
        session["_remember"] = remember


def _signup_links() -> signups.SignupLinks:
    return signups.SignupLinks(
        confirm=lambda token: url_for("accounts.confirm_signup", token=token, _external=True),
        login=url_for("accounts.login", _external=True),
        forgot_password=url_for("accounts.forgot_password", _external=True),
    )


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup() -> ResponseReturnValue:
    """Sign up with a new organization (confirmed by e-mail), or (``?invitation=TOKEN``) join an
    existing one at once: the invitation e-mail already proved the address."""
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
        fields = {
            "email": form.email.data or "",
            "password": form.password.data or "",
            "display_name": form.display_name.data or "",
        }
        try:
            if invitation:
                user = services.create_user(db.session, **fields)
                organizations.accept_invitation(db.session, token, user)
            else:
                signups.request_signup(
                    db.session,
                    **fields,
                    organization_name=form.organization_name.data or "",
                    kind=form.kind.data or "",
                    links=_signup_links(),
                )
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc.fields or {"email": [exc.message]})
        else:
            if invitation is None:
                db.session.commit()
                deliver_after_commit()
                # The same page whether or not the address has an account.
                return render_template(
                    "accounts/signup_sent.html",
                    email=services.normalize_email(fields["email"]),
                    mail_to_log=not current_app.config.get("SMTP_HOST"),
                )
            _start_session(user)
            db.session.commit()
            flash(_("Welcome! You have joined %(org)s.", org=invitation.organization.name), "success")
            return redirect(url_for("organizations.profile", org_id=invitation.organization_id))
    return render_template("accounts/signup.html", form=form, invitation=invitation)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str) -> ResponseReturnValue:
    """The link of the confirmation e-mail: GET shows a button (mail scanners fetch links), POST
    creates the account and its organization and logs in."""
    try:
        pending = signups.request_for_token(db.session, token)
    except InvalidToken as exc:
        return render_template("accounts/signup_confirm.html", problem=exc.message), exc.status
    form = ConfirmSignupForm()
    if form.validate_on_submit():
        try:
            user = signups.confirm_signup(db.session, token)
            _start_session(user)
            db.session.commit()
        except (Conflict, IntegrityError) as exc:  # the address got an account meanwhile
            db.session.rollback()
            problem = exc.message if isinstance(exc, Conflict) else signups.already_registered()
            return render_template("accounts/signup_confirm.html", problem=problem, registered=True), 409
        flash(_("Welcome! Complete your organization's profile."), "success")
        return redirect(url_for("organizations.edit", org_id=user.memberships[0].organization_id))
    return render_template("accounts/signup_confirm.html", form=form, pending=pending)


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
            _start_session(user, remember=bool(form.remember.data))
            db.session.commit()
            return redirect(_safe_next(url_for("main.index")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session on the server too: copies of its cookies stop working."""
    if current_user.is_authenticated:
        sessions.end_current(db.session, current_user._get_current_object())
        db.session.commit()
    _end_session()
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
            done = services.reset_password(
                db.session,
                user,
                form.password.data or "",
                forgot_link=url_for("accounts.forgot_password", _external=True),
            )
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.fields)
        else:
            db.session.commit()
            deliver_after_commit()
            if current_user.is_authenticated and current_user.id == user.id:
                _end_session()
            flash(
                _("Your password has been changed and every session of your account has been logged out. Please log in."),
                "success",
            )
            flash(tokens.revoked_message(done.tokens_revoked), "info")
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
        user = current_user._get_current_object()
        try:
            done = services.change_password(
                db.session,
                user,
                password_form.current_password.data or "",
                password_form.new_password.data or "",
                revoke_tokens=bool(password_form.revoke_tokens.data),
            )
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(password_form, exc.fields)
        else:
            # This session continues under a new key.
            _start_session(user, remember=bool(user.current_session and user.current_session.remember))
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions have been logged out."), "success")
            if password_form.revoke_tokens.data:
                flash(tokens.revoked_message(done.tokens_revoked), "info")
            else:
                flash(_("Your API tokens still work."), "info")
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


# --- sessions -----------------------------------------------------------------------------------


@bp.app_template_global("account_sessions")
def _account_sessions() -> list[UserSession]:
    """The signed-in user's live sessions (the account page lists them)."""
    if not current_user.is_authenticated:
        return []
    return sessions.active(db.session, current_user)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int) -> ResponseReturnValue:
    """End one of the user's sessions (404 for anyone else's); ending this one logs out."""
    user = current_user._get_current_object()
    this_one = user.current_session is not None and user.current_session.id == session_id
    try:
        sessions.end(db.session, user, session_id)
    except NotFound:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if this_one:
        _end_session()
        flash(_("You have logged out."), "info")
        return redirect(url_for("main.index"))
    flash(_("The session has been ended."), "success")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions() -> ResponseReturnValue:
    """Log out everywhere else: every session of the user but this one ends."""
    ended = sessions.end_others(db.session, current_user._get_current_object())
    db.session.commit()
    flash(_("Sessions ended on other devices: %(n)d.", n=ended), "success")
    return redirect(url_for("accounts.account") + "#sessions")
