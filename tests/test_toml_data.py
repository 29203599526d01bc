"""The marshal cache of gongkai's own TOML files: kept, renewed when the file changes, never written elsewhere."""

from __future__ import annotations

import os
import tomllib

import pytest

from gongkai import toml_data


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A folder taken for gongkai's package: its TOML files are cached."""
    monkeypatch.setattr(toml_data, "PACKAGE_DIR", tmp_path.resolve())
    return tmp_path


def test_a_parsed_file_is_kept_and_renewed_when_it_changes(package):
    path = package / "demo.toml"
    path.write_text('[greeting]\nzh = "你好"\nen = "hello"\n', encoding="utf-8")
    assert toml_data.load_toml(path)["greeting"]["en"] == "hello"
    kept = package / "__pycache__" / "demo.toml.marshal"
    assert kept.exists()
    stamp = kept.stat().st_mtime_ns
    assert toml_data.load_toml(path)["greeting"]["zh"] == "你好"
    assert kept.stat().st_mtime_ns == stamp  # read from the kept copy, not written again
    path.write_text('[greeting]\nzh = "您好啊"\nen = "hello there"\n', encoding="utf-8")
    assert toml_data.load_toml(path)["greeting"]["en"] == "hello there"


def test_the_kept_copy_is_not_trusted_for_another_file_state(package):
    path = package / "demo.toml"
    path.write_text('a = 1\n', encoding="utf-8")
    toml_data.load_toml(path)
    kept = package / "__pycache__" / "demo.toml.marshal"
    kept.write_bytes(b"not marshal data")
    assert toml_data.load_toml(path) == {"a": 1}
    stamp = path.stat().st_mtime_ns
    path.write_text('a = 2\n', encoding="utf-8")  # same size
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))  # another mtime, whatever the clock's resolution
    assert toml_data.load_toml(path) == {"a": 2}


def test_files_outside_the_package_are_parsed_and_nothing_is_written_beside_them(tmp_path):
    path = tmp_path / "format.toml"
    path.write_text('id = "x"\n', encoding="utf-8")
    assert toml_data.load_toml(path) == {"id": "x"}
    assert not (tmp_path / "__pycache__").exists()


def test_values_marshal_cannot_keep_are_parsed_each_time(package):
    path = package / "days.toml"
    path.write_text("day = 2026-10-01\n", encoding="utf-8")
    assert str(toml_data.load_toml(path)["day"]) == "2026-10-01"
    assert str(toml_data.load_toml(path)["day"]) == "2026-10-01"
    assert not list((package / "__pycache__").glob("*.tmp"))


def test_errors_are_those_of_reading_and_parsing(package):
    with pytest.raises(FileNotFoundError):
        toml_data.load_toml(package / "missing.toml")
    bad = package / "bad.toml"
    bad.write_text("a = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_data.load_toml(bad)
