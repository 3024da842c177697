"""A pager for tests: ``fake_pager.py COPY FILE`` copies the file it is given, then ends."""

from __future__ import annotations

import shutil
import sys

if __name__ == "__main__":
    shutil.copyfile(sys.argv[2], sys.argv[1] + ".part")
    shutil.move(sys.argv[1] + ".part", sys.argv[1])
