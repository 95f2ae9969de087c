"""``--json`` of lint and explain (the documented, versioned shapes of docs/cli.md), explain reading a fresh
``build/`` only, and audit without a region saying what to set. ``plan --json``: tests/test_plan_program.py.

What this cannot show: that a consumer's parser reads the documents; only their keys and values are pinned.
"""

from __future__ import annotations

import json
import os

from eks_irsa.cli import audit as audit_cli
from eks_irsa.cli import explain, lint
from eks_irsa.cli.output import SCHEMA_VERSION
from tests.test_explain import NOW, key, mint, rendered, write_policy  # noqa: F401 (key and mint are fixtures)


def _document(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_lint_json_lists_each_file_s_findings_and_fails_on_an_error(tmp_path, capsys):
    bad = write_policy(
        tmp_path,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
        "bad.json",
    )
    good = write_policy(
        tmp_path,
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
        },
        "good.json",
    )
    assert lint.main(["--json", bad, good]) == 1
    document = _document(capsys)
    assert (document["command"], document["schemaVersion"], document["ok"]) == ("lint", SCHEMA_VERSION, False)
    by_file = {f["file"]: f["findings"] for f in document["files"]}
    assert by_file[good] == []
    (finding,) = by_file[bad]
    assert set(finding) == {
        "code",
        "severity",
        "kind",
        "resource",
        "field",
        "value",
        "rule",
        "message",
        "source",
        "fix",
    }
    assert (finding["code"], finding["kind"], finding["field"], finding["value"]) == (
        "IRSA_SERVICE_WILDCARD",
        "error",
        "Statement[0]",
        "s3:*",
    )
    assert lint.main(["--json", good]) == 0
    assert _document(capsys)["ok"] is True


def test_explain_json_gives_the_verdict_and_each_finding_with_its_cause(tmp_path, capsys, mint):  # noqa: F811
    token = mint(sub="system:serviceaccount:billing:orders-api")
    code = explain.main(
        ["--token", token, "--policy", write_policy(tmp_path, rendered()), "--now", str(NOW + 60), "--json"]
    )
    assert code == explain.EXIT_DENIED
    document = _document(capsys)
    assert set(document) == {
        "command",
        "schemaVersion",
        "question",
        "request",
        "roleArn",
        "policy",
        "allowed",
        "reasons",
        "findings",
        "notes",
    }
    assert (document["question"], document["allowed"]) == ("web-identity", False)
    assert document["request"]["subject"] == "system:serviceaccount:billing:orders-api"
    causes = [f["cause"] for f in document["findings"]]
    assert "WRONG_SUBJECT" in causes
    wrong = next(f for f in document["findings"] if f["cause"] == "WRONG_SUBJECT")
    assert wrong["usualCause"].startswith("the pod runs in another namespace")


def test_explain_json_of_bad_input_is_a_document_with_exit_2(tmp_path, capsys):
    assert explain.main(["--policy", str(tmp_path / "none.json"), "--token", str(tmp_path / "t"), "--json"]) == 2
    document = _document(capsys)
    assert document["command"] == "explain" and "error" in document


def test_explain_refuses_a_build_older_than_its_stack_file(tmp_path, capsys):
    """explain reads build/<stack>/ and never re-plans; a stack file edited since is named, exit 2."""
    build = tmp_path / "project" / "build" / "dev" / "services" / "orders-api"
    build.mkdir(parents=True)
    (tmp_path / "project" / "stacks").mkdir()
    stack_file = tmp_path / "project" / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text("config: {}\n")
    write_policy(build, rendered())
    service = {"roleArn": "arn:aws:iam::111122223333:role/r", "namespace": "orders", "serviceAccount": "orders-api"}
    service.update({k: None for k in explain.SERVICE_KEYS if k not in service})
    (build / "service.json").write_text(json.dumps(service))
    written = (build / "service.json").stat().st_mtime
    os.utime(stack_file, (written + 10, written + 10))
    argv = ["--stack", "dev", "--service", "orders-api", "--build-dir", str(tmp_path / "project" / "build")]
    assert (
        explain.main(
            [*argv, "--pod", "orders/orders-api", "--cluster-arn", "arn:aws:eks:us-west-2:111122223333:cluster/c"]
        )
        == 2
    )
    assert "changed after" in capsys.readouterr().err
    os.utime(stack_file, (written - 10, written - 10))
    assert explain.main(
        [*argv, "--pod", "orders/orders-api", "--cluster-arn", "arn:aws:eks:us-west-2:111122223333:cluster/c"]
    ) in (0, 1)


def test_audit_without_a_region_says_what_to_set(monkeypatch, capsys):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    assert audit_cli.main([]) == 2
    err = capsys.readouterr().err
    assert "None" not in err
    assert "--region" in err and "AWS_REGION" in err
