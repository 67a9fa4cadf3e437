"""The one exception type the command line turns into a message and exit status 2."""


class CliError(Exception):
    """A user-facing command line error; its text names the option or file at fault."""
