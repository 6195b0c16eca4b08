"""Finding the anttmap tool: the plugin setting, then PATH, then the usual install places."""
import os
import shutil
import sys


ENV_VARIABLE = "ANTTMAP"


def candidate_paths():
    exe = "anttmap.exe" if sys.platform.startswith("win") else "anttmap"
    places = []
    if sys.platform.startswith("win"):
        for root in (os.environ.get("ProgramFiles", r"C:\Program Files"), os.environ.get("LOCALAPPDATA", "")):
            if root:
                places.append(os.path.join(root, "anttmap", "bin", exe))
                places.append(os.path.join(root, "anttmap", exe))
    else:
        places += ["/usr/local/bin/" + exe, "/usr/bin/" + exe, "/opt/anttmap/bin/" + exe,
                   os.path.expanduser("~/.local/bin/" + exe)]
    return places


class ToolNotFound(Exception):
    pass


def find_anttmap(setting=""):
    """The tool's path. Order: the setting (or $ANTTMAP), PATH, common install paths."""
    for configured in (setting, os.environ.get(ENV_VARIABLE, "")):
        if configured:
            if os.path.isfile(configured) and os.access(configured, os.X_OK):
                return configured
            raise ToolNotFound(
                "Không chạy được công cụ anttmap đã cấu hình: {path}; sửa đường dẫn trong bảng anttmap (Công cụ).\n"
                "The anttmap tool set in the plugin settings does not exist or cannot be run: {path}; "
                "fix the path in the anttmap panel (Tool).".format(path=configured))
    found = shutil.which("anttmap")
    if found:
        return found
    for path in candidate_paths():
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    # Both languages on purpose: this is often the first message a new office sees.
    raise ToolNotFound(
        "Không tìm thấy công cụ anttmap (cấu hình, PATH, {places}): cài anttmap hoặc chỉ đường dẫn trong bảng "
        "anttmap, hoặc nhập địa chỉ máy chủ anttmap.\n"
        "The anttmap tool was not found (setting, PATH, {places}): install anttmap or set its path in the anttmap "
        "panel, or give the address of an anttmap server.".format(places=", ".join(candidate_paths())))
