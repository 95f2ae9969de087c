"""``python -m eks_irsa.cli.verify --stack dev``: prove the IRSA flow end to end on 127.0.0.1, offline.

    python -m eks_irsa.cli.verify --stack dev [--build-dir build]

The command: plan the stack offline, run the proof (:mod:`eks_irsa.proof.matrix`: a local OIDC issuer, the
STS side, moto with IAM enforcement on, every role's credentials against it), print the access matrix and
write ``<build-dir>/<stack>/verify.json`` (no timestamps, ports, keys or random ids). Exit 1 when a cell's
actual differs from its expected value, 2 for a missing stack file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

from ..errors import IrsaConfigError
from ..plan.model import RoleRecord
from ..proof.emulator import MotoEmulator
from ..proof.localidp import LocalIssuer, LoopbackFetcher, WebIdentityVerifier
from ..proof.matrix import (
    ALLOW,
    BROKER_POLICY,
    BROKER_USER,
    TOKEN_CASES,
    Cell,
    LocalSts,
    ServicePlan,
    emulator_cells,
    pod_identity_cells,
    providers_from_iam,
    provision,
    report,
    role_fields,
    run_matrix,
    services_from_plan,
    unverifiable,
)
from ..proof.podidentity import POD_CASES, LocalEksAuth, pod_identity_roles, provision_roles
from .plan import ROOT, table, write_plan, yaml_error_line


def render(cells: Sequence[Cell], services: Sequence[ServicePlan]) -> str:
    """The matrix as text: a trust grid, an access grid with a legend, emulator facts, mismatches."""

    def mark(cell: Cell) -> str:
        checked = cell.section in ("trust", "pod-identity")
        text = cell.actual if not checked or cell.actual == ALLOW else f"deny:{cell.actual_by}"
        return text if cell.ok else f"{text} (want {cell.expected})"

    lines: list[str] = []
    names = [s.name for s in services]
    trust_cases = [c.name for c in TOKEN_CASES]
    rows: list[list[str]] = [["service", *trust_cases]]
    for name in names:
        by_case = {c.case: c for c in cells if c.section == "trust" and c.service == name}
        rows.append([name, *(mark(by_case[k]) if k in by_case else "-" for k in trust_cases)])
    lines += ["Trust: sts:AssumeRoleWithWebIdentity with each token (actual; 'deny:<check>' names the STS check)", ""]
    lines += [table(rows), ""]
    probes = list(dict.fromkeys(c.case for c in cells if c.section == "access"))
    legend = [f"  {f'P{i}':<4} {label}" for i, label in enumerate(probes, start=1)]
    rows = [["service", *(f"P{i}" for i in range(1, len(probes) + 1))]]
    for name in names:
        by_case = {c.case: c for c in cells if c.section == "access" and c.service == name}
        rows.append([name, *(mark(by_case[k]) if k in by_case else "-" for k in probes)])
    lines += ["Access: each role's credentials against moto (actual)", "", table(rows), "", *legend, ""]
    pods = sorted({c.service for c in cells if c.section == "pod-identity"}, key=lambda n: (n not in names, n))
    if pods:
        cases = [c.name for c in POD_CASES]
        rows = [["service", *cases]]
        for name in pods:
            by_case = {c.case: c for c in cells if c.section == "pod-identity" and c.service == name}
            rows.append([name, *(mark(by_case[k]) if k in by_case else "-" for k in cases)])
        lines += ["Pod Identity: EKS Auth's AssumeRoleForPodIdentity, played on the plan ('deny:<step>')", ""]
        lines += [table(rows), ""]
    facts = [c for c in cells if c.section == "emulator"]
    if facts:
        lines.append("Emulator facts (moto, observed in this run):")
        lines += [f"  [{'ok' if c.ok else 'MISMATCH'}] {c.service}: {c.case} -> {c.actual}" for c in facts]
        lines.append("")
    wrong = [c for c in cells if not c.ok]
    lines.append(f"{len(cells)} cells, {len(wrong)} mismatches.")
    for c in wrong:
        lines.append(f"  MISMATCH {c.section} {c.service} {c.case}: expected {c.expected} by {c.expected_by}")
        lines.append(f"    expected because: {c.expected_reason}")
        lines.append(f"    actual {c.actual} by {c.actual_by}: {c.actual_reason}")
    return "\n".join(lines)


@dataclass
class Result:
    """A finished verification: the cells, the report document and where it was written."""

    cells: list[Cell]
    document: dict[str, Any]
    path: Path
    services: list[ServicePlan]

    @property
    def ok(self) -> bool:
        """No cell's actual differs from its expected value."""
        return all(c.ok for c in self.cells)


