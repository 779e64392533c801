"""The ``kg`` command line: a thin layer over the library API.

Each command lives in its own module in this package and is loaded only when it runs, so
``kg --help`` stays fast. User errors print one line, ``kg: error: ...``, and exit with the
codes documented in :mod:`kg.errors`; they never show a traceback.
"""
from __future__ import annotations

import importlib

import click

from kg.errors import KGError

#: command name -> "module:function" inside kg.cli
COMMANDS: dict[str, str] = {
    "build": "kg.cli.build:build",
    "eval": "kg.cli.evaluate:evaluate",
    "export": "kg.cli.export:export",
    "load": "kg.cli.store:load",
    "query": "kg.cli.query:query",
    "remove": "kg.cli.store:remove",
    "serve": "kg.cli.serve:serve",
    "stats": "kg.cli.stats:stats",
    "train-ner": "kg.cli.evaluate:train_ner",
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
