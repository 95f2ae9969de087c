"""The eks-irsa policy pack: ``pulumi preview --policy-pack policypack`` on any stack.

Every policy is mandatory unless the pack's config says otherwise, e.g. a ``policy-config.json`` of
``{"workload-trust": "advisory", "iam-permissions-lint": {"enforcementLevel": "advisory"}}``
passed with ``--policy-pack-config``.
"""

from eks_irsa_policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name="eks-irsa", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
