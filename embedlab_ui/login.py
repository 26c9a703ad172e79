"""Optional login: with an ``[auth]`` section in Streamlit's secrets, visitors log in (``st.login``, OIDC).

Without ``[auth]`` nothing here asks for anything: a visitor's workspace is the capability
name in their link (``embedlab_ui.session``). With it, the workspace follows the identity the
provider vouches for — its issuer and subject (``iss``, ``sub``), hashed into a workspace name —
so a link cannot open anyone else's runs, and instructors are the e-mail addresses a setting
lists (``EMBEDLAB_INSTRUCTORS``, or ``instructors`` under ``[embedlab]`` in the secrets).

This module never imports ``embedlab_ui.session`` (session asks it which workspace an identity
owns), so names are shown with ``st.text``, which renders no Markdown at all.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

import streamlit as st

INSTRUCTORS_ENV = "EMBEDLAB_INSTRUCTORS"
IDENTITY_WORKSPACE_PREFIX = "id-"  # fresh capability names are letters and digits only: the two never meet
_URL_PATH = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a page's address, as app.py's pages have them
_IDENTITY_HASH_CHARS = 40  # 160 bits of sha256: no two identities share a workspace by chance


@dataclass(frozen=True)
class Identity:
    """Who the OIDC provider says a visitor is: ``issuer`` and ``subject`` together name one person."""

    issuer: str
    subject: str
    email: str | None = None
    email_verified: bool | None = None
    name: str | None = None

    @property
    def workspace(self) -> str:
        """This identity's workspace name (see ``identity_workspace_name``)."""
        return identity_workspace_name(self.issuer, self.subject)

    @property
    def shown_name(self) -> str:
        """What the sidebar calls this visitor: their name, else their e-mail, else their subject."""
        return self.name or self.email or self.subject


def identity_workspace_name(issuer: str, subject: str) -> str:
    """The workspace of the person ``subject`` at ``issuer``: stable across logins, browsers and servers.

    OIDC promises that the pair (issuer, subject) names one account for good, while an e-mail
    address or a display name can change hands. The two are hashed, not written out, so a
    workspace folder does not carry an account id, and a newline between them keeps
    ("a", "bc") apart from ("ab", "c").

    >>> identity_workspace_name("https://accounts.google.com", "1234")[:3]
    'id-'
    """
    if not issuer or not subject:
        raise ValueError("an identity needs both an issuer and a subject")
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return IDENTITY_WORKSPACE_PREFIX + digest[:_IDENTITY_HASH_CHARS]


def identity_from_claims(claims: Mapping[str, object]) -> Identity | None:
    """The identity in an ID token's claims (``st.user``), or None when it names no one (no ``iss`` or ``sub``)."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
        return None
    email, name, verified = claims.get("email"), claims.get("name"), claims.get("email_verified")
    return Identity(issuer=issuer, subject=subject,
                    email=email if isinstance(email, str) and email else None,
                    email_verified=verified if isinstance(verified, bool) else None,
                    name=name if isinstance(name, str) and name else None)


def parse_instructors(env_value: str | None, listed: Iterable[object] | str | None = None) -> frozenset[str]:
    """The instructors' e-mail addresses, lower-cased, from the comma-separated variable and the secrets' list.

    Both places count (a deployment may keep the list in its secrets and add a guest by
    variable); blanks are dropped, so a trailing comma adds no one. A single string in the
    secrets is read as a comma-separated list too.

    >>> sorted(parse_instructors("Ada@School.org, ", ["bob@school.org"]))
    ['ada@school.org', 'bob@school.org']
    """
    words: list[str] = (env_value or "").split(",")
    if isinstance(listed, str):
        words += listed.split(",")
    elif listed is not None:
        words += [str(word) for word in listed]
    return frozenset(word.strip().lower() for word in words if word.strip())


def is_instructor_identity(identity: Identity | None, instructors: frozenset[str]) -> bool:
    """True when ``identity``'s e-mail is listed, and its provider did not say the address is unverified.

    Providers that verify addresses say so (``email_verified``); one that says ``False`` lets
    anybody type any address, so that address proves nothing. Providers that never send the
    claim (some vouch for every address they issue) are taken at their word.
    """
    if identity is None or identity.email is None or identity.email_verified is False:
        return False
    return identity.email.strip().lower() in instructors


def _secrets_section(name: str) -> Mapping[str, object] | None:
    """A section of Streamlit's secrets, or None when there are no secrets or no such section."""
    if not st.secrets.load_if_toml_exists() or name not in st.secrets:
        return None
    section = st.secrets[name]
    return section if isinstance(section, Mapping) else None


def login_enabled() -> bool:
    """True when the secrets have an ``[auth]`` section: every visitor logs in."""
    return _secrets_section("auth") is not None


def signed_in_identity() -> Identity | None:
    """The logged-in visitor's identity, or None (login off, not logged in, or a token naming no one)."""
    if not login_enabled() or not st.user.is_logged_in:
        return None
    return identity_from_claims(st.user.to_dict())


def instructors() -> frozenset[str]:
    """The instructors' addresses: ``EMBEDLAB_INSTRUCTORS`` and the secrets' ``[embedlab] instructors``."""
    section = _secrets_section("embedlab") or {}
    return parse_instructors(os.environ.get(INSTRUCTORS_ENV), section.get("instructors"))


def is_instructor() -> bool:
    """True when login is on and the logged-in visitor is a listed instructor (False when login is off)."""
    return is_instructor_identity(signed_in_identity(), instructors())


def may_start_class() -> bool:
    """Whether this visitor may start a class: anyone without login (as before), only instructors with it."""
    return not login_enabled() or is_instructor()