def verify(stack: str, build_dir: Path, project_root: Path = ROOT) -> Result:
    """Plan ``stack`` offline, stand up the issuer and moto, run the matrix, write ``<build_dir>/<stack>/verify.json``.

    Raises:
        IrsaConfigError: the stack's catalog is invalid (from the plan).
        RuntimeError: moto's ARNs differ from the plan's, or the stack has no IRSA role.
    """
    with tempfile.TemporaryDirectory(prefix="irsa-verify-plan-") as scratch:
        run, files, _ = write_plan(stack, Path(scratch), project_root)
    services = services_from_plan(run, files)
    pod_roles = pod_identity_roles(files)
    if not services:
        raise RuntimeError(f"stack {stack} has no IRSA role to verify")
    issuers = sorted({s.issuer for s in services})
    if len(issuers) != 1:
        raise RuntimeError(f"stack {stack} trusts {len(issuers)} issuers; verify handles one cluster: {issuers}")
    account = role_fields(services).account
    with (
        LocalIssuer(issuers[0]) as issuer,
        MotoEmulator(account, str(run.mocks.region or "us-west-2")) as emulator,
    ):
        env, probes = provision(emulator, services)
        broker = emulator.create_user_with_policy(BROKER_USER, BROKER_POLICY)
        verifier = WebIdentityVerifier(providers_from_iam(emulator), LoopbackFetcher(dict([issuer.pin])))
        sts = LocalSts(emulator, verifier, broker)
        cells, sessions = run_matrix(emulator, sts, issuer, services, probes, env.documents)
        cells += emulator_cells(emulator, sts, issuer, services, probes, sessions, env.documents)
        if pod_roles:
            provision_roles(emulator, pod_roles, {s.role_arn for s in services})
            associations = [a for r in pod_roles for a in r.associations]
            targets = {
                a.target_role_arn: r.target_trust_policy
                for r in pod_roles
                for a in r.associations
                if a.target_role_arn and r.target_trust_policy is not None
            }
            cells += pod_identity_cells(emulator, LocalEksAuth(emulator, associations, targets), pod_roles)
    document = report(stack, services, env, cells)
    document["notVerified"] = {
        name: reason
        for name, texts in files.items()
        if (reason := unverifiable(RoleRecord.from_json(texts["service.json"]), run.mocks.account_id))
    }
    out = build_dir / stack / "verify.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    return Result(cells, document, out, services)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: print the matrix, write ``verify.json``; exit 0 all cells match, 1 a mismatch or an
    invalid catalog, 2 no such stack file."""
    parser = argparse.ArgumentParser(prog="eks-irsa verify", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="dev", help="stack name: reads stacks/Pulumi.<stack>.yaml")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    if not (ROOT / "stacks" / f"Pulumi.{args.stack}.yaml").exists():
        print(f"error: no stack file stacks/Pulumi.{args.stack}.yaml", file=sys.stderr)
        return 2
    try:
        result = verify(args.stack, args.build_dir)
    except IrsaConfigError as error:
        print(f"error: stack {args.stack} is invalid; nothing was verified.\n{error}", file=sys.stderr)
        return 1
    except yaml.YAMLError as error:
        line = yaml_error_line(Path("stacks") / f"Pulumi.{args.stack}.yaml", error)
        print(f"error: {line}; nothing was verified.", file=sys.stderr)
        return 1
    print(f"Stack {args.stack}: IRSA end to end on 127.0.0.1 (local OIDC issuer, STS side, moto {version('moto')}).")
    print(render(result.cells, result.services))
    for name, reason in result.document["notVerified"].items():
        print(f"Not verified here: {name} ({reason}); its documents are checked by make plan and the tests.")
    print(f"Wrote {result.path}. Nothing was deployed: moto emulates AWS in this process.")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
