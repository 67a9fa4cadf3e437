"""Tests of phoenix_gui.qt.views.ring: the token ring view."""
