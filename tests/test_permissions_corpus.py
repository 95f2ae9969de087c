"""One corpus of permissions, judged through the catalog and through ``IrsaRole`` directly: every reach
level, every privilege-escalation method, every condition case, AWS managed policies and a session
policy, each refused or accepted with the message named.

Expected outcomes follow from the rules' sources, not from earlier output: the reach levels of
``eks_irsa.iam.reach`` (a wildcard in an ARN's account is any account), the access levels of the
Service Authorization Reference (``dynamodb:GetItem`` is Read: data exfiltration at every table), the
published escalation methods (each method's actions granted at the reach of every role, user or policy
of the account), and IAM's condition rules (``...IfExists`` passes a call without the key). The corpus
is built once per path: one catalog with a service per case, one program with a role per case.

What mocks cannot show: that IAM evaluates these documents as the rules say; the verify command's
emulator and a real account do.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest

from eks_irsa.catalog import load_catalog
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam import table
from eks_irsa.iam.escalation import methods
from eks_irsa.irsa import IrsaRole
from eks_irsa.testing import EksIrsaMocks, config_from_stack_file, run_program
from tests.conftest import PROJECT

ACCOUNT, OTHER, REGION = "111122223333", "444455556666", "us-west-2"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
CATEGORIES = "data exfiltration, credentials exposure, resource exposure and infrastructure modification"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
CNI = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"


@dataclass(frozen=True)
class Case:
    """One service of the corpus.

    Attributes:
        name: the service (catalog key, component name).
        statements: ``PermissionStatement`` dicts (the catalog writes the same keys).
        refused: a phrase every refusal names (a finding code, a category, a method), or ``None`` when
            the role is accepted.
        warned: a phrase a warning of an accepted role names, or ``None``.
        managed: AWS managed policy ARNs; ``managed_why`` their justifications.
        session: a session policy (the role then uses EKS Pod Identity): the pod holds the intersection.
    """

    name: str
    statements: tuple[dict, ...]
    refused: str | None = None
    warned: str | None = None
    managed: tuple[str, ...] = ()
    managed_why: dict[str, str] = field(default_factory=dict)
    session: tuple[dict, ...] = ()


def grant(actions: list[str] | str, resources: list[str] | str, why: str | None = None, **conditions) -> dict:
    out: dict = {
        "actions": [actions] if isinstance(actions, str) else actions,
        "resources": [resources] if isinstance(resources, str) else resources,
    }
    if why:
        out["justification"] = why
    if conditions:
        out["conditions"] = conditions
    return out


def _type_wide(action: str) -> str:
    """Every resource of the action's first resource type in the account (``role/*``), or ``*`` without one."""
    found = table.action(action)
    assert found is not None, action
    if not found.resource_types:
        return "*"
    template = found.resource_types[0][0].arn
    fields = template.split(":", 5)
    region = REGION if fields[3] else ""
    account = ACCOUNT if fields[4] else ""
    return table.VARIABLE.sub("*", ":".join([fields[0], "aws", fields[2], region, account, fields[5]]))


def _escalation_cases() -> list[Case]:
    cases = []
    for number, method in enumerate(methods()):
        slug = f"{number:02d}-{method.name.lower()[:40]}"
        opened = [m.name for m in methods() if set(m.actions) <= set(method.actions)]
        reviewed = f"Privilege escalation reviewed; {CATEGORIES}."
        statements = tuple(grant(table.action(a).key, _type_wide(a), reviewed) for a in method.actions)  # type: ignore[union-attr]
        cases.append(Case(f"esc-{slug}", statements, refused=method.name))
        named = tuple({**s, "justification": f"{' and '.join(opened)}: {reviewed}"} for s in statements)
        cases.append(Case(f"ok-{slug}", named))
    return cases