def start_class_refusal() -> str | None:
    """Why this visitor may not start a class (login on, not a listed instructor), or None when they may."""
    if may_start_class():
        return None
    identity = signed_in_identity()
    who = identity.email or identity.shown_name if identity else "nobody"
    return (f"Only the instructors this server lists may start a class, and you are logged in as {who}, which is "
            f"not one of them. Ask the person who runs EmbedLab to add your address to {INSTRUCTORS_ENV} (or to "
            "instructors under [embedlab] in its secrets); to take part in a class, join it with its code.")


_LINK_IGNORED_KEY = "login.link_ignored"  # st.session_state: the visitor's link named a workspace we did not open


def identity_workspace(link_param: str) -> str | None:
    """The logged-in visitor's workspace; None when login is off. With login on, stops for a visitor not logged in.

    ``embedlab_ui.session.workspace`` asks this first, so with login on no page can reach a
    workspace (nor list runs) before its visitor has logged in, whatever the page's address says.
    A workspace named in the address (``?<link_param>=…``, a link from the days without login,
    or someone else's) is not opened: it is dropped from the address, and the visitor told once.
    """
    if not login_enabled():
        return None
    identity = signed_in_identity()
    if identity is None:
        st.navigation(_login_pages(), position="hidden").run()
        st.stop()
    if link_param in st.query_params:
        if st.query_params[link_param] != identity.workspace:  # their own (a view link they copied): nothing to say
            st.session_state[_LINK_IGNORED_KEY] = True
        del st.query_params[link_param]
    if st.session_state.pop(_LINK_IGNORED_KEY, False):
        st.info("You are logged in, so your runs follow your login: the workspace named in the link you opened "
                "was not opened.", icon=":material/badge:")
    return identity.workspace


def _login_pages() -> list:
    """The login screen as the app's only page, also at the address the visitor asked for (/train …).

    The sidebar then lists no page, and a deep link shows the login screen instead of Streamlit's
    "page not found" dialog, which would cover the Log in button.
    """
    path = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    # The default page answers "/" only, so the address asked for gets a twin; two pages may not share a path.
    pages = [st.Page(login_screen, title="Log in", url_path="log-in" if path == "login" else "login", default=True)]
    if _URL_PATH.fullmatch(path):
        pages.append(st.Page(login_screen, title="Log in", url_path=path, visibility="hidden"))
    return pages


_PROVIDER_KEYS = frozenset({"client_id", "client_secret", "server_metadata_url"})  # as Streamlit tells a provider


def auth_providers(auth: Mapping[str, object]) -> list[str | None]:
    """The providers ``[auth]`` offers: None for one set in ``[auth]`` itself, then each named one (``[auth.google]``).

    A sub-section counts as a provider when it has a provider's settings (``client_kwargs`` is
    not one: it tunes the provider above it).

    >>> auth_providers({"client_id": "x", "google": {"client_id": "y"}, "client_kwargs": {"prompt": "login"}})
    [None, 'google']
    """
    named = [name for name, value in auth.items() if isinstance(value, Mapping) and _PROVIDER_KEYS & set(value)]
    return ([None] if _PROVIDER_KEYS & set(auth) or not named else []) + named


def auth_problem(auth: Mapping[str, object]) -> str | None:
    """What keeps ``[auth]`` from working, said for the person who runs the server; None when nothing does."""
    missing = [key for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    for provider in auth_providers(auth):
        settings = auth if provider is None else auth[provider]
        where = "[auth]" if provider is None else f"[auth.{provider}]"
        missing += [f"{key} (in {where})" for key in sorted(_PROVIDER_KEYS) if not settings.get(key)]
    if not missing:
        return None
    return (f"Login is switched on (the secrets have an [auth] section) but it lacks {', '.join(missing)}, so nobody "
            "can log in. Add them to .streamlit/secrets.toml (see the README's 'Logging in'), or remove [auth] to "
            "run without login.")


def login_screen() -> None:
    """What a visitor who is not logged in sees: what logging in is for, and one button per provider."""
    st.title("EmbedLab")
    if st.user.is_logged_in:  # logged in, but the provider's token names no one: say so, offer a way out
        st.error("Your login did not say who you are (the provider sent no issuer or subject), so EmbedLab cannot "
                 "keep your runs under it. Log out and try again, or ask the person who runs this server.",
                 icon=":material/person_off:")
        st.button("Log out", key="login.logout_unknown", on_click=st.logout)
        return
    st.markdown("This EmbedLab server asks you to **log in**. Your trainings and runs are kept under your login, "
                "so only you see them, from any browser.")
    auth = _secrets_section("auth") or {}
    problem = auth_problem(auth)
    if problem is not None:
        st.error(problem, icon=":material/settings:")
        return
    if st.query_params:  # a class's join link, a shared view …: Streamlit's login returns to the first page
        st.caption("Logging in brings you to EmbedLab's first page: open the link you came with again afterwards.")
    for provider in auth_providers(auth):
        if provider is None:
            st.button("Log in", key="login.login", type="primary", icon=":material/login:", on_click=st.login)
        else:
            st.button(f"Log in with {provider}", key=f"login.login.{provider}", icon=":material/login:",
                      on_click=st.login, args=(provider,))


def login_sidebar() -> None:
    """With login on: who is logged in, and a Log out button, in the sidebar. Without login: nothing."""
    identity = signed_in_identity()
    if identity is None:
        return
    with st.sidebar:
        st.text(f"Logged in as {identity.shown_name}" + (" (instructor)" if is_instructor() else ""))
        st.button("Log out", key="login.logout", icon=":material/logout:", on_click=st.logout)
