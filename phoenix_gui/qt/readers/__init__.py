"""What the adapter reads from the engine to build the views' snapshots: the story of a step
(moves, membership changes, hand-offs, the last placement decision) and the boards of the
Kubernetes and agent views.

Only :mod:`phoenix_gui.qt.adapter` imports this folder. It imports the public engine surface
and :mod:`phoenix_gui.qt.snapshots`, never the adapter, the shell, the views, the panels or the
document, and returns frozen data only.
"""
