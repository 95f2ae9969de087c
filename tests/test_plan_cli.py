"""`make plan`'s command line: exit codes and what it prints and writes."""

from __future__ import annotations

import json

import yaml

from eks_irsa.cli import plan


def table_rows(out: str) -> list[str]:
    """The first column of the plan's table: the lines between its dashed rule and the blank line after it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("----")) + 1
    end = lines.index("", start)
    return [line.split()[0] for line in lines[start:end]]


def test_a_valid_stack_prints_one_row_per_role_and_exits_0(project, capsys):
    assert plan.main(["--stack", "dev", "--build-dir", str(project / "build")]) == 0
    out = capsys.readouterr().out
    written = json.loads((project / "build" / "dev" / "plan.json").read_text())
    # Whether the cluster exists, who runs pulumi up, EKS's default version of the EBS CSI add-on.
    assert f"Stack dev: {len(written['resources'])} resources, 3 invokes." in out
    assert "Nothing was deployed" in out
    roles = sorted(r["name"] for r in written["resources"] if r["type"] == "eks-irsa:index:IrsaRole")
    assert table_rows(out) == roles
    assert sorted(p.name for p in (project / "build" / "dev" / "services").iterdir()) == roles
    catalog = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())["config"]["eks-irsa:services"]
    assert set(catalog) < set(roles)  # plus the cluster's own vpc-cni role


def test_an_invalid_catalog_exits_1_and_writes_nothing(project, capsys):
    document = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    document["config"]["eks-irsa:services"]["orders-api"]["namespace"] = "Orders"
    (project / "stacks" / "Pulumi.broken.yaml").write_text(yaml.safe_dump(document))
    assert plan.main(["--stack", "broken", "--build-dir", str(project / "build")]) == 1
    err = capsys.readouterr().err
    assert "error: stack broken is invalid; nothing was written." in err
    assert "eks-irsa:services.orders-api.namespace: 'Orders'" in err
    assert not (project / "build" / "broken").exists()


def test_an_unknown_stack_exits_2(project, capsys):
    assert plan.main(["--stack", "nope", "--build-dir", str(project / "build")]) == 2
    assert "no stack file stacks/Pulumi.nope.yaml" in capsys.readouterr().err


def test_lint_errors_make_the_catalog_invalid_exit_1(project, capsys):
    document = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    document["config"]["eks-irsa:services"]["orders-api"]["statements"][0]["actions"] = ["dynamodb:GetItemz"]
    (project / "stacks" / "Pulumi.typo.yaml").write_text(yaml.safe_dump(document))
    assert plan.main(["--stack", "typo", "--build-dir", str(project / "build"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "eks-irsa:services.orders-api.statements[0]" in err and "dynamodb:GetItemz" in err
    assert not (project / "build" / "typo").exists()


def test_a_yaml_syntax_error_is_one_line_with_file_line_and_column(project, capsys):
    text = (project / "stacks" / "Pulumi.dev.yaml").read_text().replace("namespace: orders", "namespace: [orders", 1)
    (project / "stacks" / "Pulumi.syntax.yaml").write_text(text)
    assert plan.main(["--stack", "syntax", "--build-dir", str(project / "build")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    opened = next(i for i, row in enumerate(text.splitlines(), start=1) if "namespace: [orders" in row)
    # The unclosed flow sequence is found on the next line, where the next key starts.
    assert err.startswith(f"error: stacks/Pulumi.syntax.yaml:{opened + 1}:")
    assert err.endswith("; nothing was written.")
