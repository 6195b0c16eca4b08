"""The plugin's logic without widgets: finding the tool, backends, layers, edit checks, audited writes."""
