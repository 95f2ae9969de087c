"""IAM, STS and Kubernetes limits, each with the document it comes from, and checks against them.

Every ``check_*`` function is pure: it takes the field path and the value, and returns a list of
:class:`~eks_irsa.errors.Problem` (empty when the value passes). Callers collect problems from
several checks and raise one :class:`~eks_irsa.errors.IrsaConfigError`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from ..errors import Problem

IAM_QUOTAS = "IAM User Guide, 'IAM and AWS STS quotas'"
OIDC_PROVIDER_QUOTA = 100
"""IAM OIDC identity providers per AWS account (:data:`IAM_QUOTAS`); ``CreateOpenIDConnectProvider`` then
fails with ``LimitExceeded``."""
IAM_CREATE_ROLE = "IAM API Reference, CreateRole"
IAM_TAG = "IAM API Reference, Tag (IAM User Guide, 'Tagging IAM resources')"
K8S_NAMES = "Kubernetes docs, 'Object Names and IDs'"
K8S_SA_TOKEN = "Kubernetes API, TokenRequest expirationSeconds; EKS pod identity webhook"

ROLE_NAME_MAX = 64
"""Role name length, 1 to 64 characters (IAM API Reference, CreateRole, RoleName)."""

ROLE_NAME_PATTERN = re.compile(r"^[\w+=,.@-]+\Z", re.ASCII)
"""Role name characters: ``[\\w+=,.@-]+`` (IAM API Reference, CreateRole, RoleName)."""

ROLE_PATH_MAX = 512
"""Path length, 1 to 512 characters (IAM API Reference, CreateRole, Path)."""

ROLE_PATH_PATTERN = re.compile(r"^(/|/[\x21-\x7e]*/)\Z")
"""Path: ``/`` alone, or starting and ending with ``/`` with printable ASCII between
(IAM API Reference, CreateRole, Path: ``(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)``)."""

TRUST_POLICY_MAX_DEFAULT = 2048
"""Role trust policy length without whitespace, default quota 2,048; an account may raise it to
8,192 (IAM User Guide, 'IAM and AWS STS quotas', Role trust policy length)."""

TRUST_POLICY_MAX_RAISED = 8192
"""Highest value the trust policy quota can be raised to (IAM User Guide, 'IAM and AWS STS quotas')."""

MANAGED_POLICY_MAX = 6144
"""Customer managed policy size without whitespace: 6,144 characters (IAM User Guide, 'IAM and AWS
STS quotas', Managed policy size)."""

INLINE_POLICIES_MAX = 10240
"""All inline policies of one role together: 10,240 characters without whitespace (IAM User
Guide, 'IAM and AWS STS quotas', Role policy size)."""

MANAGED_POLICIES_PER_ROLE_DEFAULT = 10
"""Managed policies attached to one role: 10 by default, raisable to 25 (IAM User Guide, 'IAM and
AWS STS quotas', Managed policies attached to an IAM role)."""

MANAGED_POLICIES_PER_ROLE_RAISED = 25
"""Highest value the attached managed policies quota can be raised to (IAM User Guide, 'IAM and AWS STS quotas')."""

SESSION_POLICY_MAX = 2048
"""Characters of an inline session policy: "The plaintext that you use for both inline and managed session
policies can't exceed 2,048 characters" (AWS STS API Reference, AssumeRole, parameter Policy). EKS Pod
Identity passes an association's ``policy`` as that session policy. STS also packs the session policy with
the session tags into a size it checks only at run time (PackedPolicyTooLarge); with session tags off,
the policy alone counts."""

SESSION_DURATION_MIN = 3600
"""MaxSessionDuration lower bound, seconds (IAM API Reference, CreateRole, MaxSessionDuration)."""

SESSION_DURATION_MAX = 43200
"""MaxSessionDuration upper bound, seconds: 12 hours (IAM API Reference, CreateRole, MaxSessionDuration)."""

TAGS_MAX = 50
"""Tags per IAM role: 50 (IAM User Guide, 'IAM and AWS STS quotas', Tags per IAM role)."""

TAG_KEY_MAX = 128
"""Tag key length: 1 to 128 characters (IAM API Reference, Tag, Key)."""

TAG_VALUE_MAX = 256
"""Tag value length: 0 to 256 characters (IAM API Reference, Tag, Value)."""

TAG_PATTERN = re.compile(r"^(?:[\w.:/=+\-@]|(?![\t\n\r\f\v\x1c-\x1f\x85])\s)*\Z", re.UNICODE)
"""Tag key and value characters: letters, digits, spaces and ``_.:/=+-@`` (IAM API Reference, Tag)."""

DNS1123_LABEL_MAX = 63
"""A DNS-1123 label, the rule for namespace names: at most 63 characters (Kubernetes docs,
'Object Names and IDs', RFC 1123 Label Names)."""

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
"""Lower-case alphanumerics and ``-``, starting and ending alphanumeric (Kubernetes docs, 'Object
Names and IDs'; apimachinery ``IsDNS1123Label``)."""

DNS1123_SUBDOMAIN_MAX = 253
"""A DNS-1123 subdomain, the rule for ServiceAccount names: at most 253 characters (Kubernetes
docs, 'Object Names and IDs', DNS Subdomain Names)."""

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
"""Dot-separated DNS-1123 labels (apimachinery ``IsDNS1123Subdomain``)."""

TOKEN_EXPIRATION_MIN = 600
"""Projected token lifetime lower bound, seconds: the API server refuses ``expirationSeconds``
under 10 minutes (Kubernetes API, TokenRequestSpec)."""

TOKEN_EXPIRATION_MAX = 86400
"""Projected token lifetime upper bound the EKS pod identity webhook accepts, seconds (24 hours,
``eks.amazonaws.com/token-expiration``)."""

CLUSTER_NAME_PATTERN = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}\Z")
"""EKS cluster name: 1 to 100 characters, alphanumeric first, then ``[A-Za-z0-9-_]`` (EKS API
Reference, CreateCluster, name)."""


