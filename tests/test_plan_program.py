"""``eks-irsa plan --program DIR``: a user's own Pulumi program, planned offline like the catalog, and ``--json``.

What mocks cannot prove: that the user's program deploys; only what it registers under the mock monitor.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from eks_irsa.cli import plan
from eks_irsa.cli.output import SCHEMA_VERSION, TABLE_WIDTH
from eks_irsa.testing import PLACEHOLDER
from tests.conftest import ROOT
from tests.test_plan_cli import table_rows

EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "Pulumi.yaml").is_file())

PROGRAM = textwrap.dedent(
    """\
    import pulumi
    from eks_irsa import IrsaRole

    config = pulumi.Config()
    for name in config.require_object("services"):
        IrsaRole(name, {
            "cluster_name": "acme-dev",
            "oidc_provider_arn": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
            "oidc_issuer": "oidc.eks.us-west-2.amazonaws.com/id/ABC",
            "namespace": config.get("namespace") or "orders",
            "create_service_account": False,
            "statements": [{"actions": ["sqs:ReceiveMessage"],
                            "resources": [f"arn:aws:sqs:us-west-2:111122223333:{name}"]}],
        })
    """
)


def _project(tmp_path: Path, config: str = "  shop:services: [orders-api, invoices]\n", stacks=("dev",)) -> Path:
    """A user's project folder: its own Pulumi.yaml, program and stack files."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (folder / "__main__.py").write_text(PROGRAM)
    for stack in stacks:
        (folder / f"Pulumi.{stack}.yaml").write_text(f"config:\n  aws:allowedAccountIds: ['111122223333']\n{config}")
    return folder


def test_a_users_program_gets_the_catalogs_files_under_its_own_build_folder(tmp_path, capsys):
    folder = _project(tmp_path)
    assert plan.main(["--program", str(folder)]) == 0
    out = capsys.readouterr().out
    assert table_rows(out) == ["invoices", "orders-api"]
    build = folder / "build" / "dev"
    written = json.loads((build / "plan.json").read_text())
    assert written["project"] == "shop"
    assert sorted(r["name"] for r in written["resources"] if r["type"] == "eks-irsa:index:IrsaRole") == [
        "invoices",
        "orders-api",
    ]
    files = sorted(p.name for p in (build / "services" / "orders-api").iterdir())
    assert files == ["permissions-policy.json", "service.json", "trust-policy.json"]
    service = json.loads((build / "services" / "orders-api" / "service.json").read_text())
    assert service["oidcIssuer"] == "oidc.eks.us-west-2.amazonaws.com/id/ABC"
    assert service["subjects"] == ["system:serviceaccount:orders:orders-api"]
    assert service["roleArn"] == "arn:aws:iam::111122223333:role/acme-dev-orders-orders-api"


def test_a_users_program_gets_its_justifications_for_the_policy_pack_and_the_audit(tmp_path, capsys):
    """Each justified statement keyed by the RolePolicy the component registers and its index in the document;
    the unjustified one and the unjustified role get no key."""
    folder = _project(tmp_path)
    reason = "Data exfiltration: the job reads every secret of the account to rotate it."
    secrets = {"actions": ["secretsmanager:GetSecretValue"], "resources": ["*"], "justification": reason}
    program = PROGRAM.replace('"statements": [{', f'"statements": ([{secrets!r}] if name == "invoices" else []) + [{{')
    (folder / "__main__.py").write_text(program)
    assert plan.main(["--program", str(folder), "--quiet"]) == 0
    build = folder / "build" / "dev"
    document = json.loads((build / "services" / "invoices" / "permissions-policy.json").read_text())
    (index,) = [i for i, s in enumerate(document["Statement"]) if s["Action"] == "secretsmanager:GetSecretValue"]
    key = f"invoices-permissions.Statement[{index}]"
    config = json.loads((build / "policy-pack-config.json").read_text())
    assert config == {
        "iam-permissions-lint": {"resourceStarJustified": {key: reason}},
        "workload-permissions": {"justifications": {key: reason}},
    }
    audit = json.loads((build / "audit-justifications.json").read_text())
    assert audit == {"acme-dev-orders-invoices": reason}


