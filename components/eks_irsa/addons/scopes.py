"""Scopes of the well-known add-ons: where the cluster runs, and the checks of every scoping value
(hosted zone ids, bucket names, secret ARNs, ...), each with the source of its rule."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.arn import ACCOUNT_ID, Arn, parse_arn, parse_iam_arn
from ..iam.partition import partition_for_region

SAR = "Service Authorization Reference, 'Actions, resources, and condition keys for AWS services'"


@dataclass(frozen=True)
class AddonContext:
    """Where the add-on runs: every ARN of its statements is built from these.

    Attributes:
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ...; must be the partition of ``region``.
        region: the cluster's region, e.g. ``eu-west-1``.
        account: the 12-digit account id the cluster and the role live in.
        cluster: the EKS cluster name.
    """

    partition: str
    region: str
    account: str
    cluster: str

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``; region and account default to the
        context's (pass ``""`` for a global service or an ARN without account, ``"*"`` for any)."""
        return (
            f"arn:{self.partition}:{service}:{self.region if region is None else region}:"
            f"{self.account if account is None else account}:{resource}"
        )


def check_context(context: AddonContext) -> list[Problem]:
    """Problems with a context: unknown region, partition not the region's, account not 12 digits,
    cluster name not an EKS name (botocore partitions.json; IAM User Guide, 'IAM identifiers';
    EKS API Reference, CreateCluster)."""
    problems: list[Problem] = []
    try:
        expected = partition_for_region(context.region, "region").name
    except IrsaConfigError as error:
        problems.extend(error.problems)
    else:
        if context.partition != expected:
            problems.append(
                Problem(
                    "partition",
                    context.partition,
                    f"is not the partition of region {context.region!r} ({expected!r})",
                    "botocore partitions.json (regionRegex of each partition)",
                    f"use {expected!r}",
                )
            )
    if not isinstance(context.account, str) or not ACCOUNT_ID.fullmatch(context.account):
        problems.append(
            Problem(
                "account",
                context.account,
                "is not a 12-digit AWS account id",
                "IAM User Guide, 'IAM identifiers'",
                "give the account id as a string of 12 digits",
            )
        )
    problems += limits.check_cluster_name("cluster", context.cluster)
    return problems


# ---------------------------------------------------------------------------------------------
# Value checks, each with the rule's source.

_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}\Z")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+\Z")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}\Z")
_SECRET_ANY_SUFFIX = "-??????"
_REGION_FIELD = re.compile(r"^[a-z0-9-]+\Z")
_PARAMETER_PATH = re.compile(r"^(/[A-Za-z0-9_.-]+)+/?\Z")
_KMS_KEY_ID = re.compile(r"^[A-Za-z0-9-]+\Z")
_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}\Z|^[A-Za-z0-9_-]{1,75}\.fifo\Z")
_LOG_GROUP = re.compile(r"^[A-Za-z0-9._/#-]+\*?\Z")

S3_BUCKET_RULES = "Amazon S3 User Guide, 'General purpose bucket naming rules'"
ROUTE53_ZONE = "Amazon Route 53 API Reference, HostedZone (Id) and CreateHostedZone"
SECRETS_MANAGER = "AWS Secrets Manager API Reference, CreateSecret (Name); " + SAR
SSM_NAMES = "AWS Systems Manager User Guide, 'Parameter Store' (parameter name requirements, hierarchies)"
KMS_KEYS = "AWS KMS Developer Guide, 'Key identifiers (KeyId)'"
IAM_ARNS = "IAM User Guide, 'IAM identifiers' (IAM ARNs)"
SQS_NAMES = "Amazon SQS API Reference, CreateQueue (QueueName)"
LOGS_NAMES = "Amazon CloudWatch Logs API Reference, CreateLogGroup (logGroupName)"