def _problem(field: str, value: object, rule: str, source: str, fix: str) -> list[Problem]:
    return [Problem(field, value, rule, source, fix)]


def check_namespace(field: str, value: object) -> list[Problem]:
    """A Kubernetes namespace name: a DNS-1123 label of 1 to 63 characters, no wildcard."""
    if not isinstance(value, str) or not value:
        return _problem(field, value, "is empty or not a string", K8S_NAMES, "give the namespace name")
    if "*" in value or "?" in value:
        return _problem(
            field, value, "holds a wildcard; a namespace is always literal", K8S_NAMES, "name one namespace"
        )
    if len(value) > DNS1123_LABEL_MAX:
        return _problem(
            field,
            value,
            f"is {len(value)} characters; a namespace is a DNS-1123 label of at most {DNS1123_LABEL_MAX}",
            K8S_NAMES,
            "shorten it",
        )
    if not DNS1123_LABEL.match(value):
        return _problem(
            field,
            value,
            "is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric)",
            K8S_NAMES,
            "use lower case and '-' only",
        )
    return []


def check_service_account_name(field: str, value: object) -> list[Problem]:
    """A ServiceAccount name: a DNS-1123 subdomain of 1 to 253 characters, no wildcard."""
    if not isinstance(value, str) or not value:
        return _problem(field, value, "is empty or not a string", K8S_NAMES, "give the service account name")
    if "*" in value or "?" in value:
        return _problem(
            field,
            value,
            "holds a wildcard; a service account name is literal",
            K8S_NAMES,
            "name one service account (wildcard subjects need an explicit opt-in)",
        )
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        return _problem(
            field,
            value,
            f"is {len(value)} characters; a service account name is a DNS-1123 subdomain of at most "
            f"{DNS1123_SUBDOMAIN_MAX}",
            K8S_NAMES,
            "shorten it",
        )
    if not DNS1123_SUBDOMAIN.match(value):
        return _problem(
            field,
            value,
            "is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', each part starting and "
            "ending alphanumeric)",
            K8S_NAMES,
            "use lower case, '-' and '.' only",
        )
    return []


def check_role_name(field: str, value: object) -> list[Problem]:
    """An IAM role name: 1 to 64 characters of ``[\\w+=,.@-]``."""
    if not isinstance(value, str) or not value:
        return _problem(field, value, "is empty or not a string", IAM_CREATE_ROLE, "give a role name")
    if len(value) > ROLE_NAME_MAX:
        return _problem(
            field,
            value,
            f"is {len(value)} characters; a role name has at most {ROLE_NAME_MAX}",
            IAM_CREATE_ROLE,
            "shorten it, or leave roleName out to get a derived name shortened with a stable hash",
        )
    if not ROLE_NAME_PATTERN.match(value):
        return _problem(
            field,
            value,
            "holds characters outside [A-Za-z0-9_+=,.@-]",
            IAM_CREATE_ROLE,
            "remove the other characters",
        )
    return []


def check_role_path(field: str, value: object) -> list[Problem]:
    """An IAM path: ``/`` or ``/a/b/``, at most 512 characters of printable ASCII."""
    if not isinstance(value, str) or len(value) > ROLE_PATH_MAX or not ROLE_PATH_PATTERN.match(value):
        return _problem(
            field,
            value,
            f"is not an IAM path ('/' or '/segment/.../', printable ASCII, at most {ROLE_PATH_MAX} characters)",
            IAM_CREATE_ROLE,
            "start and end the path with '/'",
        )
    return []