READ = "dynamodb:GetItem"
PASS_AND_RUN = (
    grant("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*", f"{CATEGORIES}."),
    grant("ec2:RunInstances", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/*", f"{CATEGORIES}."),
)
CASES: tuple[Case, ...] = (
    # Reach, narrow to broad.
    Case("reach-one", (grant(READ, f"{TABLE}/orders"),)),
    Case("reach-prefix", (grant(READ, f"{TABLE}/orders-*"),)),
    Case("reach-type", (grant(READ, f"{TABLE}/*"),), refused="'data exfiltration'"),
    Case("reach-type-named", (grant(READ, f"{TABLE}/*", "Data exfiltration: the exporter reads every table."),)),
    Case(
        "reach-any-account",
        (grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*"),),
        refused="IRSA_ANY_ACCOUNT",
    ),
    Case("reach-any-bucket", (grant("s3:GetObject", "arn:aws:s3:::acme-*/*"),), refused="IRSA_ANY_ACCOUNT"),
    Case("reach-one-bucket", (grant("s3:GetObject", "arn:aws:s3:::acme-logs/app/*"),)),
    Case("reach-star", (grant("s3:GetObject", "arn:aws:s3:::*"),), refused="IRSA_RESOURCE_STAR"),
    Case("reach-star-named", (grant("s3:GetObject", "*", "Data exfiltration: reads any bucket it is sent."),)),
    Case("reach-kms-any", (grant("kms:Decrypt", "arn:aws:kms:*:*:key/*"),), refused="IRSA_ANY_ACCOUNT"),
    # Another account or region than the stack's: a warning, silenced by naming it.
    Case("other-account", (grant(READ, f"arn:aws:dynamodb:{REGION}:{OTHER}:table/t"),), warned="IRSA_OTHER_ACCOUNT"),
    Case("other-account-meant", (grant(READ, f"arn:aws:dynamodb:{REGION}:{OTHER}:table/t", f"Account {OTHER}."),)),
    Case(
        "other-region",
        (grant("ssm:GetParameter", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/app/x"),),
        warned="IRSA_OTHER_REGION",
    ),
    # Conditions count when they constrain.
    Case(
        "cond-constrains",
        (grant("ec2:AuthorizeSecurityGroupIngress", "*", "team groups", StringEquals={"aws:ResourceTag/team": "a"}),),
    ),
    Case(
        "cond-star-value",
        (grant("ec2:AuthorizeSecurityGroupIngress", "*", "team groups", StringLike={"aws:ResourceTag/team": "*"}),),
        refused="'infrastructure modification'",
    ),
    Case(
        "cond-if-exists",
        (
            grant(
                "ec2:AuthorizeSecurityGroupIngress",
                "*",
                "team groups",
                StringEqualsIfExists={"aws:ResourceTag/team": "a"},
            ),
        ),
        refused="'infrastructure modification'",
    ),
    Case(
        "cond-any-region",
        (grant("iam:PassRole", "*", "passes the node role", StringLike={"aws:RequestedRegion": "*"}),),
        refused="'infrastructure modification'",
    ),
    Case(
        "cond-key-unused",
        (grant("s3:GetObject", "arn:aws:s3:::acme-logs/*", None, StringEquals={"ec2:Region": REGION}),),
        refused="IRSA_CONDITION_KEY_UNUSED",
    ),
    # AWS managed policies, judged by their documents.
    Case("managed-unjustified", (), refused="IRSA_RESOURCE_STAR", managed=(CNI,)),
    Case(
        "managed-justified",
        (),
        managed=(CNI,),
        managed_why={CNI: "Infrastructure modification: the VPC CNI manages every pod's network interfaces."},
    ),
    Case(
        "managed-escalation",
        (grant("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*", f"{CATEGORIES}."),),
        refused="CreateEC2WithExistingIP",
        managed=("arn:aws:iam::aws:policy/aws-service-role/AWSEC2SpotServiceRolePolicy",),
        managed_why={"arn:aws:iam::aws:policy/aws-service-role/AWSEC2SpotServiceRolePolicy": f"{CATEGORIES}."},
    ),
    # A session policy intersects: an escalation the role opens is held only if the session grants it too.
    Case(
        "session-escalation",
        PASS_AND_RUN,
        refused="CreateEC2WithExistingIP",
        session=(grant(["iam:PassRole", "ec2:RunInstances"], "*"),),
    ),
    Case("session-narrows", PASS_AND_RUN, session=(grant("s3:GetObject", "arn:aws:s3:::acme-logs/app/*"),)),
    *_escalation_cases(),
)


def test_the_corpus_holds_every_method_and_level() -> None:
    assert {m.name for m in methods()} <= {c.refused for c in CASES}
    assert len({c.name for c in CASES}) == len(CASES)
    assert all(len(c.name) <= 63 for c in CASES)


def _catalog_entry(case: Case) -> dict:
    entry: dict = {"namespace": "corpus", "serviceAccount": case.name, "statements": list(case.statements)}
    if case.managed:
        entry["managedPolicyArns"] = list(case.managed)
    if case.managed_why:
        entry["managedPolicyJustifications"] = dict(case.managed_why)
    if not case.statements:
        del entry["statements"]
    if case.session:
        entry["identity"] = "pod-identity"
        entry["sessionPolicy"] = list(case.session)
    return entry


@pytest.fixture(scope="module")
def through_catalog() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Problems by service from one catalog holding every case, and the accepted roles' warnings."""
    config = copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml"))
    config["eks-irsa:services"] = {c.name: _catalog_entry(c) for c in CASES}
    problems: dict[str, list[str]] = {}
    try:
        settings = load_catalog(config, PROJECT)
    except IrsaConfigError as error:
        for problem in error.problems:
            problems.setdefault(problem.field.split(".")[1], []).append(str(problem))
        accepted = [c for c in CASES if c.refused is None]
        config["eks-irsa:services"] = {c.name: _catalog_entry(c) for c in accepted}
        settings = load_catalog(config, PROJECT)
    warnings = {name: list(plan.warnings) for name, plan in settings.plans.items()}
    return problems, warnings


@pytest.fixture(scope="module")
def through_component() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Problems by role from one program constructing every case, and the logs of the accepted ones."""
    problems: dict[str, list[str]] = {}

    def program() -> None:
        for case in CASES:
            args = {
                "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
                "oidc_issuer": f"https://{ISSUER}",
                "cluster_name": "acme-dev",
                "namespace": "corpus",
                "service_account": case.name,
                "role_account_id": ACCOUNT,
                "statements": list(case.statements),
                "create_service_account": False,
            }
            if case.managed:
                args["managed_policy_arns"] = list(case.managed)
            if case.managed_why:
                args["managed_policy_justifications"] = dict(case.managed_why)
            if case.session:
                args["identity"] = "pod-identity"
                args["cluster_arn"] = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/acme-dev"
                args["session_policy"] = list(case.session)
            try:
                IrsaRole(case.name, args)  # type: ignore[arg-type]
            except IrsaConfigError as error:
                problems[case.name] = [str(p) for p in error.problems]

    run = run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT, region=REGION))
    logs: dict[str, list[str]] = {}
    for case in CASES:
        logs[case.name] = [message for _, message in run.logs if f"{case.name}:" in message]
    return problems, logs


@pytest.mark.parametrize("path", ["through_catalog", "through_component"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_case_is_refused_or_accepted_with_the_message_named(case: Case, path: str, request) -> None:
    problems, warnings = request.getfixturevalue(path)
    found = problems.get(case.name, [])
    if case.refused is None:
        assert found == [], found
        if case.warned:
            assert any(case.warned in w for w in warnings[case.name]), warnings[case.name]
        else:
            assert not any("IRSA_OTHER_" in w for w in warnings.get(case.name, [])), warnings.get(case.name)
    else:
        assert found, f"{case.name} passed"
        assert any(case.refused in p for p in found), found
