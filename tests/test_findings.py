"""The one finding type and severity every judgement returns (eks_irsa.iam.findings)."""

from __future__ import annotations

import json

import pytest

from eks_irsa.errors import IrsaConfigError, Problem
from eks_irsa.iam.findings import REFUSED, Finding, Severity, raise_refused, sorted_findings


def _finding(code: str = "X", severity: Severity = Severity.HIGH, field: str = "f", value: object = "v") -> Finding:
    return Finding(code, severity, field, value, "breaks a rule", "a source", "do this")


def test_severity_ranks_most_severe_first_and_low_is_the_only_one_not_refused():
    assert [s.rank for s in Severity] == [0, 1, 2, 3]
    assert [s.value for s in Severity] == ["critical", "high", "medium", "low"]
    assert set(Severity) - REFUSED == {Severity.LOW}
    assert not _finding(severity=Severity.LOW).refused
    assert _finding(severity=Severity.MEDIUM).refused


def test_a_finding_is_a_problem_with_a_code_and_a_severity():
    finding = _finding(value=["a", "b"])
    assert finding.problem() == Problem("f", ["a", "b"], "breaks a rule", "a source", "do this")
    assert str(finding) == "high X f: ['a', 'b'] breaks a rule (rule: a source). Fix: do this"
    assert finding.message == "f: ['a', 'b'] breaks a rule"
    sentence = Finding("X", Severity.LOW, "", None, "role r trusts nobody", "s", "fix")
    assert sentence.message == "role r trusts nobody"


def test_at_re_roots_the_field_and_sets_the_resource():
    finding = _finding(field="Statement[0].Condition")
    moved = finding.at("Role r: assumeRolePolicy", resource="arn:aws:iam::111122223333:role/r")
    assert moved.field == "Role r: assumeRolePolicy.Statement[0].Condition"
    assert moved.resource == "arn:aws:iam::111122223333:role/r"
    assert _finding(field="").at("trust_policy").field == "trust_policy"
    assert finding.at("").field == "Statement[0].Condition"
    assert finding.at("p").resource == ""


def test_sorted_findings_orders_by_severity_then_resource_and_drops_duplicates():
    low, high = _finding("B", Severity.LOW), _finding("A", Severity.CRITICAL, value=["x"])
    other = high.at("", resource="r2")
    assert sorted_findings([low, other, high, low, _finding("A", Severity.CRITICAL, value=["x"])]) == [
        high,
        other,
        low,
    ]


def test_raise_refused_raises_every_refused_finding_and_nothing_for_warnings():
    raise_refused([_finding(severity=Severity.LOW)])
    with pytest.raises(IrsaConfigError) as raised:
        raise_refused([_finding("B", Severity.MEDIUM), _finding(severity=Severity.LOW), _finding("A")])
    assert [p.field for p in raised.value.problems] == ["f", "f"]
    assert "2 problems" in str(raised.value)


def test_to_json_is_json_and_keeps_plain_values():
    data = _finding(value={"StringLike": 1}).to_json()
    assert json.loads(json.dumps(data))["value"] == "{'StringLike': 1}"
    assert _finding(value=["a"]).to_json() == {
        "code": "X",
        "severity": "high",
        "resource": "",
        "field": "f",
        "value": ["a"],
        "rule": "breaks a rule",
        "message": "f: ['a'] breaks a rule",
        "source": "a source",
        "fix": "do this",
    }
