"""The proof machinery behind ``eks-irsa verify`` and the Pod Identity checks, beside the commands that call it.

:mod:`~eks_irsa.proof.emulator` (moto in server mode with IAM enforcement on), :mod:`~eks_irsa.proof.localidp`
(a local OIDC issuer and the STS side's token checks), :mod:`~eks_irsa.proof.podidentity` (EKS Auth's
``AssumeRoleForPodIdentity`` played on the plan) and :mod:`~eks_irsa.proof.matrix` (the access matrix: roles
provisioned from the plan, every token case and probe, the ``verify.json`` document). Tools, not the package's
runtime: these need the ``verify`` extra (moto, PyJWT) and load only when a command asks for them.
"""
