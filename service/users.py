"""Creating users and their API tokens (``woo-redact users add``)."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from .models import ROLES, User


class UserExists(ValueError):
    pass


def add_user(app, name: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a user; return it with its API token (shown once, only its hash is stored)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}.")
    name = name.strip()
    if not name:
        raise ValueError("a user needs a name.")
    token = secrets.token_urlsafe(32)
    with app.extensions["woo_redact"]["sessions"]() as session:
        if session.scalar(select(User).where(User.name == name)) is not None:
            raise UserExists(f"a user named {name!r} exists already.")
        user = User(name=name, role=role, token_hash=User.hash_token(token))
        if password:
            user.set_password(password)
        session.add(user)
        session.commit()
        return user, token
