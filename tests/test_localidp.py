"""The local OIDC issuer, token minting and the STS-side checks of eks_irsa.proof.localidp, over real HTTP on 127.0.0.1.

What these tests cannot prove: that AWS STS runs its checks in this order or words its errors this
way beyond the documented error codes, nor its clock-skew allowance (AWS does not publish it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.evaluate import Cause
from eks_irsa.iam.trust import Subject, render_trust_policy
from eks_irsa.proof.localidp import (
    Check,
    LocalIssuer,
    LoopbackFetcher,
    OidcProvider,
    SigningKey,
    StsCode,
    WebIdentityVerifier,
    service_account_claims,
    sign_token,
    unsigned_token,
)

ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/0TESTCLUSTER0000000000000000000"
HOST_PATH = ISSUER.removeprefix("https://")
ACCOUNT = "111122223333"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST_PATH}"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/acme-dev-orders-orders-api"
ORDERS = Subject("orders", "orders-api")
TRUST = render_trust_policy(PROVIDER_ARN, HOST_PATH, [ORDERS])


@pytest.fixture(scope="module")
def issuer():
    with LocalIssuer(ISSUER) as running:
        yield running


@pytest.fixture
def verifier(issuer):
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("sts.amazonaws.com",))
    return WebIdentityVerifier([provider], LoopbackFetcher(dict([issuer.pin])))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _get(url: str) -> tuple[int, object]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


# --- minting -------------------------------------------------------------------------------------------------


def test_minted_token_has_the_kubernetes_projected_token_shape(issuer):
    token = issuer.mint("orders", "orders-api", now=1_700_000_000, lifetime=600, pod="orders-api-7d4b9")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header == {"alg": "RS256", "kid": issuer.signing_key.kid, "typ": "JWT"}
    assert claims["iss"] == ISSUER
    assert claims["sub"] == "system:serviceaccount:orders:orders-api"
    assert claims["aud"] == ["sts.amazonaws.com"]
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (1_700_000_000, 1_700_000_000, 1_700_000_600)
    k8s = claims["kubernetes.io"]
    assert k8s["namespace"] == "orders"
    assert k8s["serviceaccount"]["name"] == "orders-api"
    assert k8s["pod"]["name"] == "orders-api-7d4b9"
    assert len({k8s["serviceaccount"]["uid"], k8s["pod"]["uid"]}) == 2


def test_service_account_uid_is_stable_and_jti_is_not():
    first = service_account_claims(ISSUER, ORDERS, now=0)
    second = service_account_claims(ISSUER, ORDERS, now=0)
    other = service_account_claims(ISSUER, Subject("orders", "default"), now=0)
    uid = first["kubernetes.io"]["serviceaccount"]["uid"]
    assert uid == second["kubernetes.io"]["serviceaccount"]["uid"]
    assert uid != other["kubernetes.io"]["serviceaccount"]["uid"]
    assert first["jti"] != second["jti"]
    assert "pod" not in first["kubernetes.io"]


def test_kid_is_the_sha256_of_the_public_key_as_kubernetes_derives_it():
    key = SigningKey.generate()
    der = key.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert key.kid == _b64(hashlib.sha256(der).digest())
    assert len(key.kid) == 43


def test_unsigned_token_has_alg_none_and_an_empty_signature():
    token = unsigned_token(service_account_claims(ISSUER, ORDERS), kid="k1")
    assert jwt.get_unverified_header(token)["alg"] == "none"
    assert token.endswith(".")


def test_issuer_must_be_https():
    with pytest.raises(IrsaConfigError) as error:
        LocalIssuer("http://oidc.example/id/ABC")
    assert error.value.problems[0].field == "issuer"


# --- the issuer over HTTP ------------------------------------------------------------------------------------


def test_discovery_and_jwks_are_served_on_loopback_under_the_issuer_path(issuer):
    assert issuer.base_url.startswith("http://127.0.0.1:")
    status, document = _get(issuer.base_url + "/id/0TESTCLUSTER0000000000000000000/.well-known/openid-configuration")
    assert status == 200
    assert document["issuer"] == ISSUER
    assert document["jwks_uri"] == ISSUER + "/keys"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    status, jwks = _get(issuer.base_url + "/id/0TESTCLUSTER0000000000000000000/keys")
    assert status == 200
    assert [k["kid"] for k in jwks["keys"]] == [issuer.signing_key.kid]
    assert "d" not in jwks["keys"][0]  # no private part
    # The served JWK verifies a minted token, read by PyJWT alone.
    public = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(issuer.mint("orders", "orders-api"), public, algorithms=["RS256"], audience="sts.amazonaws.com")
    assert claims["sub"] == "system:serviceaccount:orders:orders-api"


def test_other_paths_are_404(issuer):
    assert _get(issuer.base_url + "/.well-known/openid-configuration")[0] == 404
    assert _get(issuer.base_url + "/id/OTHER/keys")[0] == 404


def test_fetcher_maps_pinned_origins_and_refuses_anything_off_loopback(issuer):
    fetcher = LoopbackFetcher(dict([issuer.pin]))
    assert fetcher.resolve(ISSUER + "/keys") == issuer.base_url + "/id/0TESTCLUSTER0000000000000000000/keys"
    for url in ("https://oidc.eks.eu-west-1.amazonaws.com/id/X/keys", "http://203.0.113.7/keys", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="loopback"):
            fetcher.resolve(url)


# --- the STS side ------------------------------------------------------------------------------------------


def test_a_valid_token_passes_after_fetching_discovery_and_keys(issuer, verifier):
    before = len(issuer.requests)
    decision = verifier.decide(issuer.mint("orders", "orders-api"), ROLE_ARN, TRUST)
    assert decision.allowed, decision.reason
    assert decision.check is Check.PASSED
    assert decision.code is None
    assert decision.claims["sub"] == "system:serviceaccount:orders:orders-api"
    assert decision.provider.arn == PROVIDER_ARN
    fetched = issuer.requests[before:]
    assert fetched == [
        "/id/0TESTCLUSTER0000000000000000000/.well-known/openid-configuration",
        "/id/0TESTCLUSTER0000000000000000000/keys",
    ]


def _hs256(claims: dict, kid: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "kid": kid, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(b"any-shared-secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _reject_cases():
    now = time.time()
    foreign = SigningKey.generate()

    def claims(**kwargs):
        return service_account_claims(
            kwargs.pop("iss", ISSUER), ORDERS, kwargs.pop("aud", ["sts.amazonaws.com"]), **kwargs
        )

    return [
        ("wrong key, its own kid", lambda i: sign_token(claims(), foreign), Check.KEY_ID, "InvalidIdentityToken"),
        (
            "wrong key, the issuer's kid",
            lambda i: sign_token(claims(), foreign, kid=i.signing_key.kid),
            Check.SIGNATURE,
            "InvalidIdentityToken",
        ),
        (
            "alg none",
            lambda i: unsigned_token(claims(), kid=i.signing_key.kid),
            Check.ALGORITHM,
            "InvalidIdentityToken",
        ),
        ("alg HS256", lambda i: _hs256(claims(), i.signing_key.kid), Check.ALGORITHM, "InvalidIdentityToken"),
        (
            "wrong iss",
            lambda i: sign_token(claims(iss="https://oidc.eks.us-west-2.amazonaws.com/id/0OTHER"), i.signing_key),
            Check.PROVIDER,
            "InvalidIdentityToken",
        ),
        (
            "wrong aud",
            lambda i: sign_token(claims(aud=["https://kubernetes.default.svc"]), i.signing_key),
            Check.AUDIENCE,
            "InvalidIdentityToken",
        ),
        ("expired", lambda i: sign_token(claims(now=now - 7200), i.signing_key), Check.EXPIRY, "ExpiredTokenException"),
        (
            "nbf in the future",
            lambda i: sign_token(claims(now=now, not_before=now + 3600), i.signing_key),
            Check.NOT_BEFORE,
            "InvalidIdentityToken",
        ),
        (
            "iat in the future",
            lambda i: sign_token(claims(now=now + 3600), i.signing_key),
            Check.NOT_BEFORE,
            "InvalidIdentityToken",
        ),
        (
            "no sub",
            lambda i: sign_token({k: v for k, v in claims().items() if k != "sub"}, i.signing_key),
            Check.CLAIMS,
            "InvalidIdentityToken",
        ),
        ("not a JWT", lambda i: "not-a-jwt", Check.TOKEN_FORMAT, "InvalidIdentityToken"),
        (
            "another service account",
            lambda i: i.mint("orders", "default"),
            Check.TRUST_POLICY,
            "AccessDenied",
        ),
    ]


@pytest.mark.parametrize(("name", "make", "check", "code"), _reject_cases(), ids=[c[0] for c in _reject_cases()])
def test_each_bad_token_is_rejected_by_the_right_check(issuer, verifier, name, make, check, code):
    decision = verifier.decide(make(issuer), ROLE_ARN, TRUST)
    assert not decision.allowed
    assert decision.check is check, decision.reason
    assert decision.code == StsCode(code)


def test_signature_failures_never_reach_the_trust_policy(issuer, verifier):
    forged = sign_token(service_account_claims(ISSUER, ORDERS), SigningKey.generate(), kid=issuer.signing_key.kid)
    decision = verifier.decide(forged, ROLE_ARN, TRUST)
    assert decision.trust is None
    assert decision.claims is None


def test_a_trust_denial_says_which_claim_is_wrong(issuer, verifier):
    decision = verifier.decide(issuer.mint("orders", "default"), ROLE_ARN, TRUST)
    assert decision.trust is not None
    assert Cause.WRONG_SUBJECT in decision.trust.causes
    assert "system:serviceaccount:orders:default" in decision.reason


def test_the_provider_must_be_in_the_roles_account(issuer, verifier):
    other_account_role = "arn:aws:iam::444455556666:role/acme-dev-orders-orders-api"
    decision = verifier.decide(issuer.mint("orders", "orders-api"), other_account_role, TRUST)
    assert decision.check is Check.PROVIDER
    assert "444455556666" in decision.reason


def test_audience_must_be_a_client_id_of_the_provider_even_if_the_trust_policy_agrees(issuer):
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("vault",))
    verifier = WebIdentityVerifier([provider], LoopbackFetcher(dict([issuer.pin])))
    decision = verifier.decide(issuer.mint("orders", "orders-api"), ROLE_ARN, TRUST)
    assert decision.check is Check.AUDIENCE


def test_leeway_admits_a_token_just_past_exp(issuer):
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("sts.amazonaws.com",))
    token = issuer.mint("orders", "orders-api", now=time.time() - 3630, lifetime=3600)  # expired 30 s ago
    strict = WebIdentityVerifier([provider], LoopbackFetcher(dict([issuer.pin])))
    lenient = WebIdentityVerifier([provider], LoopbackFetcher(dict([issuer.pin])), leeway=300)
    assert strict.decide(token, ROLE_ARN, TRUST).check is Check.EXPIRY
    assert lenient.decide(token, ROLE_ARN, TRUST).allowed


def test_an_unreachable_issuer_is_an_idp_communication_error():
    stopped = LocalIssuer(ISSUER).start()
    pin = stopped.pin
    token = stopped.mint("orders", "orders-api")
    stopped.stop()
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("sts.amazonaws.com",))
    decision = WebIdentityVerifier([provider], LoopbackFetcher(dict([pin]))).decide(token, ROLE_ARN, TRUST)
    assert decision.check is Check.DISCOVERY
    assert decision.code is StsCode.IDP_COMMUNICATION_ERROR


def test_an_unpinned_issuer_is_never_fetched(issuer):
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("sts.amazonaws.com",))
    before = len(issuer.requests)
    decision = WebIdentityVerifier([provider], LoopbackFetcher({})).decide(
        issuer.mint("orders", "orders-api"), ROLE_ARN, TRUST
    )
    assert decision.check is Check.DISCOVERY
    assert "loopback" in decision.reason
    assert len(issuer.requests) == before


class _FakeFetcher:
    def __init__(self, documents: dict) -> None:
        self.documents = documents

    def get_json(self, url: str) -> object:
        return self.documents[url]


def test_a_discovery_document_for_another_issuer_is_refused(issuer):
    provider = OidcProvider(PROVIDER_ARN, HOST_PATH, ("sts.amazonaws.com",))
    fetcher = _FakeFetcher(
        {ISSUER + "/.well-known/openid-configuration": {"issuer": "https://evil.example", "jwks_uri": "x"}}
    )
    decision = WebIdentityVerifier([provider], fetcher).decide(issuer.mint("orders", "orders-api"), ROLE_ARN, TRUST)
    assert decision.check is Check.DISCOVERY
    assert not decision.allowed


def test_a_trust_policy_the_evaluator_cannot_read_denies(issuer, verifier):
    unreadable = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Foo": 1}],
    }
    decision = verifier.decide(issuer.mint("orders", "orders-api"), ROLE_ARN, unreadable)
    assert not decision.allowed
    assert decision.check is Check.TRUST_POLICY


def test_provider_url_is_stored_without_scheme():
    provider = OidcProvider(PROVIDER_ARN, ISSUER + "/", ["sts.amazonaws.com"])
    assert provider.url == HOST_PATH
    assert provider.issuer == ISSUER
    assert provider.account == ACCOUNT
    assert provider.client_ids == ("sts.amazonaws.com",)
