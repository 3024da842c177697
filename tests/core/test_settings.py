"""Settings kept between runs: read forgivingly, written atomically."""

from __future__ import annotations

from pathlib import Path

from mproc_tui.core.settings import Settings, load_settings, save_settings, settings_path


def test_settings_round_trip_in_the_xdg_config_dir(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert settings_path() == tmp_path / "mproc-tui" / "settings.json"
    assert load_settings() == Settings()  # nothing saved yet: the defaults
    save_settings(Settings(theme="nord", table_share=7))
    assert load_settings() == Settings(theme="nord", table_share=7)


def test_a_bad_file_means_the_defaults_and_values_are_clamped(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for text in ("not json", "[1, 2]", '{"theme": 5, "table_share": "x"}'):
        path.write_text(text)
        assert load_settings(path) == Settings()
    path.write_text('{"theme": "nord", "table_share": 99}')
    assert load_settings(path) == Settings(theme="nord", table_share=9)
    assert Settings(table_share=1).with_share(-1).table_share == 1


def test_an_unwritable_place_loses_the_setting_and_nothing_else(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    save_settings(Settings(theme="nord"), blocker / "sub" / "settings.json")  # no error
