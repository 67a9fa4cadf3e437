"""The open scenario and everything that reads or writes files: the document model, the File
menu, autosave and crash recovery, remembered settings, lessons and their captions, exports,
and the parameter state (``param_state``: the one home of the scenario's parameters, at t = 0
and now, with their undo stack).

May import the scenario package, the public engine surface, the views (to export them) and the
shell's dialogs (error dialog, presentation fonts); never the main window or the workbench.
"""
