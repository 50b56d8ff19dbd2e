"""The bundled program's entry point.

PyInstaller runs this script; a pip install runs the same claimdesk.gui.app:main.
"""

import sys

from claimdesk.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
