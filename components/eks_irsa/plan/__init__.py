"""``RolePlan`` and ``plan_role``: the one owner of every per-role rule, run once per role.

Pure: no Pulumi import. Rooms: :mod:`~eks_irsa.plan.model` (the planned role and its ``service.json``
form), :mod:`~eks_irsa.plan.rules` (:func:`plan_role` and the rules on names, subjects and quotas),
:mod:`~eks_irsa.plan.identity` (IRSA, Pod Identity, session and target rules), :mod:`~eks_irsa.plan.arns` (the ARN
rules),
:mod:`~eks_irsa.plan.render` (documents and names once Outputs resolve), :mod:`~eks_irsa.plan.lint` (the
permissions lint and risk assessment as the rules call them); beside them :mod:`~eks_irsa.plan.cluster`, every
rule on ``EksClusterArgs`` (imported by its own name, not re-exported here). The names below are re-exported so that
``from eks_irsa.plan import X`` reads the same whichever room holds ``X``.
"""

from .lint import RISK_DOCS, Assessment, assess
from .model import (
    AUDIENCE_ANNOTATION,
    REGIONAL_STS_ANNOTATION,
    ROLE_ARN_ANNOTATION,
    TAG_PREFIX,
    TOKEN_EXPIRATION_ANNOTATION,
    IdentityType,
    Rendered,
    RolePlan,
    RoleRecord,
    ServiceAccountPlan,
    frozen_args,
)
from .render import (
    check_bound,
    cluster_tags,
    permissions_documents,
    render_trust,
    role_name_for,
    target_role_arn_for,
)
from .rules import (
    BROAD_MANAGED_POLICIES,
    OURS,
    PLANNED_BINDING,
    POD_IDENTITY_CHINA_DOCS,
    POD_IDENTITY_DOCS,
    ROLE_ONLY_CHART_VALUES,
    SESSION_POLICY_DOCS,
    WEBHOOK_DOCS,
    check_permissions_boundary,
    check_planned,
    plan_role,
    statement_from_args,
    with_warnings,
)

__all__ = [
    "AUDIENCE_ANNOTATION",
    "BROAD_MANAGED_POLICIES",
    "OURS",
    "PLANNED_BINDING",
    "POD_IDENTITY_CHINA_DOCS",
    "POD_IDENTITY_DOCS",
    "REGIONAL_STS_ANNOTATION",
    "RISK_DOCS",
    "ROLE_ARN_ANNOTATION",
    "ROLE_ONLY_CHART_VALUES",
    "SESSION_POLICY_DOCS",
    "TAG_PREFIX",
    "TOKEN_EXPIRATION_ANNOTATION",
    "WEBHOOK_DOCS",
    "Assessment",
    "IdentityType",
    "Rendered",
    "RolePlan",
    "RoleRecord",
    "ServiceAccountPlan",
    "assess",
    "check_bound",
    "check_permissions_boundary",
    "check_planned",
    "cluster_tags",
    "frozen_args",
    "permissions_documents",
    "plan_role",
    "render_trust",
    "role_name_for",
    "statement_from_args",
    "target_role_arn_for",
    "with_warnings",
]
