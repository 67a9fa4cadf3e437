"""The Kubernetes view: nodes as bins with CPU and memory bars, pods as blocks inside them, the
pending queue with the reason it waits, and each feasible node's score while a pod is placed.

May import :mod:`phoenix_gui.qt.views.board` and ``palette``, the snapshots, and the adapter
(in ``cluster_binding`` only); never the engine's simulation, the shell, the panels or the
document.
"""