def check_hosted_zone_id(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A Route 53 hosted zone id: ``Z`` then upper-case letters and digits, at most 32 characters."""
    if value.startswith("/hostedzone/"):
        return [Problem(where, value, "carries the '/hostedzone/' prefix", ROUTE53_ZONE, "give the bare id, Z...")]
    if not _HOSTED_ZONE_ID.match(value):
        return [
            Problem(
                where,
                value,
                "is not a hosted zone id (Z followed by upper-case letters and digits, at most 32 characters; "
                "no wildcard)",
                ROUTE53_ZONE,
                "copy the id from 'aws route53 list-hosted-zones', e.g. Z0123456789ABCDEFGHIJ",
            )
        ]
    return []


def check_bucket_name(where: str, value: str, context: AddonContext) -> list[Problem]:
    """An S3 general purpose bucket name: 3 to 63 characters of ``a-z0-9.-``, starting and ending
    alphanumeric, no ``..``, not an IP address, no reserved prefix or suffix."""
    broken = (
        "is not 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
        if not _BUCKET.match(value)
        else "holds '..'"
        if ".." in value
        else "is formatted as an IP address"
        if _IP_ADDRESS.match(value)
        else f"starts with a reserved prefix ({', '.join(_BUCKET_PREFIXES)})"
        if value.startswith(_BUCKET_PREFIXES)
        else f"ends with a reserved suffix ({', '.join(_BUCKET_SUFFIXES)})"
        if value.endswith(_BUCKET_SUFFIXES)
        else None
    )
    if broken:
        return [Problem(where, value, f"{broken}; not an S3 bucket name", S3_BUCKET_RULES, "give the bucket's name")]
    return []


def check_region(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A region of the context's partition."""
    try:
        partition = partition_for_region(value, where).name
    except IrsaConfigError as error:
        return error.problems
    if partition != context.partition:
        return [
            Problem(
                where,
                value,
                f"is in partition {partition!r}, not the stack's {context.partition!r}",
                "botocore partitions.json (regionRegex of each partition)",
                f"use a region of {context.partition!r}",
            )
        ]
    return []


def _check_arn_home(where: str, value: str, partition: str, context: AddonContext, source: str) -> list[Problem]:
    if partition != context.partition:
        return [
            Problem(
                where,
                value,
                f"is in partition {partition!r}, not the stack's {context.partition!r}",
                source,
                f"write arn:{context.partition}:...",
            )
        ]
    return []


def _regional_arn(value: str, service: str) -> Arn | None:
    """``value`` parsed when it is an ARN of ``service`` with a region and a 12-digit account."""
    fields = parse_arn(value)
    if fields is None or fields.service != service or not _REGION_FIELD.match(fields.region):
        return None
    return fields if ACCOUNT_ID.fullmatch(fields.account) else None


def check_secret_arn(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A Secrets Manager secret ARN in the stack's partition: a full ARN, or one ending in ``-??????``
    (any random suffix) or ``*`` after a literal name."""
    fields = _regional_arn(value, "secretsmanager")
    name = fields.resource.removeprefix("secret:") if fields and fields.resource.startswith("secret:") else ""
    literal = name.removesuffix(_SECRET_ANY_SUFFIX) if name.endswith(_SECRET_ANY_SUFFIX) else name.removesuffix("*")
    if fields is None or not _SECRET_NAME.match(literal):
        return [
            Problem(
                where,
                value,
                "is not a secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>, the name "
                "optionally followed by -?????? or *)",
                SECRETS_MANAGER,
                "copy the ARN from 'aws secretsmanager describe-secret', or use secretNamePrefixes",
            )
        ]
    return _check_arn_home(where, value, fields.partition, context, SECRETS_MANAGER)


def check_secret_name_prefix(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A literal prefix of secret names: letters, digits and ``/_+=.@-``, at most 512 characters."""
    if not _SECRET_NAME.match(value):
        return [
            Problem(
                where,
                value,
                "is not a secret name prefix (letters, digits and /_+=.@-, no wildcard, at most 512 characters)",
                SECRETS_MANAGER,
                "give the literal start of the names, e.g. prod/orders/",
            )
        ]
    return []


def check_parameter_path(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A Parameter Store hierarchy: ``/a/b`` (letters, digits, ``_.-``), not ``/`` alone, not under
    ``/aws`` or ``/ssm`` (reserved), at most 1011 characters."""
    if not _PARAMETER_PATH.match(value) or len(value) > 1011:
        return [
            Problem(
                where,
                value,
                "is not a parameter hierarchy (/segment/... of letters, digits and _.-, no wildcard; the root '/' "
                "alone would name every parameter)",
                SSM_NAMES,
                "give the path the add-on reads, e.g. /prod/orders",
            )
        ]
    if value.lstrip("/").split("/")[0].lower() in ("aws", "ssm"):
        return [Problem(where, value, "is under a reserved prefix (aws, ssm)", SSM_NAMES, "use your own hierarchy")]
    return []


def check_kms_key_arn(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A KMS key ARN (not an alias: aliases do not scope key use in identity policies)."""
    fields = _regional_arn(value, "kms")
    if fields is None or not fields.resource.startswith("key/") or not _KMS_KEY_ID.match(fields.resource_id):
        return [
            Problem(
                where,
                value,
                "is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)",
                KMS_KEYS,
                "give the key ARN, not an alias; 'aws kms describe-key --key-id alias/...' prints it",
            )
        ]
    return _check_arn_home(where, value, fields.partition, context, KMS_KEYS)


def check_node_role_arn(where: str, value: str, context: AddonContext) -> list[Problem]:
    """The ARN of an IAM role in the stack's partition and account (EC2 instance profiles take only
    roles of their own account)."""
    fields = parse_iam_arn(value, "role")
    path, _, name = fields.resource_id.rpartition("/") if fields else ("", "", "")
    if (
        fields is None
        or limits.check_role_name(where, name)
        or limits.check_role_path(where, f"/{path}/" if path else "/")
        or "*" in value
    ):
        return [
            Problem(
                where,
                value,
                "is not an IAM role ARN (arn:<partition>:iam::<account>:role/<path/><name>, no wildcard)",
                IAM_ARNS,
                "copy the node role's ARN, e.g. arn:aws:iam::111122223333:role/KarpenterNodeRole-<cluster>",
            )
        ]
    problems = _check_arn_home(where, value, fields.partition, context, IAM_ARNS)
    if not problems and fields.account != context.account:
        problems.append(
            Problem(
                where,
                value,
                f"is in account {fields.account}, not the cluster's {context.account}",
                "IAM User Guide, 'Using instance profiles' (an instance profile holds a role of its own account)",
                "create the node role in the cluster's account",
            )
        )
    return problems


def check_queue_name(where: str, value: str, context: AddonContext) -> list[Problem]:
    """An SQS queue name: 1 to 80 letters, digits, ``-`` and ``_`` (FIFO names end in ``.fifo``)."""
    if not _QUEUE_NAME.match(value):
        return [
            Problem(
                where,
                value,
                "is not an SQS queue name (1 to 80 letters, digits, '-' and '_'; a FIFO name ends in .fifo); "
                "give the name, not the URL or ARN",
                SQS_NAMES,
                "e.g. Karpenter-<cluster>",
            )
        ]
    return []


def check_log_group(where: str, value: str, context: AddonContext) -> list[Problem]:
    """A CloudWatch Logs group name (``.-_/#`` letters, digits, at most 512 characters), optionally
    ending in ``*`` to name a prefix; the prefix before ``*`` must hold at least one ``/`` segment."""
    literal = value.rstrip("*")
    if not _LOG_GROUP.match(value) or len(value) > 512 or len(literal.strip("/")) == 0:
        return [
            Problem(
                where,
                value,
                "is not a log group name or a name prefix ending in '*' (letters, digits, ._/#-)",
                LOGS_NAMES,
                "e.g. /aws/containerinsights/<cluster>/*",
            )
        ]
    return []
