"""External Secrets Operator (AWS Secrets Manager and Parameter Store providers): its scoped permission
set (``_build``) beside its spec (``SPEC``, whose ``source`` names the published policy followed and
``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.partition import partition_for_region
from ..iam.policy import PolicyStatement
from .scopes import AddonContext, check_kms_key_arn, check_parameter_path, check_secret_arn, check_secret_name_prefix
from .spec import AddonParameter, AddonSpec, HelmChart, ParamType
from .statements import NO_RESOURCE, statement, strings, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    secrets = strings(params, "secretArns") + [
        ctx.arn("secretsmanager", f"secret:{prefix}*") for prefix in strings(params, "secretNamePrefixes")
    ]
    parameters = [
        ctx.arn("ssm", f"parameter/{path.strip('/')}{suffix}")
        for path in strings(params, "parameterPaths")
        for suffix in ("", "/*")
    ]
    keys = strings(params, "kmsKeyArns")
    statements: list[PolicyStatement] = []
    if secrets:
        statements.append(
            statement(
                [
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:GetResourcePolicy",
                ],
                secrets,
            )
        )
    if parameters:
        statements.append(
            statement(
                ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:ListTagsForResource"],
                parameters,
            )
        )
    if keys:
        services = (["secretsmanager"] if secrets else []) + (["ssm"] if parameters else [])
        suffix = partition_for_region(ctx.region).dns_suffix
        statements.append(
            statement(
                ["kms:Decrypt"],
                keys,
                {"StringEquals": {"kms:ViaService": tuple(f"{s}.{ctx.region}.{suffix}" for s in services)}},
            )
        )
    if params.get("allowFind"):
        listing = (["secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"] if secrets else []) + (
            ["ssm:DescribeParameters"] if parameters else []
        )
        statements.append(
            unscoped(
                listing,
                why=NO_RESOURCE + " Granted only with allowFind: ListSecrets and DescribeParameters return names and "
                "metadata of every secret or parameter; BatchGetSecretValue still needs GetSecretValue on each secret.",
            )
        )
    return statements


SPEC = AddonSpec(
    name="external-secrets",
    title="External Secrets Operator (AWS Secrets Manager and Parameter Store providers)",
    namespace="external-secrets",
    service_account="external-secrets",
    source="external-secrets/external-secrets docs/provider/aws-secrets-manager.md and "
    "docs/provider/aws-parameter-store.md (read access; PushSecret's write access is not included)",
    tighter="no published policy to compare; reads only the named secrets, secret name prefixes and parameter "
    "hierarchies of the region and account; listing actions only with allowFind",
    parameters=(
        AddonParameter(
            "secretArns",
            ParamType.STRING_LIST,
            False,
            "Secrets Manager secret ARNs it may read",
            check_secret_arn,
        ),
        AddonParameter(
            "secretNamePrefixes",
            ParamType.STRING_LIST,
            False,
            "literal secret name prefixes it may read (region and account of the cluster)",
            check_secret_name_prefix,
        ),
        AddonParameter(
            "parameterPaths",
            ParamType.STRING_LIST,
            False,
            "Parameter Store hierarchies it may read, e.g. /prod/orders",
            check_parameter_path,
        ),
        AddonParameter(
            "kmsKeyArns",
            ParamType.STRING_LIST,
            False,
            "customer managed KMS keys of those secrets or SecureString parameters (kms:Decrypt through "
            "those services only); default: none (AWS managed keys need no grant)",
            check_kms_key_arn,
        ),
        AddonParameter(
            "allowFind",
            ParamType.BOOLEAN,
            False,
            "grant the listing actions dataFrom.find needs (Resource '*'); default: false",
        ),
    ),
    one_of=("secretArns", "secretNamePrefixes", "parameterPaths"),
    build=_build,
    installed_by=HelmChart(
        "external-secrets/external-secrets",
        (("serviceAccount.create", "false"), ("serviceAccount.name", "external-secrets")),
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``external-secrets``."""
