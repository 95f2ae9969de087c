"""The plugin `pulumi package add <repo>/provider@<tag>` runs: serve every public eks_irsa component.

The Pulumi CLI creates `venv` here, installs `requirements.txt` (this checkout's package and its exact
dependencies) and runs `python <this folder> <engine address> ...`.
"""

from eks_irsa.provider import main

if __name__ == "__main__":
    main()
