"""Regenerate screenshots/ from the scenes: ``python -m tests.support.make_screenshots``.

The same scenes (tests/support/scenes.py) that tests/app/test_snapshots.py compares,
each saved by the app itself (Textual's SVG export) as screenshots/<scene>.svg.
SVGs of scenes that no longer exist are removed.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from tests.support.scenes import SCENES, Scene, utc

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


async def take(scene: Scene) -> Path:
    app = scene.make_app()
    async with app.run_test(size=scene.size) as pilot:
        await scene.arrange(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(f"{scene.name}.svg", str(SCREENSHOTS)))


async def make_screenshots() -> list[Path]:
    SCREENSHOTS.mkdir(exist_ok=True)
    written = []
    with utc(), tempfile.TemporaryDirectory() as config:
        os.environ["XDG_CONFIG_HOME"] = config  # the defaults, never this user's theme
        for scene in SCENES:
            written.append(await take(scene))
    for stale in set(SCREENSHOTS.glob("*.svg")) - set(written):
        stale.unlink()
    return written


if __name__ == "__main__":
    for path in asyncio.run(make_screenshots()):
        print(path)
