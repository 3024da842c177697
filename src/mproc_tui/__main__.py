"""Allow ``python -m mproc_tui``."""

from __future__ import annotations

from mproc_tui.entry import main

# Guarded: spawn and forkserver workers import the parent's main module.
if __name__ == "__main__":
    raise SystemExit(main())
