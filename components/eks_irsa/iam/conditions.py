"""Whether a statement's Condition constrains its actions, and condition keys no action supports.

Standard library only; reads the compact IAM table. A condition narrows a grant only when all of:

1. its key applies to the action: a global key (:data:`GLOBAL_KEYS`), or a key the Service
   Authorization Reference lists for the action or for one of its resource types (``${TagKey}`` and
   similar parts match any text);
2. its operator compares values: not ``Null`` (presence only; except ``"false"`` on a resource tag
   key, which limits the grant to resources that carry the tag), not a negated operator
   (``StringNotEquals``, ``ArnNotLike``, ...: everything but the listed values still passes), and not
   ``...IfExists`` unless the key is in every request (:data:`ALWAYS_PRESENT`): a call that does not
   carry the key passes the test;
3. its key is not one the caller sets freely for the request or that only says when
   (:data:`CALLER_CHOSEN`: which an attacker holding the credentials satisfies at will), nor one whose
   value is fixed for the role's sessions (:data:`PRINCIPAL_FIXED`: ``aws:PrincipalType``,
   ``aws:PrincipalAccount``, ``aws:PrincipalArn``...), nor ``aws:ViaAWSService`` tested for ``false``
   (:data:`ONLY_WHEN_FALSE`), nor an address key with a ``/0`` CIDR (:data:`ADDRESS_KEYS`);
4. its value is concrete: with ``StringLike`` / ``ArnLike``, not only wildcards (``*``, ``?*``,
   ``arn:*:*:*:*:*``) nor a prefix every value carries (:data:`UNIVERSAL`: ``arn:aws:*``, ``vpce-*``).
   ``ForAllValues:`` on a multi-valued key also passes a request without the key
   (IAM User Guide, 'Single-valued vs. multivalued context keys'), so it counts only with a key of
   :data:`ALWAYS_PRESENT`.

A key that applies to none of a statement's actions is a mistake: with a comparing operator the
statement never matches (the grant never works, or the Deny never applies), otherwise the condition
does nothing. :func:`inapplicable_keys` names such keys.

Sources: IAM User Guide, 'IAM JSON policy elements: Condition operators' (``...IfExists``, ``Null``,
negated operators), 'AWS global condition context keys' (which keys every request carries), and the
Service Authorization Reference (condition keys by action and resource type).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from .table import VARIABLE, Action

GLOBAL_KEYS = (
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "ec2:SourceInstanceARN",
    "ec2:RoleDelivery",
)
"""Keys IAM sets for requests to any service (IAM User Guide, 'AWS global condition context keys'; the
last two: EC2 User Guide, 'Instance metadata' condition keys). ``aws:RequestTag``,
``aws:ResourceTag`` and ``aws:TagKeys`` are not here: the reference lists them per action or type."""

ALWAYS_PRESENT = frozenset(
    k.lower()
    for k in (
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalType",
        "aws:RequestedRegion",
        "aws:SecureTransport",
        "aws:userid",
        "aws:ViaAWSService",
    )
)
"""Global keys 'included in the request context for all requests' (IAM User Guide, 'AWS global condition
context keys', availability of each key)."""

CALLER_CHOSEN = frozenset(
    k.lower()
    for k in (
        "aws:SecureTransport",
        "aws:UserAgent",
        "aws:Referer",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:TokenIssueTime",
        "aws:MultiFactorAuthAge",
        "aws:userid",
    )
)
"""Keys the caller of an API sets freely (TLS or not, its user agent and referer; ``aws:userid`` of a role
session is ``<role id>:<session name>``, the session name chosen by whoever calls AssumeRoleWithWebIdentity)
or that only say when (the time, when the credentials were issued, how old an MFA sign-in is): they do not
narrow what a holder of the credentials reaches. IAM User Guide, 'AWS global condition context keys'
(aws:userid, aws:TokenIssueTime, aws:MultiFactorAuthAge, aws:CurrentTime)."""

PRINCIPAL_FIXED = frozenset(
    k.lower()
    for k in (
        "aws:PrincipalType",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalIsAWSService",
        "aws:FederatedProvider",
        "aws:username",
    )
)
"""Keys whose value is the same in every request of the role's sessions: the principal type
(``AssumedRole``), its account, its ARN (the role's), its organization, whether it is an AWS service
(never), the OIDC provider that federated it, and ``aws:username`` (absent for roles). A test on one either
always holds or never does: it never narrows which resources the grant reaches. IAM User Guide, 'AWS global
condition context keys' (the principal's properties)."""

ONLY_WHEN_FALSE = frozenset(k.lower() for k in ("aws:ViaAWSService",))
"""Boolean keys the caller decides by how it calls: ``aws:ViaAWSService`` is ``false`` whenever the holder
calls the API directly, so ``Bool: false`` narrows nothing (``true``, through an AWS service on the holder's
behalf, does). IAM User Guide, 'AWS global condition context keys' (aws:ViaAWSService)."""

ADDRESS_KEYS = frozenset(k.lower() for k in ("aws:SourceIp", "aws:VpcSourceIp"))
"""IP address keys: a CIDR of prefix length 0 (``0.0.0.0/0``, ``::/0``) matches every address. IAM User
Guide, 'IAM JSON policy elements: Condition operators' (IP address condition operators)."""

UNIVERSAL = re.compile(
    r"^(?:arn(?::(?:aws[a-z-]*|\*))?|vpce-|vpc-|aroa|aida|asia|akia|o-|ou-)?[*?:/]*\Z", re.IGNORECASE
)
"""A pattern that matches everything, or only a prefix every value of its kind carries: ``arn:aws:*``,
``arn:*``, ``vpce-*`` (every VPC endpoint ID), ``vpc-*``, ``AROA*`` (every role's unique ID), ``AIDA*``,
``ASIA*``/``AKIA*`` (access key IDs), ``o-*``/``ou-*`` (organization IDs). AWS General Reference, 'Amazon
Resource Names (ARNs)'; IAM User Guide, 'IAM identifiers' (unique ID prefixes)."""

RESOURCE_TAG = re.compile(r"^[\w-]+:ResourceTag/.+", re.IGNORECASE)
"""``aws:ResourceTag/<key>`` and the services' own ``<service>:ResourceTag/<key>``: a property of the resource
acted on, which the caller does not choose with the request."""

NEGATED = re.compile(r"^(?:ForAllValues:|ForAnyValue:)?(?:StringNot|ArnNot|NumericNotEquals|DateNotEquals)")


def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(".+".join(re.escape(p) for p in VARIABLE.split(key)[::2]) + r"\Z", re.IGNORECASE)


@lru_cache(maxsize=1)
def _global_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(_pattern(k) for k in GLOBAL_KEYS)


@lru_cache(maxsize=8192)
def _action_patterns(action: Action) -> tuple[re.Pattern[str], ...]:
    keys = list(action.condition_keys)
    for rtype, _ in action.resource_types:
        keys += rtype.condition_keys
    return tuple(_pattern(k) for k in dict.fromkeys(keys))


def applies(key: str, action: Action) -> bool:
    """Whether condition key ``key`` applies to ``action``: global, or listed for it or its resource types."""
    return any(p.match(key) for p in (*_global_patterns(), *_action_patterns(action)))


def constrains(operator: str, key: str, values: Sequence[str], action: Action) -> bool:
    """Whether one condition test narrows what ``action`` reaches (the rules of the module docstring)."""
    lower = key.lower()
    if not applies(key, action) or lower in CALLER_CHOSEN or lower in PRINCIPAL_FIXED:
        return False
    if lower in ONLY_WHEN_FALSE and any(str(v).lower() == "false" for v in values):
        return False
    if lower in ADDRESS_KEYS and any(_every_address(v) for v in values):
        return False
    base = operator.split(":", 1)[-1]
    if base == "Null":  # presence only: narrows when the target resource must carry a tag it already has
        return RESOURCE_TAG.match(key) is not None and [v.lower() for v in values] == ["false"]
    if NEGATED.match(operator):
        return False
    always = key.lower() in ALWAYS_PRESENT
    if base.endswith("IfExists") and not always:
        return False
    if operator.startswith("ForAllValues:") and not always:
        return False
    if not values:
        return False
    return all(not _only_wildcards(v) for v in values)


def _only_wildcards(value: str) -> bool:
    text = VARIABLE.sub("*", value)
    return not text.replace("arn", "").strip("*?:/") or ("*" in text and UNIVERSAL.match(text) is not None)


def _every_address(value: str) -> bool:
    try:
        return ipaddress.ip_network(value, strict=False).prefixlen == 0
    except ValueError:
        return False


def constrained_actions(conditions: Mapping[str, Mapping[str, object]], actions: Sequence[Action]) -> frozenset[str]:
    """The actions (``service:Name``) that at least one test of ``conditions`` constrains.

    Args:
        conditions: a statement's ``Condition`` block, ``{operator: {key: value or [values]}}``.
        actions: the statement's actions, expanded.
    """
    found = set()
    for operator, keys in conditions.items():
        if not isinstance(keys, Mapping):
            continue
        for key, value in keys.items():
            values = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
            found |= {a.key for a in actions if constrains(operator, str(key), values, a)}
    return frozenset(found)


def inapplicable_keys(
    conditions: Mapping[str, Mapping[str, object]], actions: Sequence[Action]
) -> list[tuple[str, str]]:
    """``(operator, key)`` of each condition test whose key applies to none of ``actions``, in the order
    written. Empty when ``actions`` is empty (unknown actions are reported elsewhere)."""
    if not actions:
        return []
    return [
        (str(operator), str(key))
        for operator, keys in conditions.items()
        if isinstance(keys, Mapping)
        for key in keys
        if not any(applies(str(key), a) for a in actions)
    ]
