"""``python -m eks_irsa.cli <verb>``: the same as the ``eks-irsa`` command."""

import sys

from . import main

sys.exit(main())
