"""Check graphs against the graph contract with SHACL (``ontology/shapes.ttl``).

:func:`validate` reads one or more graphs (files in any RDF format, or rdflib graphs), takes the
union of all their named graphs, adds the ontology ``ontology/zhkg.ttl`` so that ``sh:class`` accepts
subclasses (instances carry only their most specific class), and runs pyshacl without inference.
:func:`format_report` turns the result into a short text report grouped by problem, the same for
the same input.
"""
from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager

from kg import rdfio
from kg.errors import InputError
from kg.ontology import ONTOLOGY_DIR, PREFIXES

__all__ = ["ValidationReport", "Violation", "format_json", "format_report", "load_union", "validate"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SEVERITIES = ("Violation", "Warning", "Info")
_MAX_LITERAL = 80


@dataclass(frozen=True)
class Violation:
    """One SHACL result, as readable strings.

    ``focus`` and ``path`` are IRIs (``"[blank node]"`` for a blank node); ``value`` is an IRI or a
    literal in N3 (``'"1.5"^^xsd:decimal'``) or None; ``constraint`` is the SHACL constraint
    component without its namespace and suffix (``minCount``, ``class``, ``sparql``).
    """

    severity: str
    message: str
    focus: str
    path: str | None = None
    value: str | None = None
    constraint: str = ""
    shape: str | None = None

    def sort_key(self) -> tuple:
        """Severity (Violation first), message, focus, path, value, constraint, shape."""
        rank = _SEVERITIES.index(self.severity) if self.severity in _SEVERITIES else len(_SEVERITIES)
        return (rank, self.message, self.focus, self.path or "", self.value or "", self.constraint,
                self.shape or "")


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` is False when any result is a Violation."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    def counts(self) -> dict[str, int]:
        """Number of results per severity (Violation, Warning, Info)."""
        return {s: sum(v.severity == s for v in self.violations) for s in _SEVERITIES}

    def to_dict(self) -> dict:
        """A JSON-ready dict: conforms, triples, counts and the sorted results."""
        return {"conforms": self.conforms, "triples": self.triples, "counts": self.counts(),
                "violations": [asdict(v) for v in self.violations]}


def validate(data, *, shapes: str | Path | Graph | None = None) -> ValidationReport:
    """Validate ``data`` (paths, rdflib graphs or datasets, or a list of them) against the shapes.

    ``shapes`` defaults to ``ontology/shapes.ttl``. All named graphs are merged before checking.
    Raises :class:`kg.errors.InputError` when a graph or the shapes cannot be read.
    """
    import pyshacl  # heavy: imported only when validating

    union = load_union(data, into=_QueryCachingGraph())
    triples = len(union)
    _read_file(ONTOLOGY_DIR / "zhkg.ttl", into=union)
    shapes_graph = shapes if isinstance(shapes, Graph) else _read_file(
        Path(shapes) if shapes is not None else ONTOLOGY_DIR / "shapes.ttl")
    _, results, _ = pyshacl.validate(
        union, shacl_graph=shapes_graph, inference="none", inplace=True, allow_warnings=True,
        allow_infos=True, abort_on_first=False, advanced=False, meta_shacl=False)
    violations = sorted(_violations(results), key=Violation.sort_key)
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations),
        violations=violations, triples=triples)


class _QueryCachingGraph(Graph):
    """A Graph that parses each distinct SPARQL text once.

    pyshacl sends the same query text for every focus node of a SPARQL constraint, and rdflib
    parses a query in about 40 ms here, far longer than running it.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            # pyshacl writes the PREFIX lines in no fixed order: sort them so the cache hits
            lines = query_object.split("\n")
            head = sum(1 for _ in itertools.takewhile(lambda line: line.startswith("PREFIX "), lines))
            query_object = _prepare("\n".join(sorted(lines[:head]) + lines[head:]))
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepare(text: str):
    """Parse a SPARQL query once per process (a pure function of its text)."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def load_union(data, *, into: Graph | None = None) -> Graph:
    """Read ``data`` into one Graph (``into``, else a new one) with the triples of every graph in it."""
    if isinstance(data, (str, Path, Graph)) or hasattr(data, "to_dataset"):
        data = [data]
    union = Graph() if into is None else into
    for item in data:
        if hasattr(item, "to_dataset"):  # a kg.api.BuildResult
            item = item.to_dataset()
        if isinstance(item, Dataset):
            for s, p, o, _ in item.quads((None, None, None, None)):
                union.add((s, p, o))
        elif isinstance(item, Graph):
            union += item
        else:
            for path in rdfio.rdf_files(item):
                _read_file(path, into=union)
    return union


def _read_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse one RDF file (all its graphs) into ``into`` or a new Graph, or raise InputError.

    pyoxigraph parses about ten times faster than rdflib (:func:`kg.rdfio.parse_file`); its terms
    are turned into rdflib's.
    """
    graph = Graph() if into is None else into
    convert = _TermConverter()
    for quad in rdfio.parse_file(path):
        graph.add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


class _TermConverter:
    """pyoxigraph term -> rdflib term; blank nodes get fresh rdflib ids, one per file."""

    def __init__(self) -> None:
        self._blank: dict[str, BNode] = {}
        self._iri: dict[str, URIRef] = {}

    def __call__(self, term):
        import pyoxigraph

        if isinstance(term, pyoxigraph.NamedNode):
            iri = self._iri.get(term.value)
            if iri is None:
                iri = self._iri[term.value] = URIRef(term.value)
            return iri
        if isinstance(term, pyoxigraph.BlankNode):
            return self._blank.setdefault(term.value, BNode())
        if isinstance(term, pyoxigraph.Literal):
            # normalize=False keeps the lexical form as written, for the report
            if term.language:
                return Literal(term.value, lang=term.language, normalize=False)
            if term.datatype.value == _XSD_STRING:
                return Literal(term.value, normalize=False)
            return Literal(term.value, datatype=self(term.datatype), normalize=False)
        raise InputError(f"unsupported RDF term: {term}")  # RDF-star triple terms


def _violations(results: Graph) -> Iterable[Violation]:
    """Turn pyshacl's results graph into Violation items."""
    names = _namespaces()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        component = results.value(result, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        shape = results.value(result, SH.sourceShape)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        yield Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=messages[0] if messages else "constraint not met",
            focus=_term(results.value(result, SH.focusNode), names),
            path=str(path) if isinstance(path, URIRef) else None,  # complex paths: see the message
            value=_term(value, names) if value is not None else None,
            constraint=_component(component),
            shape=str(shape) if isinstance(shape, URIRef) else None,
        )


def _component(component) -> str:
    """``sh:MinCountConstraintComponent`` -> ``minCount``."""
    if component is None:
        return ""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return "sparql" if name == "SPARQL" else name[:1].lower() + name[1:]


def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri)
    return manager


def _term(term, names: NamespaceManager) -> str:
    """An IRI as its string, a literal in N3 with prefixed datatype, a blank node as a placeholder."""
    if isinstance(term, Literal):
        return term.n3(names)
    if isinstance(term, BNode) or term is None:
        return "[blank node]"
    return str(term)


def _compact(text: str | None) -> str:
    """Shorten an IRI with the project prefixes and decode its %-escapes, for humans only."""
    if text is None:
        return ""
    if text.startswith('"'):
        return text if len(text) <= _MAX_LITERAL else text[:_MAX_LITERAL - 4] + '..."'
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri):
            return f"{prefix}:{unquote(text[len(iri):])}"
    return f"<{unquote(text)}>" if "://" in text else text


def format_report(report: ValidationReport, *, limit: int | None = 20) -> str:
    """A readable text report: a summary line, then each kind of problem with the nodes it hit.

    Results with the same severity, message, constraint and path form one group, listed by focus
    node; a group shows at most ``limit`` nodes (None: all) and says how many it left out.
    """
    counts = report.counts()
    found = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    verdict = "yes" if report.conforms else "no"
    lines = [f"Conforms: {verdict} ({report.triples} triples checked" + (f"; {found})" if found else ")")]
    groups: dict[tuple, list[Violation]] = {}
    for v in report.violations:
        key = v.sort_key()[:2] + (v.severity, v.constraint, v.path or "")
        groups.setdefault(key, []).append(v)
    for (_, message, severity, constraint, path), items in sorted(groups.items()):
        where = f"{constraint} on {_compact(path)}" if path else constraint
        lines += ["", f"{severity}: {message} [{where}] ({len(items)})"]
        items.sort(key=lambda v: (v.focus, v.value or ""))
        for v in items[:limit]:
            extra = f"  value {_compact(v.value)}" if v.value is not None and v.value != v.focus else ""
            lines.append(f"  {_compact(v.focus)}{extra}")
        if limit is not None and len(items) > limit:
            lines.append(f"  ... and {len(items) - limit} more")
    return "\n".join(lines) + "\n"


def format_json(report: ValidationReport) -> str:
    """The report as indented, key-sorted JSON (non-ASCII kept as is)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
