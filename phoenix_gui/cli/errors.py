"""The one exception type the command line turns into a message and exit status 2, and the
one shape every error line has: ``phoenix-flight <cmd>: <where>: <what>``."""


class CliError(Exception):
    """A user-facing command line error; its text is ``<where>: <what>``, where names the
    option or file at fault (one problem per line when there are several)."""


def error_text(prog: str, message: str) -> str:
    """``message`` as the lines a user sees, each prefixed with the command:
    ``phoenix-flight run: lesson.yaml:3:5: seed: must be …``."""
    lines = message.splitlines() or [""]
    return "\n".join(f"{prog}: {line}" for line in lines)
