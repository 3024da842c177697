"""Snapshot tests: each scene as the user sees it, compared with its approved SVG.

The scenes live in tests/support/scenes.py, shared with screenshots/, and are
deterministic by construction (see there). After an intended change of the look,
update the baselines with
``python -m pytest tests/app/test_snapshots.py --snapshot-update`` and review the
SVGs in tests/app/__snapshots__ before committing them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.scenes import SCENES, Scene, utc


@pytest.fixture(autouse=True)
def in_utc() -> Iterator[None]:
    with utc():
        yield


COMPARED = [scene for scene in SCENES if scene.snapshot]


@pytest.mark.parametrize("scene", COMPARED, ids=[scene.name for scene in COMPARED])
def test_scene(snap_compare, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(scene.make_app(), terminal_size=scene.size, run_before=scene.arrange)