def check_max_session_duration(field: str, value: object) -> list[Problem]:
    """MaxSessionDuration: an integer number of seconds in 3,600..43,200."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _problem(field, value, "is not an integer number of seconds", IAM_CREATE_ROLE, "give seconds")
    if not SESSION_DURATION_MIN <= value <= SESSION_DURATION_MAX:
        return _problem(
            field,
            value,
            f"is outside {SESSION_DURATION_MIN}..{SESSION_DURATION_MAX} seconds",
            IAM_CREATE_ROLE,
            "use 3600 (1 hour) to 43200 (12 hours)",
        )
    return []


def check_token_expiration(field: str, value: object) -> list[Problem]:
    """A projected token lifetime: an integer number of seconds in 600..86,400."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _problem(field, value, "is not an integer number of seconds", K8S_SA_TOKEN, "give seconds")
    if not TOKEN_EXPIRATION_MIN <= value <= TOKEN_EXPIRATION_MAX:
        return _problem(
            field,
            value,
            f"is outside {TOKEN_EXPIRATION_MIN}..{TOKEN_EXPIRATION_MAX} seconds",
            K8S_SA_TOKEN,
            "use 600 (10 minutes) to 86400 (24 hours)",
        )
    return []


def check_tags(field: str, tags: Mapping[str, str]) -> list[Problem]:
    """IAM tags: at most 50, keys 1..128 and values 0..256 characters of the allowed set.

    Keys starting with ``aws:`` are reserved for AWS (IAM API Reference, Tag).
    """
    problems: list[Problem] = []
    if len(tags) > TAGS_MAX:
        problems += _problem(field, len(tags), f"tags; a role carries at most {TAGS_MAX}", IAM_QUOTAS, "drop some tags")
    for key, value in sorted(tags.items()):
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX or not TAG_PATTERN.match(key):
            problems += _problem(
                f"{field}.{key}",
                key,
                f"is not a tag key (1..{TAG_KEY_MAX} letters, digits, spaces, _.:/=+-@)",
                IAM_TAG,
                "rename the key",
            )
        elif key.lower().startswith("aws:"):
            problems += _problem(f"{field}.{key}", key, "uses the reserved prefix 'aws:'", IAM_TAG, "rename the key")
        if not isinstance(value, str) or len(value) > TAG_VALUE_MAX or not TAG_PATTERN.match(value):
            problems += _problem(
                f"{field}.{key}",
                value,
                f"is not a tag value (0..{TAG_VALUE_MAX} letters, digits, spaces, _.:/=+-@)",
                IAM_TAG,
                "shorten or clean the value",
            )
    return problems


def check_cluster_name(field: str, value: object) -> list[Problem]:
    """An EKS cluster name: 1 to 100 characters, ``[0-9A-Za-z][A-Za-z0-9-_]*``."""
    if not isinstance(value, str) or not CLUSTER_NAME_PATTERN.match(value):
        return _problem(
            field,
            value,
            "is not an EKS cluster name (1..100 characters, alphanumeric first, then letters, digits, '-', '_')",
            "EKS API Reference, CreateCluster",
            "rename the cluster",
        )
    return []


def policy_size(document_json: str) -> int:
    """Characters IAM counts against a policy quota: the JSON text without whitespace.

    IAM does not count whitespace toward policy size quotas (IAM User Guide, 'IAM and AWS STS
    quotas'). Whitespace inside string values counts too in this measure, so it errs high, never low.
    """
    return len("".join(document_json.split()))


PUBLIC_ENDPOINT_MAX_ADDRESSES = 2**24
"""The most addresses the public API endpoint may admit in all: a /8. Wider lists open the endpoint to a
large part of the internet (EKS User Guide, 'Cluster API server endpoint': restrict public access)."""


def check_public_access_cidrs(field: str, cidrs: list[str]) -> list[Problem]:
    """The CIDRs of a public EKS endpoint: valid IPv4 networks, admitting at most a /8's worth of addresses."""
    if not cidrs:
        return _problem(
            field,
            [],
            "opens the public endpoint to the whole internet (EKS admits 0.0.0.0/0 when none are listed)",
            "EKS User Guide, 'Cluster API server endpoint'",
            "list the CIDRs that may reach the API server, or set publicAccess: false",
        )
    total = 0
    for cidr in cidrs:
        try:
            total += ipaddress.IPv4Network(cidr, strict=True).num_addresses
        except ValueError as error:
            return _problem(
                field,
                cidr,
                f"is not an IPv4 network ({error})",
                "EKS API Reference, publicAccessCidrs",
                "write it as a.b.c.d/n with the host bits zero",
            )
    if total > PUBLIC_ENDPOINT_MAX_ADDRESSES:
        return _problem(
            field,
            cidrs,
            f"admit {total} addresses, more than a /8 ({PUBLIC_ENDPOINT_MAX_ADDRESSES})",
            "EKS User Guide, 'Cluster API server endpoint'",
            "list only your egress ranges",
        )
    return []
