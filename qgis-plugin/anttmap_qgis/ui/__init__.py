"""Widgets: the anttmap panel and the unit form."""
