"""The token ring view: geometry (token → angle), cached layers (ticks, arcs, dots), the
migration animation (``animation``, ``motion``: flights, flashing arcs, fading leavers), the
pointer and keyboard (``pointer``, ``highlight``: hover, Tab, legend), and the binding that
feeds the view from the adapter.

May import :mod:`phoenix_gui.qt.views.palette`, the adapter (in ``ring_binding`` only) and the
public engine surface; never the shell, the panels or the document.
"""
