"""Translation: Vietnamese from i18n/anttmap_qgis_vi.qm, English (the source strings) as fallback.

Every user-visible string goes through tr(); pylupdate5 collects them into the "@default" context.
"""
import os

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tr(text):
    return QCoreApplication.translate("@default", text)


def interface_language():
    """The language the installed translation gives ("vi"), "en" without one. Translators: translate this
    string with the language code of the translation."""
    return tr("en")


def user_locale():
    """QGIS' interface language (Settings > Options > General), else the system's."""
    settings = QSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        locale = settings.value("locale/userLocale", "") or ""
    else:
        locale = settings.value("locale/userLocale", "") or QLocale.system().name()
    return str(locale)


def install_translator(locale=None, plugin_dir=PLUGIN_DIR):
    """Installs the .qm for `locale` ("vi", "vi_VN", ...) if there is one; returns it (keep it alive) or None."""
    locale = locale or user_locale()
    for name in (locale, locale[:2]):
        path = os.path.join(plugin_dir, "i18n", "anttmap_qgis_%s.qm" % name)
        if name and os.path.exists(path):
            translator = QTranslator()
            if translator.load(path):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


def remove_translator(translator):
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
