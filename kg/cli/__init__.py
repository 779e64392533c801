"""The ``kg`` command line: a thin layer over the library API.

Each command lives in its own module in this package and is loaded only when it runs, so
``kg --help`` stays fast. Every error prints one line, ``kg: error: ...``, and exits with the
codes documented in :mod:`kg.errors` and docs/errors.md: a user error (:class:`KGError`) with its
class's code, a command-line mistake (click's usage errors: an unknown option or choice, a
missing argument, conflicting options) with 2; never a traceback.
"""
from __future__ import annotations

import importlib
import sys

import click

from kg.errors import EXIT_INTERRUPTED, EXIT_USAGE, KGError

#: command name -> "module:function" inside kg.cli
COMMANDS: dict[str, str] = {
    "build": "kg.cli.build:build",
    "eval": "kg.cli.evaluate:evaluate",
    "export": "kg.cli.export:export",
    "load": "kg.cli.store:load",
    "pipeline": "kg.cli.build:pipeline",
    "query": "kg.cli.query:query",
    "remove": "kg.cli.store:remove",
    "serve": "kg.cli.serve:serve",
    "stats": "kg.cli.stats:stats",
    "train-ner": "kg.cli.evaluate:train_ner",
    "train-rel": "kg.cli.train:train_rel",
    "validate": "kg.cli.validate:validate",
    "viz": "kg.cli.viz:viz",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self.get_command(ctx, name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, func = target.split(":")
        try:
            return getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError):
            return None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the command; in standalone mode, click's own errors are printed as ``kg: error:``."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            click.echo(f"kg: error: {_sentence(exc.format_message())} (see '{_command_path(exc, args)} -h')",
                       err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            click.echo(f"kg: error: {_sentence(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("kg: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            ctx.exit(130)


def _sentence(message: str) -> str:
    """click's messages start with a capital and end with a dot; ours do neither."""
    message = " ".join(message.split())
    if message[:1].isupper() and not message[1:2].isupper():
        message = message[0].lower() + message[1:]
    return message[:-1] if message.endswith(".") else message


def _command_path(exc: click.UsageError, args) -> str:
    if exc.ctx is not None:
        return exc.ctx.command_path
    argv = list(sys.argv[1:] if args is None else args)
    command = next((a for a in argv if not a.startswith("-")), None)
    return f"kg {command}" if command in COMMANDS else "kg"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zhkg", prog_name="kg")
def cli() -> None:
    """zhkg: build RDF knowledge graphs from Chinese articles, query them, and explore them.

    \b
    Examples:
      kg build article.txt -o article.ttl
      kg query article.ttl examples/queries/products-of-organization.rq --param name=工商银行
      kg viz article.ttl -o article.html
    """


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``kg``)."""
    cli.main(args=argv, prog_name="kg")
