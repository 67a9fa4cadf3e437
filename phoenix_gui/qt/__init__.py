"""The desktop window: the only package that imports PySide6 and pyqtgraph.

Grouped by what a newcomer looks for:

- ``adapter``   the one bridge from the engine to Qt (:class:`SimulationAdapter`): it owns the
                step timer, re-emits engine events as Qt signals and forwards user requests.
- ``shell/``    start-up, main window, workbench, self-test, themes, error handling.
- ``views/``    the picture in the middle: ``views/ring/`` for the token ring; member colours.
- ``panels/``   the docks: controls, metrics, time series, members, decisions, recorder …
- ``document/`` the open scenario and files: open/save, autosave, settings, lessons, export.
- ``experiments/`` Simulation ▸ Experiment…: the sweep dialog, its chart, the ``--plot`` PNG.

Imports point one way: shell → document, panels, views → adapter → engine (public surface).
Views never touch the engine's simulation directly; they draw what the adapter hands them.
"""
