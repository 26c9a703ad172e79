"""Optional login's rules, without a server: an identity names one workspace, and who counts as an instructor.

The workspace an identity gets must be the same on every login (or the person's runs vanish),
differ for every other person (or one reads another's runs), and be a valid workspace name
that no link-made workspace can be.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedlab_ui.login import (
    Identity,
    auth_problem,
    auth_providers,
    identity_from_claims,
    identity_workspace_name,
    is_instructor_identity,
    parse_instructors,
)
from embedlab_ui.session import fresh_workspace_name, valid_workspace_name

GOOGLE = "https://accounts.google.com"
SCHOOL = "https://login.school.example"


def test_one_identity_gets_the_same_workspace_on_every_login():
    assert identity_workspace_name(GOOGLE, "1045") == identity_workspace_name(GOOGLE, "1045")


@pytest.mark.parametrize("first, second", [
    ((GOOGLE, "1045"), (GOOGLE, "1046")),  # two people at one provider
    ((GOOGLE, "1045"), (SCHOOL, "1045")),  # one subject number at two providers: two different people
    ((GOOGLE, "ab"), (GOOGLE + "a", "b")),  # the pair is not just glued together
    ((GOOGLE, "ada"), (GOOGLE, "Ada")),  # subjects are compared exactly, as OIDC says
])
def test_different_identities_get_different_workspaces(first, second):
    assert identity_workspace_name(*first) != identity_workspace_name(*second)


@given(issuer=st.text(min_size=1), subject=st.text(min_size=1))
def test_every_identity_workspace_is_a_valid_name_no_link_made_workspace_has(issuer, subject):
    name = identity_workspace_name(issuer, subject)
    assert valid_workspace_name(name) and name.startswith("id-")  # fresh link names have no "-"
    assert len(name) == len("id-") + 40  # the hash, whatever the length of the account id: it is not written out


def test_fresh_link_workspaces_never_look_like_identity_workspaces():
    assert not any(fresh_workspace_name().startswith("id-") for _ in range(200))


@pytest.mark.parametrize("issuer, subject", [("", "1045"), (GOOGLE, "")])
def test_an_identity_without_issuer_or_subject_gets_no_workspace(issuer, subject):
    with pytest.raises(ValueError, match="issuer and a subject"):
        identity_workspace_name(issuer, subject)


def test_claims_give_the_identity_and_its_contact_details():
    identity = identity_from_claims({"iss": SCHOOL, "sub": "s-17", "email": "ada@school.example",
                                     "email_verified": True, "name": "Ada", "is_logged_in": True})
    assert identity == Identity(SCHOOL, "s-17", "ada@school.example", True, "Ada")
    assert identity.workspace == identity_workspace_name(SCHOOL, "s-17")
    assert identity.shown_name == "Ada"


@pytest.mark.parametrize("claims", [
    {"sub": "s-17"},  # no issuer
    {"iss": SCHOOL},  # no subject
    {"iss": SCHOOL, "sub": ""},
    {"iss": SCHOOL, "sub": 17},  # not text
    {"is_logged_in": False},
])
def test_claims_that_name_no_one_give_no_identity(claims):
    assert identity_from_claims(claims) is None


def test_a_nameless_identity_is_shown_by_its_email_then_its_subject():
    assert identity_from_claims({"iss": SCHOOL, "sub": "s-17", "email": "ada@school.example"}).shown_name \
        == "ada@school.example"
    assert identity_from_claims({"iss": SCHOOL, "sub": "s-17"}).shown_name == "s-17"


@pytest.mark.parametrize("env_value, listed, expected", [
    (None, None, set()),
    ("", [], set()),
    ("ada@school.example", None, {"ada@school.example"}),
    (" Ada@School.Example , bob@school.example,", None, {"ada@school.example", "bob@school.example"}),
    (None, ["Cy@School.Example", " "], {"cy@school.example"}),
    ("ada@school.example", ["bob@school.example"], {"ada@school.example", "bob@school.example"}),
    (None, "ada@school.example, bob@school.example", {"ada@school.example", "bob@school.example"}),
])
def test_instructors_come_from_the_variable_and_the_secrets_list(env_value, listed, expected):
    assert parse_instructors(env_value, listed) == expected


def _person(email: str | None, verified: bool | None = None) -> Identity:
    return Identity(SCHOOL, "s-17", email, verified, None)


@pytest.mark.parametrize("identity, expected", [
    (_person("ada@school.example"), True),  # a provider that sends no email_verified is taken at its word
    (_person("ADA@school.example ", True), True),  # addresses compare without case
    (_person("ada@school.example", False), False),  # an address the provider did not verify proves nothing
    (_person("bob@school.example", True), False),
    (_person(None), False),
    (None, False),  # not logged in
])
def test_an_instructor_is_a_listed_address_the_provider_vouches_for(identity, expected):
    assert is_instructor_identity(identity, parse_instructors("ada@school.example")) is expected


ONE_PROVIDER = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s", "client_id": "c",
                "client_secret": "x", "server_metadata_url": f"{SCHOOL}/.well-known/openid-configuration"}
GOOGLE_SETTINGS = {"client_id": "g", "client_secret": "y", "server_metadata_url": f"{GOOGLE}/.well-known/x"}


@pytest.mark.parametrize("auth, providers", [
    (ONE_PROVIDER, [None]),
    ({**ONE_PROVIDER, "client_kwargs": {"prompt": "login"}}, [None]),  # tunes the provider: not one itself
    ({"redirect_uri": "r", "cookie_secret": "s", "google": GOOGLE_SETTINGS}, ["google"]),
    ({**ONE_PROVIDER, "google": GOOGLE_SETTINGS}, [None, "google"]),
    ({"redirect_uri": "r", "cookie_secret": "s"}, [None]),  # nothing set: the one provider, reported as missing
])
def test_the_login_screen_offers_each_configured_provider(auth, providers):
    assert auth_providers(auth) == providers


def test_a_complete_auth_section_has_no_problem():
    assert auth_problem(ONE_PROVIDER) is None
    assert auth_problem({"redirect_uri": "r", "cookie_secret": "s", "google": GOOGLE_SETTINGS}) is None


@pytest.mark.parametrize("auth, missing", [
    ({key: value for key, value in ONE_PROVIDER.items() if key != "cookie_secret"}, ["cookie_secret"]),
    ({key: value for key, value in ONE_PROVIDER.items() if key != "client_id"}, ["client_id (in [auth])"]),
    ({"redirect_uri": "r", "cookie_secret": "s", "google": {"client_id": "g"}},
     ["client_secret (in [auth.google])", "server_metadata_url (in [auth.google])"]),
])
def test_an_incomplete_auth_section_is_said_with_what_is_missing_and_how_to_fix_it(auth, missing):
    problem = auth_problem(auth)
    assert all(key in problem for key in missing)
    assert "nobody can log in" in problem and "secrets.toml" in problem and "remove [auth]" in problem
