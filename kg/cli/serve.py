"""``kg serve``: a local SPARQL 1.1 HTTP endpoint over files or an Oxigraph store."""
from __future__ import annotations

import click


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="STORE_OR_FILES...")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback exposes the graph to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update at /update (read-only otherwise).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request to standard error.")
def serve(sources, host, port, allow_update, verbose):
    """Serve RDF files or an oxigraph:DIR store as a SPARQL 1.1 endpoint at /query.

    Read-only unless --allow-update; binds 127.0.0.1 unless --host says otherwise. Queries see
    the union of all document graphs as the default graph. Stop it with Ctrl-C.

    \b
    Examples:
      kg serve article.ttl
      kg serve oxigraph:corpus.db --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/query' --data-urlencode 'query=SELECT * {?s ?p ?o} LIMIT 5'
    """
    from kg.rdfio import StoreSpec
    from kg.server import is_loopback, make_server
    from kg.store import open_files, open_store

    if len(sources) == 1 and sources[0].startswith(("oxigraph:", "memory")):
        store = open_store(sources[0])
    elif any(StoreSpec.recognizes(s) for s in sources):
        raise click.UsageError("give one oxigraph:DIR store, or RDF files (kg serve cannot proxy an endpoint)")
    else:
        store = open_files(sources)
    if not is_loopback(host):
        click.echo(f"kg: warning: binding {host} lets other machines query this graph"
                   + (" and change it (--allow-update)" if allow_update else ""), err=True)
    with store:
        server = make_server(store, host, port, allow_update=allow_update, verbose=verbose)
        mode = "read-write" if allow_update else "read-only"
        what = store.spec if store.spec != "memory" else ", ".join(sources) + " (in memory)"
        page = server.url.rsplit("/", 1)[0] + "/"
        click.echo(f"kg: serving {what} at {server.url} ({mode}); a query page at {page};"
                   " Ctrl-C to stop", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("kg: stopped", err=True)
        finally:
            server.server_close()
