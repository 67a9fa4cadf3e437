"""The agent view: LLM agent cards (skills, trust, reliability, active tasks, context use),
each matching agent's score while a task is routed, hand-offs flying card to card with their
checkpoint summary, and the lane of agents governance refused, with the reason.

May import :mod:`phoenix_gui.qt.views.board` and ``palette``, the snapshots, and the adapter
(in ``agents_binding`` only); never the engine's simulation, the shell, the panels or the
document.
"""
