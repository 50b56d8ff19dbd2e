"""python -m claimdesk.core.cli"""

from claimdesk.core.cli.main import main

raise SystemExit(main())
