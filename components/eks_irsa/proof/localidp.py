"""A local OIDC issuer and the STS side of ``AssumeRoleWithWebIdentity``, on 127.0.0.1, for offline IRSA proofs.

Three parts, each standing in for a piece of the real flow:

* :class:`LocalIssuer` plays the cluster's service-account issuer: a fresh RSA key, and the
  discovery document and JWKS served over HTTP from a thread on 127.0.0.1 (a random free port),
  at the paths EKS serves them under the issuer URL (``<issuer>/.well-known/openid-configuration``
  and ``<issuer>/keys``).
* :func:`service_account_claims` and :func:`sign_token` mint projected service-account tokens the
  way the kubelet gets them from the TokenRequest API (Kubernetes docs, 'Managing Service Accounts',
  section 'Bound service account tokens'; 'Configure Service Accounts for Pods', section
  'ServiceAccount token volume projection').
* :class:`WebIdentityVerifier` does what AWS STS does with a web identity token before it issues
  credentials (AWS STS API Reference, 'AssumeRoleWithWebIdentity'; IAM User Guide, 'Create an
  OpenID Connect (OIDC) identity provider in IAM'): find the IAM OIDC provider for the token's
  ``iss`` in the role's account, fetch the issuer's discovery document and JWKS over HTTP, verify
  the signature with PyJWT (``alg: none`` and keys outside the JWKS refused), check ``aud`` against
  the provider's client IDs and ``exp``/``nbf``/``iat``, then evaluate the role's trust policy with
  :func:`eks_irsa.iam.evaluate.evaluate_web_identity`.

The issuer *identity* is the cluster's real-looking ``https://`` URL (the one in the plan's trust
policies); only its *location* is local. :class:`LoopbackFetcher` maps the issuer's origin to the
local server, like an ``/etc/hosts`` pin, and refuses any URL that would leave the loopback
interface, so nothing here ever contacts a non-loopback address.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ..errors import IrsaConfigError
from ..iam.arn import parse_arn
from ..iam.evaluate import Decision, WebIdentityRequest, evaluate_web_identity
from ..iam.trust import DEFAULT_AUDIENCE, WEB_IDENTITY_ACTION, Subject

STS_DOCS = "AWS STS API Reference, 'AssumeRoleWithWebIdentity'"
OIDC_PROVIDER_DOCS = "IAM User Guide, 'Create an OpenID Connect (OIDC) identity provider in IAM'"
K8S_TOKEN_DOCS = "Kubernetes docs, 'Managing Service Accounts' (Bound service account tokens)"
K8S_DISCOVERY_DOCS = "Kubernetes docs, 'Managing Service Accounts' (Service account issuer discovery)"

ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
"""Signing algorithms STS accepts for a web identity token (AWS STS API Reference,
'AssumeRoleWithWebIdentity', parameter ``WebIdentityToken``). ``none`` and HMAC are refused."""

DEFAULT_TOKEN_LIFETIME = 3600
"""Seconds from ``iat`` to ``exp`` of a minted token. The kubelet asks for at least 600 s
(``expirationSeconds`` of a projected token; Kubernetes docs, 'Configure Service Accounts for Pods');
the EKS pod identity webhook asks for 86400 s."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
"""Hosts :class:`LoopbackFetcher` may connect to."""

DISCOVERY_PATH = "/.well-known/openid-configuration"
"""OpenID Connect Discovery 1.0, section 4: the discovery document under the issuer URL."""

JWKS_PATH = "/keys"
"""Where EKS serves an issuer's JWKS, under the issuer URL (``https://oidc.eks.<region>.amazonaws.com/id/<ID>/keys``)."""


