"""The application shell: start-up, the main window, the workbench around it, the self-test,
themes and presentation mode, and error handling (exception hook, error dialogs).

May import everything else in :mod:`phoenix_gui.qt` (views, panels, document, the adapter);
nothing outside the shell imports the shell, except the CLI's ``gui`` command and the docs'
render scripts, which start the app through :mod:`phoenix_gui.qt.shell.app`.
"""
