"""mproc-tui: watch and steer Python multiprocessing workers from the terminal."""

from __future__ import annotations

__version__ = "0.1.0"
