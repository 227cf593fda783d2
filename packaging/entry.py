"""The frozen app's entry point (PyInstaller): the same as the ``nexus-desktop`` command."""

import sys

from nexus_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
