"""Tests of phoenix_gui.qt.views."""
