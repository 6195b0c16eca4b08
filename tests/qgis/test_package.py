"""The zip QGIS' "Install from ZIP" takes; the plugin's load/unload; translations; the missing-tool message."""
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
        assert tr("a sentence nobody translated") == "a sentence nobody translated"
    finally:
        remove_translator(translator)
    assert tr("Check and save") == "Check and save"


def test_missing_tool_says_so_in_both_languages(plugin, monkeypatch):
    from anttmap_qgis.core.binary import ToolNotFound, find_anttmap

    monkeypatch.delenv("ANTTMAP", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolNotFound) as missing:
        find_anttmap("/no/such/anttmap")
    assert "Không chạy được" in str(missing.value) and "cannot be run" in str(missing.value)
    found = None
    try:
        found = find_anttmap("")
    except ToolNotFound as error:
        assert "Không tìm thấy" in str(error) and "was not found" in str(error)
    assert found is None or os.access(found, os.X_OK)
