import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..core.i18n import PLUGIN_DIR, tr
from .algorithms import ExportAlgorithm, ImportAlgorithm, LineageAlgorithm, StatsAlgorithm, ValidateAlgorithm


class AnttmapProvider(QgsProcessingProvider):
    def id(self):
        return "anttmap"

    def name(self):
        return tr("anttmap (ANTT movement)")

    def longName(self):
        return self.name()

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def loadAlgorithms(self):
        for algorithm in (ImportAlgorithm(), ValidateAlgorithm(), StatsAlgorithm(), ExportAlgorithm(), LineageAlgorithm()):
            self.addAlgorithm(algorithm)
