"""What sits in the middle of the window: one view per paradigm (``ring/`` for the Phoenix token
ring) and what views share (``palette``: member colours).

Views draw immutable snapshots handed to them by a binding that listens to the adapter; a view
never imports the engine's simulation, the shell, the panels or the document.
"""
