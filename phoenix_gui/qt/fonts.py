"""Font conventions shared by the shell's presentation mode and the widgets it scales.

Presentation mode (:mod:`phoenix_gui.qt.shell.presentation`) enlarges every widget's font; a
widget that sizes its own text for the back of the room (the lesson caption) sets the dynamic
property named here to opt out. The name lives in this small module so that such a widget does
not have to import the shell.
"""

OWN_PRESENTATION_FONT = "ownPresentationFont"
