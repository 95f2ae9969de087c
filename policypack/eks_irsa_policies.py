"""The eks-irsa policy pack's policies: the IRSA invariants on any stack, through the package's own rules.

Every rule is the package's (``eks_irsa.iam.trust_review`` for trust policies, the plan's and the audit's
judgement too; ``eks_irsa.iam.review``, ``eks_irsa.iam.lint``, ``eks_irsa.iam.evaluate``,
``eks_irsa.iam.arn``); this module only reads resource properties, finds
which resources belong together (a node group and its launch template and node role, a
ServiceAccount and the role it names) and reports each problem as a violation that starts with the
resource's name and ends with the fix.

Values unknown at preview (an ARN, a trust policy rendered from one) are never judged: a resource
policy lets the SDK's ``UnknownValueError`` through, which ``pulumi preview`` shows as an advisory
note ("can't run policy ... during preview"); a stack policy judges every resource it can and then
raises one such note naming the ones it skipped.

``__main__.py`` builds the ``PolicyPack`` from :data:`POLICIES`; tests import this module, since
constructing a ``PolicyPack`` starts the analyzer's gRPC server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from eks_irsa.errors import Problem
from eks_irsa.iam.arn import ACCOUNT_ID, parse_arn, parse_iam_arn
from eks_irsa.iam.eks_policies import CNI_POLICY
from eks_irsa.iam.findings import sorted_findings
from eks_irsa.iam.judgement import judge_documents, risk_findings
from eks_irsa.iam.limits import TRUST_POLICY_MAX_DEFAULT, TRUST_POLICY_MAX_RAISED
from eks_irsa.iam.lint import lint_document
from eks_irsa.iam.review import (
    IMDS_DOCS,
    IMDS_OPT_OUT_TAG,
    check_instance_metadata,
    check_role_arn_annotations,
    check_trust_admits,
)
from eks_irsa.iam.trust import DEFAULT_AUDIENCE, IRSA_DOCS
from eks_irsa.iam.trust_review import TrustContext, is_workload_trust, review_trust
from eks_irsa.plan import AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"

ACCOUNT_SCHEMA = PolicyConfigSchema(
    {
        "accountId": {
            "type": "string",
            "pattern": ACCOUNT_ID.pattern,
            "description": "The account the stack's roles live in, when their AWS provider does not say it "
            "(allowedAccountIds with one account, or an assumed role's ARN).",
        }
    }
)

TRUST_SCHEMA = PolicyConfigSchema(
    {
        **ACCOUNT_SCHEMA.properties,
        "trustPolicyMaxSize": {
            "type": "integer",
            "minimum": TRUST_POLICY_MAX_DEFAULT,
            "maximum": TRUST_POLICY_MAX_RAISED,
            "description": "The account's role trust policy quota in characters when raised above 2,048 (IAM and AWS "
            "STS quotas).",
        },
    }
)

# --- reading properties --------------------------------------------------------------------------------------


def _document(name: str, prop: str, value: object, report: ReportViolation) -> Mapping[str, object] | None:
    """A policy document property (a JSON string, or an object) as a mapping; a violation when it is neither."""
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except ValueError as error:
        parsed, detail = None, f" ({error})"
    else:
        detail = ""
    if isinstance(parsed, Mapping):
        return parsed
    report(f"{name}: {prop} is not a JSON policy document{detail}. Fix: give the document as JSON text or an object")
    return None


def _plain(value: object) -> object:
    """A property value with the SDK's proxies unwrapped, reading every item (so an unknown inside raises)."""
    if isinstance(value, Mapping):
        return {key: _plain(value[key]) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(value[i]) for i in range(len(value))]
    return value


def _get(props: Mapping[str, object], *path: str) -> object:
    """``props[path[0]][path[1]]...``; ``None`` where a key is missing; raises ``UnknownValueError`` on an unknown."""
    value: object = props
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _is_set(props: Mapping[str, object], *path: str) -> bool:
    """Whether a property is given, known or not (an unknown value is a given one)."""
    try:
        return _get(props, *path) is not None
    except UnknownValueError:
        return True


def _say(name: str, problems: Iterable[Problem], report: ReportViolation, urn: str | None = None) -> None:
    for problem in problems:
        report(f"{name}: {problem}", urn)


