"""Tests of phoenix_gui.qt.document: the scenario, files, autosave, settings, lessons, export."""