def test_the_issuer_is_called_made_up_only_when_the_mocks_made_it(tmp_path, capsys):
    """The program above passes its cluster's issuer; a program whose cluster the mocks answer gets theirs."""
    project = _project(tmp_path)
    assert plan.main(["--program", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Nothing was deployed" in out and "is made up" not in out
    record = json.loads((project / "build" / "dev" / "plan.json").read_text())
    assert "Nothing was deployed" in record["placeholders"] and "issuer" not in record["placeholders"]
    example = shutil.copytree(ROOT / "examples" / "app-team", tmp_path / "app-team")  # its platform stack is mocked
    assert plan.main(["--program", str(example)]) == 0
    assert f"the OIDC issuer id ({PLACEHOLDER}...) is made up." in capsys.readouterr().out
    record = json.loads((example / "build" / "prod" / "plan.json").read_text())
    assert f"the OIDC issuer id starts with {PLACEHOLDER}" in record["placeholders"]


def test_the_stack_is_required_only_when_the_project_has_several(tmp_path, capsys):
    folder = _project(tmp_path, stacks=("dev", "prod"))
    assert plan.main(["--program", str(folder)]) == 2
    assert "give --stack" in capsys.readouterr().err
    assert plan.main(["--program", str(folder), "--stack", "prod", "--quiet"]) == 0
    assert (folder / "build" / "prod" / "plan.json").is_file()
    assert plan.main(["--program", str(folder), "--stack", "qa"]) == 2


def test_a_folder_without_a_pulumi_project_exits_2(tmp_path, capsys):
    assert plan.main(["--program", str(tmp_path)]) == 2
    assert "Pulumi.yaml" in capsys.readouterr().err


def test_a_refused_input_exits_1_naming_the_field_and_writes_nothing(tmp_path, capsys):
    folder = _project(tmp_path, config="  shop:services: [orders-api]\n  shop:namespace: Orders\n")
    assert plan.main(["--program", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "IrsaRole orders-api: namespace" in err and "'Orders'" in err
    assert not (folder / "build").exists()


def test_a_program_that_fails_exits_1_with_one_line_not_a_traceback(tmp_path, capsys):
    folder = _project(tmp_path)
    (folder / "__main__.py").write_text("raise RuntimeError('no such bucket')\n")
    assert plan.main(["--program", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err == "error: the program failed: RuntimeError: no such bucket; nothing was written.\n"


def test_a_program_without_any_role_exits_1(tmp_path, capsys):
    folder = _project(tmp_path)
    (folder / "__main__.py").write_text("import pulumi\npulumi.export('x', 1)\n")
    assert plan.main(["--program", str(folder)]) == 1
    assert "makes no IrsaRole" in capsys.readouterr().err


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_plans_with_plan_program(example, tmp_path, capsys):
    copy = tmp_path / example.name
    shutil.copytree(example, copy, ignore=shutil.ignore_patterns("build", "__pycache__"))
    assert plan.main(["--program", str(copy), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] and document["services"]
    for service in document["services"]:
        assert (copy / "build" / document["stack"] / "services" / service["name"] / "service.json").is_file()


def test_plan_json_is_the_documented_shape_and_byte_identical(tmp_path, capsys):
    folder = _project(tmp_path)
    assert plan.main(["--program", str(folder), "--json"]) == 0
    first = capsys.readouterr().out
    assert plan.main(["--program", str(folder), "--json"]) == 0
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert document["schemaVersion"] == SCHEMA_VERSION and document["command"] == "plan"
    assert set(document) == {
        "command",
        "schemaVersion",
        "ok",
        "stack",
        "buildDir",
        "resources",
        "invokes",
        "warnings",
        "services",
    }
    (orders,) = [s for s in document["services"] if s["name"] == "orders-api"]
    assert set(orders) == {
        "name",
        "identity",
        "namespace",
        "serviceAccounts",
        "roleName",
        "roleArn",
        "mayDo",
        "riskCategories",
        "files",
    }
    assert (
        orders["identity"] == "irsa"
        and orders["mayDo"] == "sqs:ReceiveMessage on arn:aws:sqs:us-west-2:111122223333:orders-api"
    )


def test_plan_json_of_a_refused_input_lists_the_problems_with_exit_1(tmp_path, capsys):
    folder = _project(tmp_path, config="  shop:services: [orders-api]\n  shop:namespace: Orders\n")
    assert plan.main(["--program", str(folder), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert [p["field"] for p in document["problems"]] == ["IrsaRole orders-api: namespace"]


def test_the_table_fits_120_columns_and_names_each_identity(project, capsys):
    assert plan.main(["--stack", "staging", "--build-dir", str(project / "build")]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("----"))
    table = lines[start - 1 : lines.index("", start)]
    assert max(len(line) for line in table) <= TABLE_WIDTH
    identities = {json.loads(p.read_text())["identity"] for p in (project / "build" / "staging").rglob("service.json")}
    assert {line.split()[1] for line in table[2:]} == identities
