"""Long operations show how far they have got: in the header while they last, then a toast."""

from __future__ import annotations

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.quit_screen import QuitScreen
from tests.app.helpers import (
    SIZE,
    gone,
    log_lines,
    make_app,
    screen_text,
    table_rows,
    toasts,
    wait_for,
    wait_rows,
)

STUBBORN = WorkerSpec(target="mproc_tui.catalog:ignore_sigterm")


async def test_the_title_counts_workers_and_names_the_start_method() -> None:
    app = make_app(start_method="spawn")
    async with app.run_test(size=SIZE) as pilot:
        assert "mproc-tui — 0 workers · spawn" in screen_text(app)
        await pilot.press("n", "n")
        await wait_rows(pilot, app, 2)
        await wait_for(pilot, lambda: "2 workers · spawn" in screen_text(app), "the title")


async def test_stop_all_counts_endings_and_escalations_in_the_header() -> None:
    app = make_app(grace=1.5)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([STUBBORN, STUBBORN, *[WorkerSpec(args=(60,))] * 3])
        rows = await wait_rows(pilot, app, 5)
        # ignore_sigterm logs once its handler is in place: only then is SIGTERM ignored.
        await wait_for(
            pilot,
            lambda: sum("ignoring SIGTERM" in line for line in log_lines(app)) == 2,
            "both stubborn workers to ignore SIGTERM",
        )
        seen: list[str] = []  # every text the header's subtitle takes
        app.watch(app, "sub_title", lambda text: seen.append(str(text)), init=False)

        await pilot.press("T")
        await wait_for(
            pilot,
            lambda: any(text.startswith("Terminated 5") for text in toasts(app)),
            "the stop to finish",
        )

        assert "Terminated 5 workers (2 escalated to SIGKILL)." in toasts(app)
        # During the grace period the three polite ones end; then two are escalated.
        assert "terminating 5 workers… 3 of 5 ended" in seen, seen
        assert any(text.endswith(", 2 escalated to SIGKILL") for text in seen), seen
        await wait_for(pilot, lambda: app.sub_title == "", "the header to clear")
        assert all(gone(int(row["pid"])) for row in rows)
        await wait_for(
            pilot,
            lambda: (
                sorted(row["exit"] for row in table_rows(app))
                == ["-15 SIGTERM"] * 3 + ["-9 SIGKILL"] * 2
            ),
            "every exit code",
        )
        # mproc-tui stopped them: none of that is a failure to alert about.
        assert not any("failed" in text or "killed by" in text for text in toasts(app))


async def test_join_all_counts_the_workers_as_they_end() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(seconds,)) for seconds in (0.5, 1.5, 2.5)])
        await wait_rows(pilot, app, 3)
        seen: list[str] = []

        def shown() -> bool:
            text = screen_text(app)
            for line in text.splitlines()[:1]:
                if "joining" in line and line not in seen:
                    seen.append(line)
            return "Joined 3 workers." in toasts(app)

        await pilot.press("J")
        await wait_for(pilot, shown, "the join to finish")

        header = " ".join(seen)
        assert "joining 3 workers… 0 of 3 ended" in header or "1 of 3 ended" in header, seen
        assert "2 of 3 ended" in header, seen
        await wait_for(
            pilot,
            lambda: [row["state"] for row in table_rows(app)] == ["joined"] * 3,
            "three joined rows",
        )
        await wait_for(pilot, lambda: "joining" not in screen_text(app).splitlines()[0], "clear")


async def test_stop_all_with_nothing_running_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("T")
        await wait_for(pilot, lambda: "No running workers to stop." in toasts(app), "a warning")


async def test_quitting_with_wait_counts_in_the_header_until_q_terminates() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(60,))])
        rows = await wait_rows(pilot, app, 1)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "the quit dialog")
        await pilot.press("w")
        await wait_for(
            pilot,
            lambda: app.sub_title == "waiting for 1 worker… 0 of 1 ended · q again terminates it",
            "the wait in the header",
        )
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert gone(int(rows[0]["pid"]))