def _decoded(value: object) -> object:
    """A provider setting as the engine sends it: JSON text for lists and objects, else the value; ``None``
    for text that is not JSON."""
    if not isinstance(value, str):
        return _plain(value)
    try:
        return json.loads(value)
    except ValueError:
        return None


def _role_account(args: ResourceValidationArgs) -> str | None:
    """The role's account: the policy's ``accountId`` config, else its AWS provider's single allowed
    account or assumed role's account; ``None`` when neither says it."""
    return _account(args.get_config(), args.provider.props if args.provider else {})


def _account(config: Mapping[str, object], provider: Mapping[str, object]) -> str | None:
    """:func:`_role_account` from a policy's config and the resource's AWS provider's properties."""
    configured = config.get("accountId")
    if configured:
        return str(configured)
    allowed = _decoded(_get(provider, "allowedAccountIds"))
    if isinstance(allowed, list) and len(allowed) == 1:
        return str(allowed[0])
    for key in ("assumeRoles", "assumeRole"):
        assumed = _decoded(_get(provider, key))
        first = assumed[0] if isinstance(assumed, list) and assumed else assumed
        arn = parse_iam_arn(first.get("roleArn"), "role") if isinstance(first, Mapping) else None
        if arn:
            return arn.account
    return None


# --- resource policies ----------------------------------------------------------------------------------------


def _workload_trust(refused: bool) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    """Report the role's trust findings (:func:`eks_irsa.iam.trust_review.review_trust`) whose severity the
    plan refuses (``refused``), or the others; the role's account and quota come from the policy's config
    and the role's AWS provider."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        raw = _get(args.props, "assumeRolePolicy")
        if raw is None:
            return
        sink: list[str] = []
        document = _document(args.name, "assumeRolePolicy", raw, report if refused else sink.append)
        if document is None:
            return
        size = args.get_config().get("trustPolicyMaxSize") or TRUST_POLICY_MAX_DEFAULT
        context = TrustContext(role_account=_role_account(args), max_size=int(size))
        for finding in review_trust(_plain(document), context):
            if finding.refused is refused:
                report(f"{args.name}: {finding.at('assumeRolePolicy')}")

    return validate


def _service_account_annotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    annotations = _get(args.props, "metadata", "annotations")
    if isinstance(annotations, Mapping):
        problems = check_role_arn_annotations("metadata.annotations", _plain(annotations), ROLE_ARN_ANNOTATION)
        _say(args.name, problems, report)


def _node_group_launch_template(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not _is_set(args.props, "launchTemplate"):
        report(
            f"{args.name}: launchTemplate is not set, so its nodes run with EKS's default instance metadata "
            "settings, which this pack cannot see or pin to IMDSv2 with hop limit 1 "
            f"(rule: {IMDS_DOCS}). Fix: give the node group a launch template with "
            'metadata_options http_tokens="required" and http_put_response_hop_limit=1'
        )


def _permissions_lint(args: ResourceValidationArgs, report: ReportViolation) -> None:
    justified = args.get_config().get("resourceStarJustified") or {}
    documents: list[tuple[str, object]] = []
    if args.resource_type == ROLE:
        inline = _get(args.props, "inlinePolicies") or []
        documents = [(f"inlinePolicies[{i}].policy", _get(p, "policy")) for i, p in enumerate(inline)]
    else:
        documents = [("policy", args.props["policy"])]
    for prop, raw in documents:
        if raw is None:
            continue
        document = _document(args.name, prop, raw, report)
        if document is None:
            continue
        for finding in lint_document(args.name, _plain(document)):
            if not finding.refused:
                continue
            if finding.code in ("IRSA_RESOURCE_STAR", "IRSA_ANY_ACCOUNT") and (
                args.name in justified or f"{args.name}.{finding.field}" in justified
            ):
                continue  # the reach a justification allows, as in a statement's justification
            fix = (
                f'list "{args.name}" with its reason under this policy\'s resourceStarJustified, or scope the resources'
                if finding.code in ("IRSA_RESOURCE_STAR", "IRSA_ANY_ACCOUNT")
                else "fix the action or resource the message names"
            )
            report(
                f"{args.name}: {prop} fails the permissions lint: {finding.code} {finding.field} ({finding.value}): "
                f"{finding.rule} (rule: {finding.source}). Fix: {fix}"
            )


# --- stack policies -------------------------------------------------------------------------------------------


class _Skips:
    """Resources a stack policy could not judge because a value is unknown; raised at the end as one note."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def run(self, resource: PolicyResource, check: Callable[[], None]) -> None:
        try:
            check()
        except UnknownValueError as error:
            self.items.append(f"{resource.name} ({error.message})")

    def close(self) -> None:
        if self.items:
            error = UnknownValueError(UNKNOWN_STRING_VALUE, [])
            error.message = "not judged yet, a value is unknown: " + "; ".join(self.items)
            raise error


