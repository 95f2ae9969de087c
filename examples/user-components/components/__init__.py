"""This project's own building blocks; nothing to do with eks-irsa, which imports as ``eks_irsa``."""
