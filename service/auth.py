"""Who is asking: an API token (``Authorization: Bearer ...``) or a web session, their role and their dossiers.

Every endpoint of the API and of the web pages goes through ``require``: it authenticates (401, or the
login page for a browser), checks the role (403) and puts the user on ``g.user``. A request that is
authenticated by the session cookie and changes something must also carry the CSRF token (the web forms
send it as a field, the page script as the ``X-CSRFToken`` header); a bearer token is no ambient
credential, so token requests need none.

Who may see a dossier: admins see all; others see the dossiers they created or were added to. A dossier
that a user may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select

from .models import DossierMember, User

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "web.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.session_protection = "strong"


ROLE_NAMES = {"admin": "beheerder", "officer": "behandelaar", "reviewer": "beoordelaar"}


class AuthError(Exception):
    """401 or 403, with one sentence for the caller (English for the API, ``dutch`` for the web pages)."""

    def __init__(self, code: int, message: str, dutch: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.dutch = dutch

    @property
    def for_page(self) -> str:
        return self.dutch or self.message


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def db():
    """The request's database session; a request that may change data gets a writing one."""
    if "db" not in g:
        kind = "sessions" if request.method in SAFE_METHODS else "write_sessions"
        g.db = current_app.extensions["woo_redact"][kind]()
    return g.db


def close_db(_exc=None) -> None:
    session_ = g.pop("db", None)
    if session_ is not None:
        session_.close()


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        user = db().get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or session.get("epoch") != user.session_epoch:
        return None  # a cookie from before the user's last logout
    return user


def token_user() -> User | None:
    """The user of a bearer token; raises 401 for a header that is present but wrong."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthError(401, "A valid API token is needed (Authorization: Bearer ...).")
    user = db().scalar(select(User).where(User.token_hash == User.hash_token(token)))
    if user is None:
        raise AuthError(401, "The API token is not valid.")
    return user


def authenticate() -> User:
    """The caller: by bearer token, else by web session (then CSRF is checked on changes); 401 if neither."""
    user = token_user()
    if user is None:
        if not current_user.is_authenticated:
            raise AuthError(401, "A valid API token is needed (Authorization: Bearer ...).")
        user = current_user._get_current_object()
        if request.method not in SAFE_METHODS:
            csrf.protect()
    return user


def require(*roles: str):
    """Decorator: authenticate, then check that the user's role is one of ``roles`` (any role if none)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = authenticate()
            if roles and user.role not in roles:
                raise AuthError(403, f"Your role ({user.role}) does not allow this; it needs {' or '.join(roles)}.",
                                f"Uw rol ({ROLE_NAMES.get(user.role, user.role)}) staat dit niet toe; daarvoor "
                                f"is nodig: {' of '.join(ROLE_NAMES.get(r, r) for r in roles)}.")
            g.user = user
            return view(*args, **kwargs)

        return wrapper

    return decorator


def may_see(user: User, dossier_id: int) -> bool:
    if user.role == "admin":
        return True
    return db().get(DossierMember, (dossier_id, user.id)) is not None


def visible_dossier_ids(user: User):
    """A select of the dossier ids ``user`` may see (None for an admin: all)."""
    if user.role == "admin":
        return None
    return select(DossierMember.dossier_id).where(DossierMember.user_id == user.id)


def log_in(user: User) -> None:
    """A new session for ``user``: whatever the browser carried before is dropped (no session fixation)."""
    session.clear()
    login_user(user)
    session["epoch"] = user.session_epoch
    session.permanent = True


def log_out() -> None:
    """End the session here and every copy of it: the user's older session cookies stop working."""
    if current_user.is_authenticated:
        user = db().get(User, current_user.id)
        user.session_epoch = (user.session_epoch or 0) + 1
        db().commit()
    logout_user()
    session.clear()


def safe_next(target: str | None) -> str:
    """Only a path on this site is followed after login (no open redirect)."""
    if not target:
        return url_for("web.dossiers")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("web.dossiers")
    return target


def init_app(app) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    app.teardown_appcontext(close_db)

    @login_manager.unauthorized_handler
    def _unauthorized():
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        from .api import error_response

        if request.path.startswith("/api/"):
            return error_response(400, "The CSRF token is missing or not valid; reload the page and try again.")
        return render_template("error.html", code=400,
                               message="Het formulier is verlopen of ongeldig (CSRF-controle); laad de pagina opnieuw."), 400
