"""The plugin object QGIS creates: the panel, a menu/toolbar action, the Processing provider."""
import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .core.i18n import PLUGIN_DIR, install_translator, remove_translator, tr
from .core.unit_provider import register_provider


class AnttmapPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.translator = install_translator()
        self.provider = None
        self.panel = None
        self.action = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it before initGui for Processing plugins)
        # The data provider of the editable layers: registered once per QGIS session (3.22 cannot remove it;
        # without the plugin its layers simply stay read-only).
        register_provider()
        if self.provider is not None:
            return
        from .processing.provider import AnttmapProvider

        self.provider = AnttmapProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        from .ui.panel import AnttmapPanel

        self.initProcessing()
        self.panel = AnttmapPanel(self.iface.mapCanvas(), parent=self.iface.mainWindow())
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.panel)
        self.action = QAction(QIcon(os.path.join(PLUGIN_DIR, "icon.svg")), tr("anttmap panel"),
                              self.iface.mainWindow())
        self.action.setCheckable(True)
        self.action.setChecked(True)
        self.action.toggled.connect(self.panel.setUserVisible)
        self.panel.visibilityChanged.connect(self.action.setChecked)
        self.iface.addPluginToMenu(tr("&anttmap"), self.action)
        self.iface.addToolBarIcon(self.action)

    def unload(self):
        if self.action is not None:
            self.iface.removePluginMenu(tr("&anttmap"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.panel is not None:
            self.panel.disconnect_store()
            self.iface.removeDockWidget(self.panel)
            self.panel.deleteLater()
            self.panel = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None
