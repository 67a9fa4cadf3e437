"""Tests of phoenix_gui.qt.shell: start-up, main window, workbench, self-test, themes."""
