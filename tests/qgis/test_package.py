"""The zip QGIS' "Install from ZIP" takes; the plugin's load/unload; translations; finding the anttmap tool
(setting, $ANTTMAP, PATH, install places) and the missing-tool message."""
import configparser
import os
import zipfile

import pytest


def test_zip_holds_one_package_with_metadata_license_and_translation(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as archive:
        names = archive.namelist()
        metadata = archive.read("anttmap_qgis/metadata.txt").decode("utf-8")
    assert {name.split("/")[0] for name in names} == {"anttmap_qgis"}
    for required in ("anttmap_qgis/__init__.py", "anttmap_qgis/LICENSE", "anttmap_qgis/metadata.txt",
                     "anttmap_qgis/i18n/anttmap_qgis_vi.qm", "anttmap_qgis/icon.svg"):
        assert required in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    parser = configparser.ConfigParser()
    parser.read_string(metadata)
    general = parser["general"]
    # What the QGIS plugin repository and installer require.
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                "repository", "tracker", "icon", "hasProcessingProvider"):
        assert general.get(key, "").strip(), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert os.path.basename(plugin_zip) == "anttmap_qgis-%s.zip" % general["version"]


def test_plugin_adds_and_removes_its_provider(plugin):
    from qgis.core import QgsApplication

    from anttmap_qgis import classFactory

    instance = classFactory(None)
    instance.initProcessing()
    assert QgsApplication.processingRegistry().providerById("anttmap") is not None
    instance.unload()
    assert QgsApplication.processingRegistry().providerById("anttmap") is None


def test_vietnamese_translation_with_english_fallback(plugin):
    from anttmap_qgis.core.i18n import install_translator, remove_translator, tr
    from anttmap_qgis.core.labels import status_label

    assert install_translator("fr_FR") is None
    assert status_label("recognised") == "Recognised safe for security and order"
    translator = install_translator("vi_VN")
    try:
        assert translator is not None
        assert status_label("recognised") == "Đạt chuẩn An toàn về ANTT"
        assert tr("Check and save") == "Kiểm tra và lưu"
        assert tr("Key") == "Khóa" and tr("Paste key…") == "Dán khóa…"
        assert tr("a sentence nobody translated") == "a sentence nobody translated"
    finally:
        remove_translator(translator)
    assert tr("Check and save") == "Check and save"


def _fake_tool(folder):
    """An executable file named anttmap in `folder` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "anttmap"
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


def test_the_test_runs_tool_is_found_through_the_environment_and_runs(plugin):
    """The test run has the tool (CMake passes ANTTMAP): the plugin finds exactly that one, as an office
    that sets ANTTMAP would, and it runs."""
    import subprocess

    from anttmap_qgis.core.binary import find_anttmap

    built = os.environ["ANTTMAP"]
    assert os.path.isfile(built) and os.access(built, os.X_OK), built
    assert find_anttmap("") == built
    assert find_anttmap() == built
    result = subprocess.run([find_anttmap(""), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "anttmap" in result.stdout, result.stderr


def test_the_tool_is_looked_for_in_the_setting_environment_path_then_install_places(plugin, monkeypatch,
                                                                                     tmp_path):
    from anttmap_qgis.core import binary

    setting = _fake_tool(tmp_path / "setting")
    environment = _fake_tool(tmp_path / "environment")
    on_path = _fake_tool(tmp_path / "path")
    installed = _fake_tool(tmp_path / "opt")
    monkeypatch.setenv("ANTTMAP", environment)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    monkeypatch.setattr(binary, "candidate_paths", lambda: [str(tmp_path / "nowhere" / "anttmap"), installed])
    assert binary.find_anttmap(setting) == setting
    assert binary.find_anttmap("") == environment
    monkeypatch.delenv("ANTTMAP")
    assert binary.find_anttmap("") == on_path
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert binary.find_anttmap("") == installed
    # A file on PATH that cannot be run is passed over.
    os.chmod(on_path, 0o644)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    assert binary.find_anttmap("") == installed


def test_the_usual_install_places_are_searched(plugin):
    from anttmap_qgis.core.binary import candidate_paths

    places = candidate_paths()
    for place in ("/usr/local/bin/anttmap", "/usr/bin/anttmap", "/opt/anttmap/bin/anttmap",
                  os.path.expanduser("~/.local/bin/anttmap")):
        assert place in places


def test_missing_tool_says_so_in_both_languages(plugin, monkeypatch, tmp_path):
    from anttmap_qgis.core import binary
    from anttmap_qgis.core.binary import ToolNotFound, find_anttmap

    # A configured path that is not there, or not executable, is an error: no silent fallback to another tool.
    not_executable = tmp_path / "anttmap"
    not_executable.write_text("#!/bin/sh\n")
    not_executable.chmod(0o644)
    for configured in ("/no/such/anttmap", str(not_executable)):
        with pytest.raises(ToolNotFound) as missing:
            find_anttmap(configured)
        assert "Không chạy được" in str(missing.value) and "cannot be run" in str(missing.value)
        assert configured in str(missing.value)
    monkeypatch.setenv("ANTTMAP", "/no/such/anttmap")
    with pytest.raises(ToolNotFound, match="cannot be run: /no/such/anttmap"):
        find_anttmap("")

    # Nothing configured, nothing on PATH, nothing in the install places.
    places = [str(tmp_path / "nowhere" / "anttmap"), str(tmp_path / "nor-here" / "anttmap")]
    monkeypatch.delenv("ANTTMAP")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(binary, "candidate_paths", lambda: places)
    with pytest.raises(ToolNotFound) as missing:
        find_anttmap("")
    message = str(missing.value)
    assert "Không tìm thấy công cụ anttmap" in message and "The anttmap tool was not found" in message
    assert all(place in message for place in places), message


def test_the_plugin_holds_no_sql_and_never_opens_the_store_itself(plugin):
    """The architecture's rule: the plugin reads and writes through the anttmap tool or the HTTP API, never
    SQL on the store file (file-name filters such as "*.sqlite3" are allowed; the sqlite3 module is not)."""
    import re

    forbidden = [
        ("SQL statement", re.compile(r"SELECT |INSERT |UPDATE |DELETE FROM")),
        ("the sqlite3 module", re.compile(r"(?<!\*\.)\bsqlite3\b")),
        ("SpatiaLite or Qt SQL", re.compile(r"mod_spatialite|QSqlDatabase|QtSql")),
        ("an OGR subset string or SQL on a layer", re.compile(r"\|subset=|executeSql|ExecuteSQL")),
        ("a table of the store", re.compile(r"\b(audit_context|audit_log|unit_status|cluster_member|model_year)\b")),
    ]
    package = os.path.dirname(plugin.__file__)
    offences = []
    checked = 0
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if not name.endswith(".py"):
                continue
            checked += 1
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as source:
                for number, line in enumerate(source, 1):
                    for what, pattern in forbidden:
                        if pattern.search(line):
                            offences.append("%s:%d: %s: %s" % (os.path.relpath(path, package), number, what,
                                                               line.strip()))
    assert checked >= 15
    assert not offences, "\n".join(offences)
