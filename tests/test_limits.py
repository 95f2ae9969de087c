"""Boundaries of the Kubernetes and IAM rules, and the derived role name (no Pulumi)."""

from __future__ import annotations

import pytest

from eks_irsa.iam import limits
from eks_irsa.iam.names import derive_role_name


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("", False),
        ("a-b", True),
        ("-a", False),
        ("a-", False),
        ("A", False),
        ("a.b", False),
        ("a_b", False),
        ("*", False),
        ("orders?", False),
    ],
)
def test_namespace_is_a_dns1123_label(value, ok):
    assert (limits.check_namespace("ns", value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61, True),
        ("a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 62, False),
        ("a.b", True),
        ("a..b", False),
        (".a", False),
        ("A", False),
        ("", False),
        ("sa*", False),
        (None, False),
    ],
)
def test_service_account_is_a_dns1123_subdomain(value, ok):
    assert (limits.check_service_account_name("sa", value) == []) is ok


def test_subdomain_boundary_lengths():
    exact = "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61
    assert len(exact) == 253
    assert "at most 253" in limits.check_service_account_name("sa", exact + "d")[0].rule


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("r" * 64, True),
        ("r" * 65, False),
        ("", False),
        ("a+b=c,d.e@f-g_h", True),
        ("a/b", False),
        ("a b", False),
        ("rôle", False),
    ],
)
def test_role_name(value, ok):
    assert (limits.check_role_name("roleName", value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [(3599, False), (3600, True), (43200, True), (43201, False), (True, False), ("3600", False)]
)
def test_max_session_duration(value, ok):
    assert (limits.check_max_session_duration("d", value) == []) is ok


@pytest.mark.parametrize(("value", "ok"), [(599, False), (600, True), (86400, True), (86401, False)])
def test_token_expiration(value, ok):
    assert (limits.check_token_expiration("t", value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("/", True),
        ("/team/", True),
        ("/a/b/", True),
        ("team/", False),
        ("/team", False),
        ("/" + "a" * 510 + "/", True),
        ("/" + "a" * 511 + "/", False),
    ],
)
def test_role_path(value, ok):
    assert (limits.check_role_path("rolePath", value) == []) is ok


def test_tags_quota_and_shapes():
    assert limits.check_tags("tags", {f"k{i}": "v" for i in range(50)}) == []
    assert "at most 50" in limits.check_tags("tags", {f"k{i}": "v" for i in range(51)})[0].rule
    assert limits.check_tags("tags", {"k" * 129: "v"})[0].field == "tags." + "k" * 129
    assert limits.check_tags("tags", {"k": "v" * 257})[0].value == "v" * 257
    assert "reserved" in limits.check_tags("tags", {"aws:owner": "x"})[0].rule


def test_policy_size_ignores_whitespace():
    assert limits.policy_size('{ "a" : [ 1 ,\n 2 ] }') == len('{"a":[1,2]}')


def test_derived_role_name_is_kept_when_short_and_hashed_when_long():
    assert derive_role_name("acme-dev", "orders", "orders-api") == "acme-dev-orders-orders-api"
    long_name = derive_role_name("acme-dev", "observability", "a-very-long-service-account-name-for-the-log-shipper")
    assert len(long_name) == 64
    assert limits.check_role_name("roleName", long_name) == []
    other = derive_role_name("acme-dev", "observability", "a-very-long-service-account-name-for-the-log-shipper2")
    assert long_name != other and long_name[:40] == other[:40]
    assert long_name == derive_role_name(
        "acme-dev", "observability", "a-very-long-service-account-name-for-the-log-shipper"
    )


def test_a_control_character_is_c0_or_del_and_nothing_else():
    """``has_control_character`` (a regex) answers as the per-character rule it states, for every code point."""
    from eks_irsa.iam.arn import has_control_character

    for code in range(0x110000):
        assert has_control_character(f"a{chr(code)}b") == (code < 0x20 or code == 0x7F), hex(code)
    assert not has_control_character("") and not has_control_character("arn:aws:iam::111122223333:role/x")
