"""The frozen application's entry script (PyInstaller runs this as ``__main__``)."""

import sys

from gridclient.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
