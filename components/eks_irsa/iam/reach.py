"""What an (action, resource) pair of a policy reaches: the resource types it names and how far it goes.

Standard library only; reads the compact IAM table (:mod:`eks_irsa.iam.table`). The rules judge the
reach, never the literal text: ``arn:aws:iam::111122223333:role/*`` reaches every role of the account
as surely as ``"*"`` reaches every role of every account.

Levels, from narrow to broad (:class:`Reach`):

=======  ======================================================  ==========================================
level    meaning                                                 example
=======  ======================================================  ==========================================
ONE      one resource: no wildcard in the resource part          ``...:table/orders``
PREFIX   resources whose name starts with a given text, in one   ``...:table/orders-*``, ``...:role/app-*``,
         account and region                                      ``arn:aws:s3:::acme-logs/app/*``
TYPE     every resource of the type in one account               ``...:111122223333:role/*``, ``table/*``
ANY      any account or any region: a wildcard in the ARN's      ``arn:aws:secretsmanager:*:*:secret:*``,
         account or region field, or an S3 bucket name with a    ``arn:aws:s3:::acme-*/*`` (bucket names are
         wildcard (bucket names are global; a bucket policy     global)
         may grant any account)
STAR     ``"*"`` or an ARN of wildcards only                     ``"*"``, ``arn:aws:s3:::*``
=======  ======================================================  ==========================================

Sources: IAM User Guide, 'IAM JSON policy elements: Resource' (``*`` matches any run of characters,
``/`` and ``:`` included; ``?`` one character; the resource part is compared as a pattern); AWS General
Reference, 'Amazon Resource Names (ARNs)'; the Service Authorization Reference's ARN templates per
resource type; Amazon S3 User Guide, 'Bucket naming rules' (names are unique across all accounts).

An ARN whose account is concrete but not the stack's, or whose region is concrete but not the stack's,
is named (:attr:`PairReach.other_account`, :attr:`PairReach.other_region`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, lru_cache

from .arn import wildcard_match
from .table import VARIABLE, Action, ResourceType

GLOBAL_NAMES = frozenset({"s3"})
"""Services whose resource names are global, so a wildcard in the name reaches other accounts' resources:
S3 (Amazon S3 User Guide, 'Bucket naming rules'; 'Bucket policy examples' for cross-account grants)."""


class Reach(IntEnum):
    """How far an (action, resource) pair reaches, narrow to broad (see the module docstring)."""

    ONE = 1
    PREFIX = 2
    TYPE = 3
    ANY = 4
    STAR = 5

    @property
    def label(self) -> str:
        """The level in words, for messages."""
        return _LABELS[self]


_LABELS = {
    Reach.ONE: "one resource",
    Reach.PREFIX: "a name prefix in one account",
    Reach.TYPE: "every resource of the type in the account",
    Reach.ANY: "any account or any region",
    Reach.STAR: '"*" (every resource)',
}


@dataclass(frozen=True)
class PairReach:
    """What one (action, resource) pair reaches.

    Attributes:
        action: ``service:Name`` as the reference writes it.
        resource: the resource as judged (placeholders filled, if any).
        types: names of the action's resource types the resource can name; empty for a dead pair
            (the action never acts on it) and for ``"*"`` on an action without resource types.
        level: the broadest :class:`Reach` over those types; ``None`` for a dead pair.
        other_account: the ARN's account when it is 12 digits and not the stack's, else ``None``.
        other_region: the ARN's region when it is concrete and not the stack's, else ``None``.
    """

    action: str
    resource: str
    types: tuple[str, ...]
    level: Reach | None
    other_account: str | None = None
    other_region: str | None = None

    @property
    def dead(self) -> bool:
        """The action cannot act on this resource: the pair grants nothing."""
        return self.level is None


def reach(action: Action, resource: str, account: str | None = None, region: str | None = None) -> PairReach:
    """What ``action`` on ``resource`` reaches.

    Args:
        action: from :func:`eks_irsa.iam.table.expand`.
        resource: ``"*"`` or an ARN pattern as a policy writes it. IAM policy variables
            (``${aws:PrincipalAccount}``, ``${aws:RequestedRegion}``) are judged by what they can hold
            (:func:`judged_resource`).
        account: the stack's account (12 digits), or ``None`` when unknown: then no ARN is named as
            another account's.
        region: the stack's region, or ``None`` when unknown.

    Returns:
        A :class:`PairReach`. An action without resource types reaches ``STAR`` on ``"*"`` and is dead
        on any ARN (only ``"*"`` applies to it: Service Authorization Reference).
    """
    judged = judged_resource(resource, account)
    if judged == "*" or covers_everything(judged):
        types = tuple(t.name for t, _ in action.resource_types)
        return PairReach(action.key, resource, types, Reach.STAR)
    fields = judged.split(":", 5)
    if len(fields) < 6:
        return PairReach(action.key, resource, (), None)
    matched = [t for t, _ in action.resource_types if names_type(t, judged)]
    if not matched:
        return PairReach(action.key, resource, (), None)
    level = max(_level(t, fields) for t in matched)
    other_account = other_region = None
    written_account, written_region = fields[4], fields[3]
    if account and re.fullmatch(r"\d{12}", written_account) and written_account != account:
        other_account = written_account
    if region and written_region and not _wild(written_region) and written_region != region:
        other_region = written_region
    return PairReach(action.key, resource, tuple(t.name for t in matched), level, other_account, other_region)


FIXED_VARIABLES = frozenset({"aws:principalaccount"})
"""IAM policy variables (lower case) that hold one value the role cannot choose: the account of the principal
making the request, the role's own (IAM User Guide, 'AWS global condition context keys': aws:PrincipalAccount).
Every other variable counts as any value: request keys (``aws:RequestedRegion``, ``aws:RequestTag/*``,
``s3:prefix``) are the caller's to choose, ``aws:userid`` of a role session ends in the session name the caller
picks, and session tags (``aws:PrincipalTag/*``; EKS Pod Identity's ``kubernetes-pod-name``) follow the pod."""

LITERAL_VARIABLES = frozenset({"*", "?", "$"})
"""``${*}``, ``${?}`` and ``${$}``: IAM's way to write the characters ``*``, ``?`` and ``$`` themselves (IAM User
Guide, 'IAM policy elements: Variables and tags', special characters); each is one fixed character."""


def judged_resource(resource: str, account: str | None = None) -> str:
    """``resource`` with every IAM policy variable replaced by what it can hold, so that its ``:`` fields are the
    ARN's own (``arn:aws:iam::${aws:PrincipalAccount}:role/*`` has the colon of ``aws:`` inside a variable):
    :data:`FIXED_VARIABLES` by the stack's ``account`` (a placeholder account when unknown), an escaped character
    (:data:`LITERAL_VARIABLES`) by a fixed one, and every other variable by ``*``, since it can hold any value
    (IAM User Guide, 'IAM policy elements: Variables and tags')."""

    def held(match: re.Match[str]) -> str:
        key = match.group(1).strip().lower()
        if key in LITERAL_VARIABLES:
            return "_"
        if key in FIXED_VARIABLES:
            return account or "000000000000"
        return "*"

    return VARIABLE.sub(held, resource) if "${" in resource else resource


def covers_everything(resource: object) -> bool:
    """``*``, or an ARN whose region, account and resource part are wildcards only (``arn:aws:s3:::*``,
    ``arn:*:*:*:*:*``): IAM matches it against every resource of the action."""
    if resource == "*":
        return True
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        return False
    fields = resource.split(":", 5)
    return len(fields) == 6 and all(not f.strip("*?/") for f in fields[3:]) and "*" in fields[5]


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _level(rtype: ResourceType, fields: list[str]) -> Reach:
    """The reach of an ARN pattern (split in six fields) over one resource type it names."""
    template = rtype.arn.split(":", 5)
    anywhere = ("${" in template[3] and _wild(fields[3])) or ("${" in template[4] and _wild(fields[4]))
    part = fields[5]
    cut = min((i for i in (part.find("*"), part.find("?")) if i >= 0), default=-1)
    if cut < 0:
        return Reach.ANY if anywhere else Reach.ONE
    fixed = VARIABLE.split(template[5])[0]  # the template's literal text before its first variable
    literal = part[:cut]
    level = Reach.TYPE if len(literal) <= len(fixed) else Reach.PREFIX
    if rtype.service in GLOBAL_NAMES and not template[4] and not _first_name_pinned(template[5], literal):
        anywhere = True
    return Reach.ANY if anywhere else level


def _first_name_pinned(template_part: str, literal: str) -> bool:
    """Whether the literal text before a wildcard holds the template's first variable in full (it is
    followed by the character that ends that variable: ``acme-logs/`` pins the bucket of ``${BucketName}/...``)."""
    match = VARIABLE.search(template_part)
    if match is None:
        return True
    after = template_part[match.end() : match.end() + 1]
    return bool(after) and after in literal[match.start() :]


# ---------------------------------------------------------------------------------------------
# Whether an ARN pattern can name a resource of a type (IAM's matching against the ARN template).

_Token = tuple[str, str]  # ("lit", one character) or ("var", the characters it cannot hold)


@lru_cache(maxsize=8192)
def _template_tokens(rtype: ResourceType) -> tuple[str, tuple[_Token, ...]]:
    """The service and the resource part of a resource type's ARN template, the latter as tokens.

    Partition, region and account are not compared (a template may write ``::`` where a policy writes
    ``*`` or an account). A variable followed by ``/`` or ``:`` holds no such character (a DynamoDB
    table name). The last variable holds anything, except where another resource type of the service
    continues the same template with a variable and ``/`` (``table/${TableName}`` beside
    ``table/${TableName}/index/${IndexName}``; an S3 bucket beside its objects): then
    ``table/orders/index/*`` names an index, not a table.
    """
    fields = rtype.arn.split(":", 5)
    if len(fields) < 6:
        return "", ()
    head = ":".join(fields[:5]) + ":"
    matches = list(VARIABLE.finditer(fields[5]))
    tokens: list[_Token] = []
    last = 0
    for number, match in enumerate(matches):
        tokens += [("lit", c) for c in fields[5][last : match.start()]]
        after = fields[5][match.end() : match.end() + 1]
        if after in ("/", ":"):
            tokens.append(("var", after))
        elif number == len(matches) - 1 and not after and _continued(rtype.service, head + fields[5][: match.start()]):
            tokens.append(("var", "/"))
        else:
            tokens.append(("var", ""))
        last = match.end()
    tokens += [("lit", c) for c in fields[5][last:]]
    return fields[2], tuple(tokens)


@cache
def _templates_of(prefix: str) -> tuple[str, ...]:
    from .table import service

    found = service(prefix)
    return tuple(sorted({r.arn for r in found.resources.values()})) if found else ()


def _continued(prefix: str, before: str) -> bool:
    return any(
        other.startswith(before) and re.match(r"\$\{[^}]*\}/", other[len(before) :]) for other in _templates_of(prefix)
    )


@lru_cache(maxsize=8192)
def _template_regex(rtype: ResourceType) -> re.Pattern[str]:
    parts = [
        re.escape(v) if t == "lit" else (f"[^{re.escape(v)}]*" if v else ".*") for t, v in _template_tokens(rtype)[1]
    ]
    return re.compile("".join(parts), re.IGNORECASE)


@lru_cache(maxsize=65536)
def names_type(rtype: ResourceType, resource: str) -> bool:
    """Whether an ARN as written in a policy can name a resource of type ``rtype``: whether some ARN fits
    both. IAM compares the service field as written and the resource part as a pattern, ``*`` standing
    for any text (``/`` included) and ``?`` for one character (IAM User Guide, 'IAM JSON policy
    elements: Resource'). An IAM policy variable (``${aws:username}``) stands for any value."""
    service, kind = _template_tokens(rtype)
    fields = VARIABLE.sub("*", resource).lower().split(":", 5)
    if len(fields) < 6 or not kind:
        return True
    if not wildcard_match(fields[2], service, ignore_case=True):
        return False
    written = fields[5]
    if "*" not in written and "?" not in written:
        return _template_regex(rtype).fullmatch(written) is not None

    @cache
    def fits(i: int, j: int) -> bool:
        if i == len(kind):
            return j == len(written) or (written[j] == "*" and fits(i, j + 1))
        token, value = kind[i]
        if j == len(written):
            return token == "var" and fits(i + 1, j)
        char = written[j]
        if token == "var":
            if fits(i + 1, j):
                return True
            if char in "*?":
                return fits(i, j + 1)
            return char not in value and fits(i, j + 1)
        if char == "*":
            return fits(i + 1, j) or fits(i, j + 1)
        return (char == "?" or char == value.lower()) and fits(i + 1, j + 1)

    return fits(0, 0)
