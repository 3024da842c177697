"""README's examples stay true: its TOML example loads, and the command it shows runs."""

from __future__ import annotations

import re
from pathlib import Path

from mproc_tui.core.restart_policy import Restart
from mproc_tui.core.worker_plan import load_config

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_config_example_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert len(blocks) == 2
    example = tmp_path / "examples.toml"
    example.write_text(blocks[0])
    plan = load_config(example)
    assert plan.start_method == "forkserver"
    assert [(w.spec.name, w.spec.daemon, w.count) for w in plan.workers] == [
        (None, True, 1),
        ("renamed worker", False, 1),
        (None, False, 3),
    ]


def test_the_readme_restart_example_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(), flags=re.DOTALL)
    example = tmp_path / "workers.toml"
    example.write_text(blocks[1])
    (worker,) = load_config(example).workers
    policy = worker.spec.restart
    assert (policy.restart, policy.max_restarts, policy.backoff, policy.backoff_max) == (
        Restart.ON_FAILURE,
        5,
        0.5,
        30.0,
    )
    assert worker.spec.max_rss == 500_000_000


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (README.parent / ".ci" / "run").read_text()
    assert "python -m pytest" in README.read_text()
    assert "\npython -m pytest\n" in ci


def test_screenshots_are_the_scenes_and_the_readme_shows_them() -> None:
    """screenshots/ holds one SVG per scene (nothing stale), and each README image exists."""
    from tests.support.scenes import SCENES

    shots = README.parent / "screenshots"
    assert {path.stem for path in shots.glob("*.svg")} == {scene.name for scene in SCENES}
    embedded = re.findall(r"!\[[^\]]*\]\((screenshots/[^)]+)\)", README.read_text())
    assert {Path(path).stem for path in embedded} == {scene.name for scene in SCENES}
    assert all((README.parent / path).is_file() for path in embedded)