# --- keys and tokens -------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """An RSA key that signs service-account tokens, with its JWKS key id.

    Attributes:
        private_key: a ``cryptography`` RSA private key.
        kid: the key id in the token header and the JWKS. Kubernetes derives it from the public key:
            base64url (no padding) of the SHA-256 of the DER-encoded SubjectPublicKeyInfo (Kubernetes
            source, ``pkg/serviceaccount/jwt.go``, ``keyIDFromPublicKey``).
    """

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls, key_size: int = 2048, kid: str | None = None) -> SigningKey:
        """A fresh RSA key (public exponent 65537).

        Args:
            key_size: bits. Default: 2048 (what kube-apiserver's ``--service-account-signing-key-file`` usually holds).
            kid: the key id. Default: derived from the public key as Kubernetes does.
        """
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
        der = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private_key, kid or _b64url(hashlib.sha256(der).digest()))

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 7517): ``{"kty": "RSA", "n", "e", "kid", "alg": "RS256", "use": "sig"}``."""
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        out = {k: str(v) for k, v in jwk.items() if k in ("kty", "n", "e")}
        out.update(kid=self.kid, alg="RS256", use="sig")
        return out


def service_account_claims(
    issuer: str,
    subject: Subject,
    audiences: Sequence[str] = (DEFAULT_AUDIENCE,),
    *,
    now: float | None = None,
    lifetime: int = DEFAULT_TOKEN_LIFETIME,
    not_before: float | None = None,
    pod: str | None = None,
) -> dict[str, Any]:
    """The claims of a projected service-account token, as kube-apiserver's TokenRequest writes them.

    ``{"iss", "sub": "system:serviceaccount:<ns>:<sa>", "aud": [...], "iat", "nbf", "exp", "jti",
    "kubernetes.io": {"namespace", "serviceaccount": {"name", "uid"}, "pod"?: {"name", "uid"}}}``
    (Kubernetes docs, 'Managing Service Accounts', section 'Bound service account tokens'). Times
    are whole seconds since the epoch. The service account's uid is stable per name (a UUID5), the
    pod's too; ``jti`` is random.

    Args:
        issuer: the ``iss`` claim, e.g. ``https://oidc.eks.us-west-2.amazonaws.com/id/ABC``.
        subject: namespace and service account.
        audiences: the ``aud`` list. Default: ``["sts.amazonaws.com"]`` (what the EKS pod identity webhook asks for).
        now: the issue time. Default: the current time.
        lifetime: seconds from ``iat`` to ``exp``. Default: 3600.
        not_before: the ``nbf`` claim. Default: ``iat`` (Kubernetes sets ``nbf`` = ``iat``).
        pod: a pod name to bind the token to. Default: none (no ``pod`` entry).
    """
    issued = int(time.time() if now is None else now)
    k8s: dict[str, Any] = {
        "namespace": subject.namespace,
        "serviceaccount": {"name": subject.service_account, "uid": _stable_uid("sa", subject.value)},
    }
    if pod:
        k8s["pod"] = {"name": pod, "uid": _stable_uid("pod", f"{subject.namespace}/{pod}")}
    return {
        "iss": issuer,
        "sub": subject.value,
        "aud": list(audiences),
        "iat": issued,
        "nbf": int(issued if not_before is None else not_before),
        "exp": issued + int(lifetime),
        "jti": str(uuid.uuid4()),
        "kubernetes.io": k8s,
    }


def _stable_uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:irsa-verify:{kind}:{name}"))


def sign_token(claims: Mapping[str, Any], key: SigningKey, kid: str | None = None, algorithm: str = "RS256") -> str:
    """A compact JWS (RFC 7515) of ``claims``, header ``{"alg", "kid", "typ": "JWT"}``.

    Args:
        claims: the payload.
        key: the signing key.
        kid: the header's key id. Default: ``key.kid``; pass another to forge a token that names a
            key it was not signed with.
        algorithm: an RSA JWS algorithm. Default: ``RS256`` (what kube-apiserver signs with).
    """
    return jwt.encode(dict(claims), key.private_key, algorithm=algorithm, headers={"kid": kid or key.kid})


def unsigned_token(claims: Mapping[str, Any], kid: str | None = None) -> str:
    """An unsecured JWT (RFC 7519, section 6: ``alg: none``, empty signature), the classic forgery."""
    headers = {"kid": kid} if kid else None
    return jwt.encode(dict(claims), "", algorithm="none", headers=headers)  # PyJWT reads "" as no key


# --- the issuer --------------------------------------------------------------------------------------------


def _split_issuer(issuer: str) -> tuple[str, str]:
    """``https://host/path`` -> (``https://host``, ``/path``); refuses another scheme, a query or a fragment."""
    parts = urllib.parse.urlsplit(issuer)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise IrsaConfigError.one(
            "issuer",
            issuer,
            "is not an https URL without query or fragment",
            OIDC_PROVIDER_DOCS,
            "give the issuer as https://<host>/<path>, e.g. https://oidc.eks.us-west-2.amazonaws.com/id/ABC",
        )
    return f"https://{parts.netloc}", parts.path.rstrip("/")


class LocalIssuer:
    """A service-account issuer serving discovery and JWKS over HTTP on 127.0.0.1, from a daemon thread.

    Use as a context manager (or call :meth:`start` and :meth:`stop`). Serves, relative to the
    issuer URL's path: ``/.well-known/openid-configuration`` (the discovery document Kubernetes
    serves, see :meth:`discovery_document`) and ``/keys`` (the JWKS of every key in ``keys``).
    Everything else is 404. Each request path is appended to :attr:`requests` so tests can see
    what a verifier fetched.

    Args:
        issuer: the issuer identity, the ``iss`` of minted tokens: ``https://<host>/<path>``. IAM
            requires ``https://`` for an OIDC provider URL (IAM User Guide, 'Create an OpenID
            Connect (OIDC) identity provider in IAM').
        keys: published keys; the first signs. Default: one fresh RSA key.

    Raises:
        IrsaConfigError: ``issuer`` is not an https URL.
    """

    def __init__(self, issuer: str, keys: Sequence[SigningKey] | None = None) -> None:
        self.issuer = issuer.rstrip("/")
        self.origin, self.path = _split_issuer(self.issuer)
        self.keys: tuple[SigningKey, ...] = tuple(keys) if keys else (SigningKey.generate(),)
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def signing_key(self) -> SigningKey:
        """The key that signs minted tokens (the first of ``keys``)."""
        return self.keys[0]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, where the issuer really listens. Only while started."""
        if self._server is None:
            raise RuntimeError("the issuer is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def pin(self) -> tuple[str, str]:
        """``(issuer origin, base_url)``: the mapping a :class:`LoopbackFetcher` needs to reach this issuer."""
        return self.origin, self.base_url

    def discovery_document(self) -> dict[str, Any]:
        """What Kubernetes serves at ``<issuer>/.well-known/openid-configuration`` (Kubernetes docs,
        'Managing Service Accounts', section 'Service account issuer discovery'; OpenID Connect
        Discovery 1.0, section 3)."""
        return {
            "issuer": self.issuer,
            "jwks_uri": self.issuer + JWKS_PATH,
            "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss"],
        }

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JSON Web Key Set (RFC 7517, section 5) of the public keys."""
        return {"keys": [key.public_jwk() for key in self.keys]}

    def mint(
        self,
        namespace: str,
        service_account: str,
        audiences: Sequence[str] = (DEFAULT_AUDIENCE,),
        *,
        now: float | None = None,
        lifetime: int = DEFAULT_TOKEN_LIFETIME,
        pod: str | None = None,
    ) -> str:
        """A token for ``system:serviceaccount:<namespace>:<service_account>`` signed with :attr:`signing_key`.

        See :func:`service_account_claims` for the claims and the defaults.
        """
        claims = service_account_claims(
            self.issuer, Subject(namespace, service_account), audiences, now=now, lifetime=lifetime, pod=pod
        )
        return sign_token(claims, self.signing_key)

    def start(self) -> LocalIssuer:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread. Returns ``self``."""
        if self._server is not None:
            return self
        routes = {
            self.path + DISCOVERY_PATH: lambda: self.discovery_document(),
            self.path + JWKS_PATH: lambda: self.jwks(),
        }
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                seen.append(path)
                make = routes.get(path)
                body = json.dumps(make() if make else {"error": "not found"}).encode()
                self.send_response(200 if make else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-oidc-issuer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LoopbackFetcher:
    """Fetches JSON over HTTP from loopback addresses only, with issuer origins pinned to local servers.

    Args:
        pins: ``{"https://oidc.example": "http://127.0.0.1:port"}``: a URL starting with a key is
            fetched from the value instead, path kept (as if DNS and TLS pointed there).
        timeout: seconds per request. Default: 5.

    Proxies from the environment are ignored (a direct connection is forced), so ``HTTP_PROXY``
    cannot route a request off the machine.
    """

    def __init__(self, pins: Mapping[str, str], timeout: float = 5.0) -> None:
        self.pins = {k.rstrip("/"): v.rstrip("/") for k, v in pins.items()}
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def resolve(self, url: str) -> str:
        """The URL actually fetched for ``url``.

        Raises:
            ValueError: the resolved URL's host is not a loopback host (127.0.0.1, ::1, localhost),
                or its scheme is not http/https. Nothing is sent then.
        """
        target = url
        for origin, local in self.pins.items():
            if url == origin or url.startswith(origin + "/"):
                target = local + url[len(origin) :]
                break
        parts = urllib.parse.urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
            raise ValueError(f"refusing to fetch {url}: it does not resolve to a loopback address")
        return target

    def get_json(self, url: str) -> Any:
        """GET ``url`` (after :meth:`resolve`) and parse the body as JSON.

        Raises:
            ValueError: not a loopback URL (see :meth:`resolve`).
            OSError: connection failure or an HTTP status other than 200 (``urllib.error.HTTPError``).
            json.JSONDecodeError: the body is not JSON.
        """
        with self._opener.open(self.resolve(url), timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))


# --- the STS side ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OidcProvider:
    """An IAM OIDC identity provider, as ``iam:GetOpenIDConnectProvider`` returns it.

    Attributes:
        arn: ``arn:<partition>:iam::<account>:oidc-provider/<host/path>``.
        url: the provider URL; IAM stores and returns it without ``https://`` (a leading
            ``https://`` is accepted and dropped).
        client_ids: the audiences IAM accepts in a token's ``aud`` (IAM User Guide, 'Create an
            OpenID Connect (OIDC) identity provider in IAM': the client ID list).
    """

    arn: str
    url: str
    client_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        url = self.url[len("https://") :] if self.url.startswith("https://") else self.url
        object.__setattr__(self, "url", url.rstrip("/"))
        object.__setattr__(self, "client_ids", tuple(self.client_ids))

    @property
    def account(self) -> str:
        """The 12-digit account of the ARN (empty when ``arn`` is not an ARN)."""
        fields = parse_arn(self.arn)
        return fields.account if fields else ""

    @property
    def issuer(self) -> str:
        """``https://<url>``: the ``iss`` a token must carry for this provider."""
        return "https://" + self.url


class Check(StrEnum):
    """The STS-side checks, in the order :class:`WebIdentityVerifier` runs them; a decision names the deciding one."""

    TOKEN_FORMAT = "token-format"
    """The token is a JWS compact serialisation whose payload is a JSON object with a string ``iss``."""
    ALGORITHM = "algorithm"
    """The header's ``alg`` is one STS accepts (:data:`ACCEPTED_ALGORITHMS`); ``none`` is refused."""
    PROVIDER = "provider"
    """An IAM OIDC provider in the role's account has the token's ``iss`` as its URL."""
    DISCOVERY = "discovery"
    """The issuer's discovery document and JWKS were fetched, and the document names the same issuer."""
    KEY_ID = "key-id"
    """The header's ``kid`` is in the issuer's JWKS."""
    SIGNATURE = "signature"
    """The signature verifies with that key."""
    CLAIMS = "claims"
    """``iss``, ``sub``, ``aud``, ``exp``, ``iat`` are present and ``iss`` matches the provider."""
    AUDIENCE = "audience"
    """An ``aud`` value is one of the provider's client IDs."""
    EXPIRY = "expiry"
    """``exp`` is not past."""
    NOT_BEFORE = "not-before"
    """``nbf`` and ``iat`` are not in the future."""
    TRUST_POLICY = "trust-policy"
    """The role's trust policy allows ``sts:AssumeRoleWithWebIdentity`` for this provider and these claims."""
    PASSED = "passed"
    """Every check passed; STS would issue credentials."""


class StsCode(StrEnum):
    """Error codes of ``AssumeRoleWithWebIdentity`` (AWS STS API Reference, 'AssumeRoleWithWebIdentity', Errors)."""

    INVALID_IDENTITY_TOKEN = "InvalidIdentityToken"
    EXPIRED_TOKEN = "ExpiredTokenException"
    IDP_COMMUNICATION_ERROR = "IDPCommunicationError"
    ACCESS_DENIED = "AccessDenied"


@dataclass(frozen=True)
class StsDecision:
    """What the STS side answers for one token and role.

    Attributes:
        allowed: credentials may be issued.
        check: the check that decided (``PASSED`` when allowed).
        code: the STS error code when denied, else ``None``.
        reason: one sentence, free of keys, times and ports (so reports stay deterministic).
        claims: the verified claims, once the signature verified; else ``None``.
        provider: the matching IAM OIDC provider, once found; else ``None``.
        trust: the trust evaluator's decision, when the trust policy was evaluated; else ``None``.
    """

    allowed: bool
    check: Check
    code: StsCode | None
    reason: str
    claims: Mapping[str, Any] | None = None
    provider: OidcProvider | None = None
    trust: Decision | None = field(default=None, compare=False)


class _Reject(Exception):
    def __init__(self, check: Check, code: StsCode, reason: str, claims: Mapping[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.check, self.code, self.reason, self.claims = check, code, reason, claims


class WebIdentityVerifier:
    """The checks AWS STS makes on ``AssumeRoleWithWebIdentity`` before it issues credentials.

    Order (each failure ends the call with the STS error code in brackets): token format and
    ``alg`` [InvalidIdentityToken]; an IAM OIDC provider in the *role's* account whose URL is the
    token's ``iss`` [InvalidIdentityToken: 'No OpenIDConnect provider found in your account'];
    discovery document and JWKS fetched from the issuer over HTTP [IDPCommunicationError]; ``kid``
    in the JWKS and the signature valid, with PyJWT [InvalidIdentityToken]; ``aud`` among the
    provider's client IDs [InvalidIdentityToken: 'Incorrect token audience']; ``exp``
    [ExpiredTokenException], ``nbf``/``iat`` [InvalidIdentityToken]; then the role's trust policy,
    evaluated by :func:`eks_irsa.iam.evaluate.evaluate_web_identity` with the provider ARN the
    ``iss`` maps to [AccessDenied: 'Not authorized to perform sts:AssumeRoleWithWebIdentity'].
    Sources: AWS STS API Reference, 'AssumeRoleWithWebIdentity'; IAM User Guide, 'Create an OpenID
    Connect (OIDC) identity provider in IAM' and 'Policy evaluation logic'.

    Args:
        providers: the IAM OIDC providers that exist, in any account.
        fetcher: fetches discovery documents and JWKS (a :class:`LoopbackFetcher` here).
        leeway: seconds of clock skew allowed on ``exp``, ``nbf`` and ``iat``. Default: 0. AWS does
            not publish STS's own tolerance; tests keep every time an hour away from the boundary.
    """

    def __init__(self, providers: Iterable[OidcProvider], fetcher: LoopbackFetcher | Any, *, leeway: float = 0) -> None:
        self.providers = tuple(providers)
        self.fetcher = fetcher
        self.leeway = leeway

    def decide(self, token: str, role_arn: str, trust_policy: Mapping[str, Any]) -> StsDecision:
        """Run every check for ``token`` asking to assume ``role_arn`` whose trust policy is ``trust_policy``.

        Args:
            token: the ``WebIdentityToken`` (a compact JWS).
            role_arn: ``arn:<partition>:iam::<account>:role/<path><name>``; its account scopes the provider lookup.
            trust_policy: the role's trust policy as parsed JSON (``AssumeRolePolicyDocument``).

        Returns:
            A :class:`StsDecision`; never raises for a bad token or a policy the evaluator cannot read
            (that is a deny with ``check`` ``TRUST_POLICY``).
        """
        provider: OidcProvider | None = None
        try:
            role = parse_arn(role_arn)
            claims, provider = self._verify(token, role.account if role else "")
        except _Reject as reject:
            return StsDecision(False, reject.check, reject.code, reject.reason, reject.claims, provider)
        try:
            request = WebIdentityRequest(
                provider_arn=provider.arn,
                issuer=claims["iss"],
                sub=claims.get("sub"),
                aud=claims["aud"],
                amr=claims.get("amr", ()),
                action=WEB_IDENTITY_ACTION,
            )
            trust = evaluate_web_identity(trust_policy, request)
        except IrsaConfigError as error:
            return StsDecision(
                False,
                Check.TRUST_POLICY,
                StsCode.ACCESS_DENIED,
                f"the trust policy could not be evaluated, so nothing is allowed: {error}",
                claims,
                provider,
            )
        if not trust.allowed:
            reason = f"Not authorized to perform {WEB_IDENTITY_ACTION}: " + "; ".join(trust.reasons)
            return StsDecision(False, Check.TRUST_POLICY, StsCode.ACCESS_DENIED, reason, claims, provider, trust)
        return StsDecision(True, Check.PASSED, None, trust.reasons[0], claims, provider, trust)

    def _verify(self, token: str, account: str) -> tuple[dict[str, Any], OidcProvider]:
        invalid = StsCode.INVALID_IDENTITY_TOKEN
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise _Reject(Check.TOKEN_FORMAT, invalid, f"the token is not a JWT: {error}") from None
        alg = header.get("alg")
        if alg not in ACCEPTED_ALGORITHMS:
            raise _Reject(
                Check.ALGORITHM,
                invalid,
                f"the token's alg is {alg!r}; STS accepts only {', '.join(ACCEPTED_ALGORITHMS)} signatures",
            )
        iss = unverified.get("iss")
        if not isinstance(iss, str) or not iss:
            raise _Reject(Check.TOKEN_FORMAT, invalid, "the token has no iss claim")
        provider = next(
            (p for p in self.providers if p.account == account and p.issuer == iss.rstrip("/")),
            None,
        )
        if provider is None:
            raise _Reject(
                Check.PROVIDER, invalid, f"No OpenIDConnect provider found in account {account or '?'} for {iss}"
            )
        jwks = self._fetch_keys(provider)
        kid = header.get("kid")
        try:
            key_set = jwt.PyJWKSet.from_dict(jwks)
            jwk = key_set[kid] if isinstance(kid, str) else None
        except (jwt.PyJWTError, KeyError):
            jwk = None
        if jwk is None:
            raise _Reject(Check.KEY_ID, invalid, "the token's kid is not in the issuer's JWKS")
        try:
            claims = jwt.decode(
                token,
                jwk.key,
                algorithms=[alg],
                audience=list(provider.client_ids),
                issuer=provider.issuer,
                leeway=self.leeway,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError:
            raise _Reject(
                Check.SIGNATURE, invalid, "the signature does not verify with the issuer's key of that kid"
            ) from None
        except jwt.ExpiredSignatureError:
            raise _Reject(
                Check.EXPIRY, StsCode.EXPIRED_TOKEN, "Token expired: the current time is past exp", unverified
            ) from None
        except jwt.ImmatureSignatureError as error:
            raise _Reject(Check.NOT_BEFORE, invalid, f"{error}", unverified) from None
        except jwt.InvalidAudienceError:
            shown = unverified.get("aud")
            raise _Reject(
                Check.AUDIENCE,
                invalid,
                f"Incorrect token audience: {shown!r} is not among the provider's client IDs "
                f"{list(provider.client_ids)}",
                unverified,
            ) from None
        except jwt.PyJWTError as error:
            raise _Reject(Check.CLAIMS, invalid, f"{error}", unverified) from None
        return claims, provider

    def _fetch_keys(self, provider: OidcProvider) -> dict[str, Any]:
        failed = StsCode.IDP_COMMUNICATION_ERROR
        try:
            document = self.fetcher.get_json(provider.issuer + DISCOVERY_PATH)
            if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != provider.issuer:
                raise _Reject(
                    Check.DISCOVERY, failed, "the discovery document names another issuer than the token's iss"
                )
            jwks = self.fetcher.get_json(document["jwks_uri"])
        except _Reject:
            raise
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise _Reject(Check.DISCOVERY, failed, f"could not fetch the issuer's keys: {error}") from None
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise _Reject(Check.DISCOVERY, failed, "the issuer's jwks_uri did not return a JWK set")
        return jwks
