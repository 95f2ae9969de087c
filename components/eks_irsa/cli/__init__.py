"""``eks-irsa``: the commands that prove and debug a stack, one verb each.

    eks-irsa plan --stack dev        offline plan of the reference program (mock monitor), with the lint
    eks-irsa explain ...             why STS would refuse a token for a role
    eks-irsa lint FILE...            lint IAM policy documents
    eks-irsa verify --stack dev      IRSA end to end on 127.0.0.1 (needs the ``verify`` extra)
    eks-irsa preflight --stack dev   is the AWS account ready for pulumi up (your credentials, read-only)
    eks-irsa audit --region R        judge a live account's IRSA and Pod Identity, read-only (``audit`` extra)
    eks-irsa --version               the installed package's version

Each verb's own ``--help`` lists its options. The verbs import their dependencies only when run,
so ``eks-irsa plan`` works without the proof extras.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

VERBS = {
    "plan": "offline plan of a stack under the mock monitor",
    "explain": "why STS would refuse a token for a role",
    "lint": "lint IAM policy documents",
    "verify": "IRSA end to end against a local OIDC issuer and moto",
    "preflight": "is the AWS account ready for pulumi up (read-only, your credentials)",
    "audit": "judge a live account's IRSA and Pod Identity set-up, read-only",
}
"""Verb -> one-line help; each verb is the module ``eks_irsa.cli.<verb>`` with a ``main(argv) -> int``."""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch ``eks-irsa <verb> [args]`` to ``eks_irsa.cli.<verb>.main``; exit 2 on an unknown verb.

    ``eks-irsa --version`` prints ``eks-irsa <version>`` (``eks_irsa.__version__``) and exits 0.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--version"]:
        from .. import __version__

        print(f"eks-irsa {__version__}")
        return 0
    if not args or args[0] not in VERBS:
        print("usage: eks-irsa {" + ",".join(VERBS) + "} [options] | --version\n", file=sys.stderr)
        for verb, text in VERBS.items():
            print(f"  {verb:<9} {text}", file=sys.stderr)
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    try:
        module = importlib.import_module(f"{__name__}.{args[0]}")
    except ModuleNotFoundError as error:
        extra = "audit" if args[0] == "audit" else "verify"
        print(f"error: eks-irsa {args[0]} needs {error.name}: pip install 'eks-irsa[{extra}]'", file=sys.stderr)
        return 2
    return module.main(args[1:])
