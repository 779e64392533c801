"""Every user-facing error in one place, with the exit codes the CLI documents.

Exit codes (also in the README; every message, with what to do, is in docs/errors.md):
  0    success
  1    a user error: bad input (with --strict), no input readable, missing file, output exists
       without --force, unknown store or format, bad --base, bad query (one line on stderr)
  2    bad command-line usage (click's own code)
  3    the build finished, but some inputs were skipped (each one reported as a warning)
  4    validation failed (SHACL violations or contract problems)
  5    a store or SPARQL endpoint could not be reached (or a server could not listen)
  130  interrupted (Ctrl-C); outputs are atomic, so the previous output is intact

Messages are one line: ``kg: error: <what is wrong>; <what to do>``, and for a skipped input
``kg: warning: skipped <file[:line]>: <what is wrong>; <what to do>``.
"""
from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INVALID = 4
EXIT_UNREACHABLE = 5
EXIT_INTERRUPTED = 130


class KGError(Exception):
    """A problem the user can fix; the CLI prints ``kg: error: <message>`` and exits."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} ({hint})")

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}; {self.hint}"


class InputError(KGError):
    """An input file or record cannot be read or decoded."""


class OutputError(KGError):
    """An output cannot be written (exists without --force, unknown format, ...)."""


class RegistryError(KGError):
    """An unknown extractor, store or format name."""


class ConfigError(RegistryError):
    """A pipeline configuration file names an unknown component or a bad setting."""


class QueryError(KGError):
    """A SPARQL query is malformed or failed."""


class StoreError(KGError):
    """A store or endpoint cannot be opened or reached."""

    exit_code = EXIT_UNREACHABLE


class ValidationError(KGError):
    """A graph violates the SHACL shapes or the graph contract."""

    exit_code = EXIT_INVALID
