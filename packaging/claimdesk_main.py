"""The bundled program's entry point.

PyInstaller runs this script; a pip install runs the same claimdesk.gui.start:main, which
checks that Qt can open a window before it imports Qt.
"""

import sys

from claimdesk.gui.start import main

if __name__ == "__main__":
    sys.exit(main())