def _of_type(resources: Iterable[PolicyResource], type_: str) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type == type_]


def _linked(resource: PolicyResource, prop: str, type_: str, candidates: list[PolicyResource]) -> PolicyResource | None:
    """The resource of ``type_`` that ``resource.prop`` refers to: by property dependency, else the only
    dependency of that type, else ``None``."""
    by_prop = [r for r in resource.property_dependencies.get(prop, []) if r.resource_type == type_]
    if len(by_prop) == 1:
        return by_prop[0]
    deps = [r for r in resource.dependencies if r.resource_type == type_ and r in candidates]
    return deps[0] if len(deps) == 1 else None


def _service_account_trust(args: StackValidationArgs, report: ReportViolation) -> None:
    skips = _Skips()
    roles = _of_type(args.resources, ROLE)
    for account in _of_type(args.resources, SERVICE_ACCOUNT):
        skips.run(account, lambda a=account: _check_service_account(a, roles, report))
    skips.close()


def _check_service_account(account: PolicyResource, roles: list[PolicyResource], report: ReportViolation) -> None:
    annotations = _get(account.props, "metadata", "annotations")
    if not isinstance(annotations, Mapping) or ROLE_ARN_ANNOTATION not in annotations:
        return
    arn = parse_iam_arn(annotations[ROLE_ARN_ANNOTATION], "role")
    if arn is None:
        return  # serviceaccount-role-annotation reports it
    role_name = arn.resource_id.rsplit("/", 1)[-1]
    matches = [r for r in roles if _known(r.props, "arn") == str(arn)] or [
        r for r in roles if _known(r.props, "name") == role_name
    ]
    if len(matches) != 1:
        return  # the role is not in this stack
    role = matches[0]
    sink: list[str] = []
    document = _document(role.name, "assumeRolePolicy", _get(role.props, "assumeRolePolicy"), sink.append)
    if document is None:
        return  # workload-trust reports an unreadable trust policy
    namespace = _get(account.props, "metadata", "namespace") or "default"
    name = _get(account.props, "metadata", "name")
    if not isinstance(name, str):
        return  # an auto-named ServiceAccount: its name is Pulumi's to choose
    audience = annotations.get(AUDIENCE_ANNOTATION, DEFAULT_AUDIENCE)
    problems = check_trust_admits(
        f"ServiceAccount {namespace}/{name} -> role {role.name}", _plain(document), namespace, name, audience
    )
    _say(account.name, problems, report, account.urn)


def _node_imds(args: StackValidationArgs, report: ReportViolation) -> None:
    skips = _Skips()
    templates = _of_type(args.resources, LAUNCH_TEMPLATE)
    for group in _of_type(args.resources, NODE_GROUP):
        skips.run(group, lambda g=group: _check_node_template(g, templates, report))
    skips.close()


