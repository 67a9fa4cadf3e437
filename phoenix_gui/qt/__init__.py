"""The desktop window: the only package that imports PySide6 and pyqtgraph.

Views never touch the engine directly; :class:`~phoenix_gui.qt.adapter.SimulationAdapter` owns
the step timer, re-emits engine events as Qt signals and forwards user requests to the engine.
"""
