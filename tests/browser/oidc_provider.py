"""A real OpenID Connect provider on loopback (``oidc-provider-mock``), and the secrets that point EmbedLab at it.

The provider runs in a thread of the test process and signs real ID tokens; its login form
has one button per predefined user, so a browser logs in as "ada" or "bob" with one click.
The app server reads its own ``secrets.toml`` from a temporary folder, named by
``STREAMLIT_SECRETS_FILES`` (Streamlit's ``secrets.files`` option as an environment
variable), so the repository's ``.streamlit/`` folder is never written.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import werkzeug.serving

SECRETS_FILES_ENV = "STREAMLIT_SECRETS_FILES"


@contextmanager
def oidc_provider(users: dict[str, dict[str, object]]) -> Iterator[str]:
    """Run the provider on a free loopback port while the context lasts; yields its issuer URL.

    ``users`` maps each subject to its claims (``email``, ``name`` …), offered on the login form.
    """
    import oidc_provider_mock

    app = oidc_provider_mock.app(user_claims=[oidc_provider_mock.User(sub=subject, claims=claims)
                                              for subject, claims in users.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def write_auth_secrets(folder: Path, issuer: str, app_port: int, instructors: list[str]) -> Path:
    """A ``secrets.toml`` with an ``[auth]`` section for ``issuer`` and an app on ``app_port``; returns its path."""
    path = folder / "secrets.toml"
    listed = ", ".join(f'"{address}"' for address in instructors)
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "embedlab-tests"\n'
        'client_secret = "any secret: the mock provider takes every client"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        "\n[embedlab]\n"
        f"instructors = [{listed}]\n")
    return path
