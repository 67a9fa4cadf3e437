"""Workbench panels (docks): members, capabilities, workload, decisions, recorder, algorithms.

Each panel is a QWidget with ``set_simulation(sim)``, a ``refresh()`` slot and ``on_event(event)``
so the main window wires it with two lines.
"""