def _check_node_template(group: PolicyResource, templates: list[PolicyResource], report: ReportViolation) -> None:
    if not _is_set(group.props, "launchTemplate"):
        return  # eks-node-group-launch-template reports it
    template = _linked(group, "launchTemplate", LAUNCH_TEMPLATE, templates)
    if template is None:
        wanted = {
            v for v in (_known(group.props, "launchTemplate", "id"), _known(group.props, "launchTemplate", "name")) if v
        }
        found = [t for t in templates if wanted & {_known(t.props, "id"), _known(t.props, "name")}]
        template = found[0] if len(found) == 1 else None
    if template is None:
        return  # the launch template is not in this stack
    options = _get(template.props, "metadataOptions") or {}
    tags = _get(template.props, "tags") or {}
    problems = check_instance_metadata(
        "metadataOptions",
        _get(options, "httpEndpoint"),
        _get(options, "httpTokens"),
        _whole(_get(options, "httpPutResponseHopLimit")),
        opted_out=str(_get(tags, IMDS_OPT_OUT_TAG)).lower() == "true",
    )
    for problem in problems:
        report(f"{template.name} (launch template of node group {group.name}): {problem}", template.urn)


def _whole(value: object) -> object:
    """A number as the engine sends it (protobuf has only floats) back to ``int`` when it is whole."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _known(props: Mapping[str, object], *path: str) -> object:
    try:
        return _get(props, *path)
    except UnknownValueError:
        return None


def _node_role_cni(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = args.resources
    roles = _of_type(resources, ROLE)
    if not _cni_has_own_role(resources, roles):
        return
    skips = _Skips()
    node_roles = []
    for group in _of_type(resources, NODE_GROUP):
        role = _linked(group, "nodeRoleArn", ROLE, roles)
        if role is None:
            arn = _known(group.props, "nodeRoleArn")
            role = next((r for r in roles if arn and _known(r.props, "arn") == arn), None)
        if role is not None and role not in node_roles:
            node_roles.append(role)
    for role in node_roles:
        skips.run(role, lambda r=role: _check_node_role(r, resources, report))
    skips.close()


def _cni_has_own_role(resources: list[PolicyResource], roles: list[PolicyResource]) -> bool:
    """The VPC CNI gets its permissions elsewhere than the node role: the vpc-cni add-on with a
    ``serviceAccountRoleArn``, a Pod Identity association for ``kube-system/aws-node``, or a role
    whose trust admits exactly that service account."""
    for addon in _of_type(resources, ADDON):
        if _known(addon.props, "addonName") == "vpc-cni" and _is_set(addon.props, "serviceAccountRoleArn"):
            return True
    for association in _of_type(resources, POD_IDENTITY_ASSOCIATION):
        if (_known(association.props, "namespace"), _known(association.props, "serviceAccount")) == (
            "kube-system",
            "aws-node",
        ):
            return True
    for role in roles:
        trust = _known(role.props, "assumeRolePolicy")
        sink: list[str] = []
        document = _document(role.name, "assumeRolePolicy", trust, sink.append) if trust else None
        if document and not check_trust_admits("cni", _plain(document), "kube-system", "aws-node"):
            return True
    return False


def _check_node_role(role: PolicyResource, resources: list[PolicyResource], report: ReportViolation) -> None:
    attached = [
        (a, _get(a.props, "policyArn"))
        for a in _of_type(resources, ATTACHMENT)
        if role in a.property_dependencies.get("role", a.dependencies)
        or (_is_set(role.props, "name") and _known(a.props, "role") == _known(role.props, "name"))
    ]
    managed = _get(role.props, "managedPolicyArns") or []
    attached += [(role, arn) for arn in managed]
    for holder, arn in attached:
        parsed = parse_arn(arn)
        if (
            parsed
            and parsed.service == "iam"
            and parsed.account == "aws"
            and parsed.resource.endswith(f"/{CNI_POLICY}")
        ):
            report(
                f"{holder.name}: attaches {arn} to node role {role.name}, while the VPC CNI has its own role; every "
                f"pod on those nodes that reaches the instance metadata service can use it (rule: EKS User Guide, "
                f"'Configure Amazon VPC CNI plugin to use IRSA'; {IRSA_DOCS}). Fix: detach {CNI_POLICY} from the "
                "node role",
                holder.urn,
            )


def _workload_permissions(args: StackValidationArgs, report: ReportViolation) -> None:
    skips = _Skips()
    for role in _of_type(args.resources, ROLE):
        skips.run(role, lambda r=role: _check_role_permissions(r, args.resources, args.get_config(), report))
    skips.close()


def _check_role_permissions(
    role: PolicyResource, resources: list[PolicyResource], config: Mapping[str, object], report: ReportViolation
) -> None:
    """A workload role's permissions as a whole, by :func:`eks_irsa.iam.judgement.judge_documents`: its inline
    policies, the ``RolePolicy`` s and ``RolePolicyAttachment`` s of the stack naming it (a customer managed
    ``Policy`` of the stack by its document), and its AWS managed policies."""
    trust = _get(role.props, "assumeRolePolicy")
    sink: list[str] = []
    document = _document(role.name, "assumeRolePolicy", trust, sink.append) if trust is not None else None
    if document is None or not is_workload_trust(_plain(document)):
        return  # workload-trust reports an unreadable trust policy; other roles are not workloads
    reasons = config.get("justifications") or {}
    why: Callable[..., str | None] = lambda *keys: next(  # noqa: E731
        (str(reasons[k]) for k in keys if isinstance(reasons, Mapping) and k in reasons), None
    )
    documents: list[tuple[str, Mapping[str, object], str | None]] = []
    for index, item in enumerate(_get(role.props, "inlinePolicies") or []):
        raw = _get(item, "policy")
        parsed = _document(role.name, f"inlinePolicies[{index}].policy", raw, sink.append) if raw else None
        if parsed is not None:
            documents.append((f"{role.name}.inlinePolicies[{index}]", _plain(parsed), why(role.name)))
    for holder in _naming(role, ROLE_POLICY, resources):
        parsed = _document(holder.name, "policy", _get(holder.props, "policy"), sink.append)
        if parsed is not None:
            documents += _per_statement(holder.name, _plain(parsed), (holder.name,), reasons, why(holder.name))
    managed = [(str(arn), why(str(arn), role.name)) for arn in _plain(_get(role.props, "managedPolicyArns") or [])]
    policies = _of_type(resources, POLICY)
    for holder in _naming(role, ATTACHMENT, resources):
        arn = _get(holder.props, "policyArn")
        policy = _linked(holder, "policyArn", POLICY, policies) or next(
            (p for p in policies if arn and _known(p.props, "arn") == arn), None
        )
        parsed = _document(policy.name, "policy", _get(policy.props, "policy"), sink.append) if policy else None
        if policy is not None and parsed is not None:
            keys = (holder.name, policy.name)
            documents += _per_statement(holder.name, _plain(parsed), keys, reasons, why(*keys))
        elif policy is None:
            managed.append((str(arn), why(str(arn), holder.name)))
    provider = role.provider.props if role.provider else {}
    region = _decoded(_get(provider, "region"))
    judged = judge_documents(
        role.name, documents, managed, _account(config, provider), region if isinstance(region, str) else None
    )
    findings = [i.finding.at(i.source) for i in judged.findings if i.field == "managed_policy_arns"]
    for finding in sorted_findings([*findings, *risk_findings(judged)]):
        if finding.refused:
            report(f"{role.name}: {finding}", role.urn)


def _per_statement(
    source: str, document: Mapping[str, object], keys: Sequence[str], reasons: object, whole: str | None
) -> list[tuple[str, Mapping[str, object], str | None]]:
    """``(source, document, justification)`` for :func:`judge_documents`: the document whole with ``whole``
    (its resource's justification), or, when ``reasons`` keys one of its statements as
    ``<key>.Statement[<i>]`` (a key of ``keys``, the index in ``Statement``), each statement alone as
    ``<source>.Statement[<i>]`` with its own justification (else ``whole``), as the components judge each
    statement by its own."""
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    labels = [[f"{key}.Statement[{i}]" for key in keys] for i in range(len(items))]
    if not isinstance(reasons, Mapping) or not any(k in reasons for each in labels for k in each):
        return [(source, document, whole)]
    return [
        (
            f"{source}.Statement[{i}]",
            {**document, "Statement": [item]},
            next((str(reasons[k]) for k in labels[i] if k in reasons), whole),
        )
        for i, item in enumerate(items)
    ]


def _naming(role: PolicyResource, type_: str, resources: list[PolicyResource]) -> list[PolicyResource]:
    """The resources of ``type_`` whose ``role`` is this role: by property dependency, else by dependency, else
    by the role's known name."""
    name = _known(role.props, "name")
    return [
        r
        for r in _of_type(resources, type_)
        if role in r.property_dependencies.get("role", r.dependencies) or (name and _known(r.props, "role") == name)
    ]


# --- the pack --------------------------------------------------------------------------------------------------


def _for(
    types: tuple[str, ...], validate: Callable[[ResourceValidationArgs, ReportViolation], None]
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    """``validate`` on resources of ``types`` only."""

    def run(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type in types:
            validate(args, report)

    return run


POLICIES = [
    ResourceValidationPolicy(
        name="workload-trust",
        description="A role trusting an EKS OIDC provider or EKS Pod Identity passes the package's trust judgement "
        "(the plan's and the audit's): :sub and :aud pinned, a literal namespace, one issuer per statement, the "
        "provider in the role's account and partition, Pod Identity scoped to the cluster with sts:TagSession, "
        "within the trust policy quota. Findings of severity critical, high and medium.",
        validate=_for((ROLE,), _workload_trust(refused=True)),
        config_schema=TRUST_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="workload-trust-advisory",
        description="The trust judgement's low-severity findings (StringLike without a wildcard, an audience other "
        "than sts.amazonaws.com, a dual-stack issuer beside its IPv4 one): for a reviewer, never blocking.",
        validate=_for((ROLE,), _workload_trust(refused=False)),
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=TRUST_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="serviceaccount-role-annotation",
        description="A ServiceAccount's eks.amazonaws.com/role-arn is a well-formed IAM role ARN under the exact key "
        "the pod identity webhook reads.",
        validate=_for((SERVICE_ACCOUNT,), _service_account_annotation),
    ),
    ResourceValidationPolicy(
        name="eks-node-group-launch-template",
        description="An EKS managed node group uses a launch template, so its instance metadata settings are pinned.",
        validate=_for((NODE_GROUP,), _node_group_launch_template),
    ),
    ResourceValidationPolicy(
        name="iam-permissions-lint",
        description="Permissions policies pass the eks-irsa permissions lint (by reach, on the IAM table the "
        "package ships) without errors, as the components' own policies must.",
        validate=_for((ROLE, ROLE_POLICY, POLICY), _permissions_lint),
        config_schema=PolicyConfigSchema(
            {
                "resourceStarJustified": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": 'Resource names (or statements, <resource>.Statement[<index>]) whose "Resource": '
                    '"*" or any-account ARNs are justified, each with the reason (the components read a '
                    "statement's justification; a raw document has none).",
                }
            }
        ),
    ),
    StackValidationPolicy(
        name="workload-permissions",
        description="A workload role's permissions (inline policies, the stack's RolePolicy and RolePolicyAttachment "
        "resources, AWS managed policies) judged as a whole as the components judge theirs: privilege escalation "
        "across the role, risk categories by reach, the documents of AWS managed policies. Findings of severity "
        "critical, high and medium.",
        validate=_workload_permissions,
        config_schema=PolicyConfigSchema(
            {
                **ACCOUNT_SCHEMA.properties,
                "justifications": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "A reason per resource name (a RolePolicy, a RolePolicyAttachment, a role for its "
                    "inline and managed policies), per statement of a RolePolicy or customer managed Policy "
                    "(<resource>.Statement[<index>]) or per AWS managed policy ARN; a risk category or escalation "
                    "method it names is allowed, as a statement's justification allows it in the components.",
                },
            }
        ),
    ),
    StackValidationPolicy(
        name="serviceaccount-role-trust",
        description="Where a ServiceAccount's annotated role is in the same stack, its trust policy admits exactly "
        "that ServiceAccount (and not the namespace's default one).",
        validate=_service_account_trust,
    ),
    StackValidationPolicy(
        name="eks-node-imds",
        description="Launch templates of EKS node groups require IMDSv2 with hop limit 1, unless tagged "
        f"{IMDS_OPT_OUT_TAG}=true.",
        validate=_node_imds,
    ),
    StackValidationPolicy(
        name="eks-node-role-cni-policy",
        description=f"Node roles do not carry {CNI_POLICY} when the VPC CNI has its own role.",
        validate=_node_role_cni,
    ),
]
"""Every policy of the pack, in the order ``pulumi preview`` lists them."""
