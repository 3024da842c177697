"""Records with odd contents are shown, and shown safely: empty messages, odd fields."""

from __future__ import annotations

from mproc_tui.core.supervisor import WorkerSpec
from tests.app.helpers import SIZE, log_lines, logged, make_app, screen_text, wait_for
from tests.conftest import support_target


async def test_an_empty_message_with_a_traceback_is_shown() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target=support_target("empty_exception"))])
        await wait_for(
            pilot, lambda: logged(app, "ValueError: inside an empty-message record"), "traceback"
        )
        await wait_for(
            pilot,
            lambda: "ValueError: inside an empty-message record" in screen_text(app),
            "the traceback drawn",
        )
        assert app.is_running


async def test_level_names_and_odd_fields_are_shown_safely() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(target=support_target("evil_level_name")),
                WorkerSpec(target=support_target("relayed_record")),
            ]
        )
        await wait_for(pilot, lambda: logged(app, "after the evil level name"), "the evil level")
        await wait_for(pilot, lambda: logged(app, ": relayed"), "the relayed record")
        lines = log_lines(app)
        evil = next(line for line in lines if "after the evil level name" in line)
        assert "\\x1b[2J" in evil and "\x1b" not in evil
        relayed = next(line for line in lines if ": relayed" in line)
        assert relayed.startswith("??:??:??.???")
        await pilot.pause(0.2)
        assert app.is_running
