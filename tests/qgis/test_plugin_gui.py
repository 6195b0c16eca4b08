"""initGui/unload in a host window: Debian's python3-qgis has no QGIS desktop, so a QMainWindow with a real
map canvas plays QGIS' main window (QgisInterface's calls the plugin makes are answered with real widgets).
Before test_processing.py, whose session-long Processing provider would be a second "anttmap" one."""
from qgis.core import QgsApplication, QgsProject
from qgis.gui import QgisInterface, QgsLayerTreeMapCanvasBridge, QgsMapCanvas
from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from helpers import settle


class HostWindow(QgisInterface):
    def __init__(self):
        super().__init__()
        self.window = QMainWindow()
        self.canvas = QgsMapCanvas(self.window)
        self.window.setCentralWidget(self.canvas)
        # As in QGIS: the project's layer tree decides what the canvas draws.
        self.bridge = QgsLayerTreeMapCanvasBridge(QgsProject.instance().layerTreeRoot(), self.canvas)
        self.menu = QMenu("Plugins", self.window)
        self.toolbar = QToolBar(self.window)
        self.submenus = {}

    def mainWindow(self):  # noqa: N802
        return self.window

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def addDockWidget(self, area, dock):  # noqa: N802
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.window.removeDockWidget(dock)

    def addPluginToMenu(self, name, action):  # noqa: N802
        self.submenus.setdefault(name, self.menu.addMenu(name)).addAction(action)

    def removePluginMenu(self, name, action):  # noqa: N802
        submenu = self.submenus[name]
        submenu.removeAction(action)
        if not submenu.actions():
            self.menu.removeAction(submenu.menuAction())
            del self.submenus[name]

    def addToolBarIcon(self, action):  # noqa: N802
        self.toolbar.addAction(action)
        return action

    def removeToolBarIcon(self, action):  # noqa: N802
        self.toolbar.removeAction(action)

    def close(self):
        """The window goes only once its canvas has finished rendering (helpers.settle)."""
        settle(self.canvas)
        self.bridge = None
        self.window.deleteLater()
        QgsApplication.processEvents()


def test_init_gui_adds_panel_menu_toolbar_provider_and_unload_removes_them(plugin, store):
    from anttmap_qgis import classFactory

    host = HostWindow()
    try:
        instance = classFactory(host)
        instance.initProcessing()  # QGIS calls this first for a plugin with a Processing provider
        instance.initGui()
        docks = host.window.findChildren(QDockWidget)
        assert [dock.objectName() for dock in docks] == ["AnttmapPanel"]
        assert len(host.toolbar.actions()) == 1 and host.submenus
        assert [p.id() for p in QgsApplication.processingRegistry().providers()].count("anttmap") == 1
        instance.panel.connect_store(store, 2020)
        for _ in range(5):
            QgsApplication.processEvents()
        drawn = {layer.customProperty("anttmap/layer") for layer in host.canvas.layers()}
        assert {"districts", "communes", "hotspots", "clusters"} <= drawn  # the group is on QGIS' canvas
        settle(host.canvas)
        instance.unload()
        assert not host.toolbar.actions() and not host.submenus
        assert QgsApplication.processingRegistry().providerById("anttmap") is None
        assert not [layer for layer in QgsProject.instance().mapLayers().values()
                    if layer.customProperty("anttmap/layer")]
    finally:
        host.close()


def test_unload_takes_the_server_key_back(plugin, server, auth_db):
    """The key's request preprocessor goes with the plugin: were it still there, a backend without a key would be
    sent the viewer's and list the internal layers."""
    from anttmap_qgis import classFactory
    from anttmap_qgis.core import settings
    from anttmap_qgis.core.backend import HttpBackend
    from anttmap_qgis.core.server_key import save_key

    host = HostWindow()
    anonymous = None
    try:
        instance = classFactory(host)
        instance.initGui()
        instance.panel.key.setConfigId(save_key(server.keys["viewer"], server.url))
        instance.panel.connect_server(server.url, 2020)
        assert "hotspots" in instance.panel.group.layers
        settle(host.canvas)
        instance.unload()
        anonymous = HttpBackend(server.url)
        assert "hotspots" not in [d["name"] for d in anonymous.layers()]
    finally:
        if anonymous is not None:
            anonymous.close()
        settings.set_server_authcfg("")
        host.close()
