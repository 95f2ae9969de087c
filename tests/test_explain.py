"""``python -m eks_irsa.cli.explain`` on tokens minted here and policies rendered by ``eks_irsa.iam.trust``."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from eks_irsa.cli.explain import EXIT_ALLOWED, EXIT_BAD_INPUT, EXIT_DENIED, SERVICE_KEYS, main
from eks_irsa.iam.trust import Subject, render_trust_policy

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
OTHER_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dev-orders-api"
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
SUB = "system:serviceaccount:orders:orders-api"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def mint(key: rsa.RSAPrivateKey, tmp_path: Path):
    """Write a projected-token-like JWT to a file; keyword arguments override claims (None drops one)."""

    def _mint(**changes: object) -> str:
        claims: dict[str, object] = {
            "iss": f"https://{ISSUER}",
            "sub": SUB,
            "aud": ["sts.amazonaws.com"],
            "iat": NOW,
            "nbf": NOW,
            "exp": NOW + 86400,
            "kubernetes.io": {
                "namespace": "orders",
                "pod": {"name": "orders-api-7d9c5b6f4-x2x9k", "uid": "0f3e"},
                "serviceaccount": {"name": "orders-api", "uid": "9a1b"},
            },
        }
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        path = tmp_path / "token.jwt"
        path.write_text(jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test"}) + "\n")
        return str(path)

    return _mint


def write_policy(tmp_path: Path, document: object, name: str = "trust-policy.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def rendered(provider: str = PROVIDER, issuer: str = ISSUER) -> dict:
    return render_trust_policy(provider, issuer, [Subject("orders", "orders-api")], "sts.amazonaws.com")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--now", str(NOW + 60)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_allowed(capsys, tmp_path, mint) -> None:
    code, out, err = run(capsys, "--token", mint(), "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_ALLOWED
    assert "ALLOWED: statement 0 allows sts:AssumeRoleWithWebIdentity" in out
    assert "signature NOT checked" in out and "JWKS" in out
    assert f"Provider: {PROVIDER}" in out
    assert "pod  orders-api-7d9c5b6f4-x2x9k" in out
    assert err == ""


def test_audience_as_a_string_is_allowed(capsys, tmp_path, mint) -> None:
    code, _, _ = run(capsys, "--token", mint(aud="sts.amazonaws.com"), "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_ALLOWED


def test_wrong_namespace(capsys, tmp_path, mint) -> None:
    token = mint(sub="system:serviceaccount:billing:orders-api")
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert "DENIED" in out
    assert "[WRONG_SUBJECT]" in out
    assert "(wrong namespace: billing instead of orders)" in out
    assert "usual cause: the pod runs in another namespace or under another service account" in out


def test_wrong_service_account(capsys, tmp_path, mint) -> None:
    token = mint(sub="system:serviceaccount:orders:default")
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert (
        "[WRONG_SUBJECT] sub is system:serviceaccount:orders:default; the role expects "
        "system:serviceaccount:orders:orders-api (wrong service account: default instead of orders-api)"
    ) in out


def test_wrong_audience(capsys, tmp_path, mint) -> None:
    token = mint(aud=["sts.amazonaws.com.cn"])
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert "[WRONG_AUDIENCE] audience sts.amazonaws.com.cn is not sts.amazonaws.com" in out
    assert "eks.amazonaws.com/audience" in out


def test_expired_token(capsys, tmp_path, mint) -> None:
    token = mint(exp=NOW - 3600)
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert "[EXPIRED_TOKEN] the token expired at 2025-12-31T23:00:00Z, 61 min before now" in out
    assert "(the trust policy itself would allow this token)" in out


def test_token_just_past_exp_is_within_iam_clock_skew(capsys, tmp_path, mint) -> None:
    code, out, _ = run(capsys, "--token", mint(exp=NOW), "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_ALLOWED
    assert "within IAM's five minutes of clock skew" in out


def test_token_not_yet_valid(capsys, tmp_path, mint) -> None:
    code, out, _ = run(capsys, "--token", mint(nbf=NOW + 7200), "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert "[TOKEN_NOT_YET_VALID]" in out


def test_issuer_mismatch(capsys, tmp_path, mint) -> None:
    token = mint(iss=f"https://{OTHER_ISSUER}")
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    other = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OTHER_ISSUER}"
    expected = f"the token's issuer is not the provider this role trusts (trusted: {PROVIDER}, token: {other})"
    assert f"[ISSUER_MISMATCH] {expected}" in out


def test_https_prefix_in_condition_key(capsys, tmp_path, mint) -> None:
    document = rendered()
    condition = document["Statement"][0]["Condition"]["StringEquals"]
    condition[f"https://{ISSUER}:sub"] = condition.pop(f"{ISSUER}:sub")
    code, out, _ = run(capsys, "--token", mint(), "--policy", write_policy(tmp_path, document))
    assert code == EXIT_DENIED
    assert f"[ISSUER_MISMATCH] the condition key https://{ISSUER}:sub carries https://" in out


def test_provider_in_another_account_by_role_arn(capsys, tmp_path, mint) -> None:
    copied = rendered(provider=f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{ISSUER}")
    code, out, _ = run(capsys, "--token", mint(), "--policy", write_policy(tmp_path, copied), "--role-arn", ROLE)
    assert code == EXIT_DENIED
    assert (
        f"[PROVIDER_OTHER_ACCOUNT] the role trusts the OIDC provider for {ISSUER} in account {OTHER_ACCOUNT}, "
        f"but the token's issuer maps to the provider in account {ACCOUNT}"
    ) in out


def test_provider_arn_option_overrides_the_derivation(capsys, tmp_path, mint) -> None:
    theirs = f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{ISSUER}"
    policy = write_policy(tmp_path, rendered())
    code, out, _ = run(capsys, "--token", mint(), "--policy", policy, "--provider-arn", theirs)
    assert code == EXIT_DENIED
    assert f"Provider: {theirs} (from --provider-arn)" in out
    assert "[PROVIDER_OTHER_ACCOUNT]" in out


def test_wildcard_under_stringequals(capsys, tmp_path, mint) -> None:
    document = rendered()
    document["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:sub"] = "system:serviceaccount:orders:*"
    code, out, _ = run(capsys, "--token", mint(), "--policy", write_policy(tmp_path, document))
    assert code == EXIT_DENIED
    assert "[WILDCARD_UNDER_STRINGEQUALS] a `*` under StringEquals matches only a literal asterisk" in out
    assert "use StringLike" in out


def test_verbose_lists_every_condition(capsys, tmp_path, mint) -> None:
    token = mint(sub="system:serviceaccount:orders:default")
    code, out, _ = run(capsys, "--token", token, "--policy", write_policy(tmp_path, rendered()), "-v")
    assert code == EXIT_DENIED
    assert "statement 0, Allow: does not apply" in out
    assert out.count("[FAIL]") == 1 and out.count("[ok]") == 1


def _assert_one_line_error(code: int, out: str, err: str, *parts: str) -> None:
    assert code == EXIT_BAD_INPUT
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0]


def test_malformed_token(capsys, tmp_path) -> None:
    token = tmp_path / "token.jwt"
    token.write_text("not-a-jwt")
    code, out, err = run(capsys, "--token", str(token), "--policy", write_policy(tmp_path, rendered()))
    _assert_one_line_error(code, out, err, "not a JWT")


def test_token_without_exp(capsys, tmp_path, mint) -> None:
    code, out, err = run(capsys, "--token", mint(exp=None), "--policy", write_policy(tmp_path, rendered()))
    _assert_one_line_error(code, out, err, "'exp'")


def test_unreadable_token_file(capsys, tmp_path) -> None:
    missing = str(tmp_path / "nope.jwt")
    code, out, err = run(capsys, "--token", missing, "--policy", write_policy(tmp_path, rendered()))
    _assert_one_line_error(code, out, err, "cannot read token", missing)


def test_policy_that_is_not_json(capsys, tmp_path, mint) -> None:
    bad = tmp_path / "trust-policy.json"
    bad.write_text('{"Statement": [')
    code, out, err = run(capsys, "--token", mint(), "--policy", str(bad))
    _assert_one_line_error(code, out, err, "is not valid JSON")


def test_policy_with_unknown_operator(capsys, tmp_path, mint) -> None:
    document = rendered()
    condition = document["Statement"][0]["Condition"]
    condition["StringEqual"] = condition.pop("StringEquals")
    code, out, err = run(capsys, "--token", mint(), "--policy", write_policy(tmp_path, document))
    _assert_one_line_error(code, out, err, "is malformed", "StringEqual")


def test_policy_with_duplicate_keys(capsys, tmp_path, mint) -> None:
    path = tmp_path / "trust-policy.json"
    text = json.dumps(rendered()).replace('"Condition": {', '"Condition": {"StringEquals": {"k:x": "y"}, ', 1)
    path.write_text(text)
    code, out, err = run(capsys, "--token", mint(), "--policy", str(path))
    _assert_one_line_error(code, out, err, "duplicate keys", "StringEquals")


def test_malformed_provider_arn_option(capsys, tmp_path, mint) -> None:
    policy = write_policy(tmp_path, rendered())
    code, out, err = run(capsys, "--token", mint(), "--policy", policy, "--provider-arn", "oidc.eks.example")
    _assert_one_line_error(code, out, err, "--provider-arn", "is not an IAM OIDC provider ARN")


def test_policy_and_stack_together_is_bad_input(capsys, tmp_path, mint) -> None:
    policy = write_policy(tmp_path, rendered())
    code, out, err = run(capsys, "--token", mint(), "--policy", policy, "--stack", "dev", "--service", "x")
    _assert_one_line_error(code, out, err, "either --policy")


def write_stack(build: Path, document: object, **service_changes: object) -> None:
    folder = build / "dev" / "services" / "orders-api"
    folder.mkdir(parents=True)
    (folder / "trust-policy.json").write_text(json.dumps(document))
    service = {
        **dict.fromkeys(SERVICE_KEYS),
        "roleArn": ROLE,
        "roleName": "dev-orders-api",
        "namespace": "orders",
        "serviceAccount": "orders-api",
        "audience": "sts.amazonaws.com",
        "oidcProviderArn": PROVIDER,
        "oidcIssuer": f"https://{ISSUER}",
    }
    service.update(service_changes)
    (folder / "service.json").write_text(json.dumps(service))


def test_stack_and_service(capsys, tmp_path, mint) -> None:
    build = tmp_path / "build"
    write_stack(build, rendered())
    argv = ["--token", mint(), "--stack", "dev", "--service", "orders-api", "--build-dir", str(build)]
    code, out, _ = run(capsys, *argv)
    assert code == EXIT_ALLOWED
    assert f"Role: {ROLE} (orders/orders-api)" in out
    assert "from the token's iss and the role's account" in out


def test_stack_role_account_reveals_provider_in_other_account(capsys, tmp_path, mint) -> None:
    build = tmp_path / "build"
    write_stack(build, rendered(provider=f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{ISSUER}"))
    argv = ["--token", mint(), "--stack", "dev", "--service", "orders-api", "--build-dir", str(build)]
    code, out, _ = run(capsys, *argv)
    assert code == EXIT_DENIED
    assert "[PROVIDER_OTHER_ACCOUNT]" in out


def test_stack_notes_a_token_from_another_cluster(capsys, tmp_path, mint) -> None:
    build = tmp_path / "build"
    write_stack(build, rendered())
    argv = ["--token", mint(iss=f"https://{OTHER_ISSUER}"), "--stack", "dev", "--service", "orders-api"]
    code, out, _ = run(capsys, *argv, "--build-dir", str(build))
    assert code == EXIT_DENIED
    assert f"Note: the stack's cluster issuer is {ISSUER}; this token comes from {OTHER_ISSUER}" in out


def test_stack_not_planned(capsys, tmp_path, mint) -> None:
    argv = ["--token", mint(), "--stack", "dev", "--service", "orders-api", "--build-dir", str(tmp_path / "build")]
    code, out, err = run(capsys, *argv)
    _assert_one_line_error(code, out, err, "not found", "run `make plan STACK=dev` first")


def test_stack_service_file_missing_keys(capsys, tmp_path, mint) -> None:
    build = tmp_path / "build"
    write_stack(build, rendered())
    service = build / "dev" / "services" / "orders-api" / "service.json"
    service.write_text(json.dumps({"roleArn": ROLE}))
    argv = ["--token", mint(), "--stack", "dev", "--service", "orders-api", "--build-dir", str(build)]
    code, out, err = run(capsys, *argv)
    _assert_one_line_error(code, out, err, "lacks", "oidcIssuer")


def test_an_issuer_without_https_is_denied_because_sts_would_not_find_the_provider(capsys, tmp_path, mint) -> None:
    code, out, _ = run(capsys, "--token", mint(iss=ISSUER), "--policy", write_policy(tmp_path, rendered()))
    assert code == EXIT_DENIED
    assert f"[ISSUER_MISMATCH] the token's iss {ISSUER} has no https:// scheme" in out
