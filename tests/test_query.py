"""kg.query and ``kg query``: prefixes, safe parameters, syntax errors, result formats."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.errors import EXIT_ERROR, EXIT_UNREACHABLE, InputError, OutputError, QueryError
from kg.query import (QueryResult, bind_params, check_query, display_width, parse_param, parse_term,
                      prefix_header, read_query, run_query)
from kg.results import output_format, sparql_term
from kg.store import open_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "contract_sample.trig"
XSD = "http://www.w3.org/2001/XMLSchema#"
ICBC = "https://w3id.org/zhkg/id/entity/%E4%B8%AD%E5%9B%BD%E5%B7%A5%E5%95%86%E9%93%B6%E8%A1%8C"


@pytest.fixture(scope="module")
def store():
    with open_files([SAMPLE]) as s:
        yield s


def invoke(*args, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


# -- parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("<https://example.org/a>", ox.NamedNode("https://example.org/a")),
    ("zkg:Company", ox.NamedNode("https://w3id.org/zhkg/ontology#Company")),
    ('"工行"@zh', ox.Literal("工行", language="zh")),
    ('"a \\"b\\""', ox.Literal('a "b"')),
    ('"7"^^xsd:int', ox.Literal("7", datatype=ox.NamedNode(XSD + "int"))),
    ('"7"^^<http://example.org/dt>', ox.Literal("7", datatype=ox.NamedNode("http://example.org/dt"))),
    ("42", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("-3.5", ox.Literal("-3.5", datatype=ox.NamedNode(XSD + "decimal"))),
    ("1e3", ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double"))),
    ("true", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ("工商银行", ox.Literal("工商银行", language="zh")),  # Chinese text: tagged like the graph's names
    ("e抵快贷", ox.Literal("e抵快贷", language="zh")),
    ("ICBC", ox.Literal("ICBC")),
    ('"工商银行"', ox.Literal("工商银行")),
    ("ex:foo", ox.Literal("ex:foo")),  # not a contract prefix: plain text
    ("", ox.Literal("")),
])
def test_parse_term(text, expected):
    assert parse_term(text) == expected


@pytest.mark.parametrize("bad", ['"unterminated', '"x"@', "<not an iri>", '"x"^^"y"'])
def test_parse_term_rejects_malformed_values(bad):
    with pytest.raises(QueryError):
        parse_term(bad)


@pytest.mark.parametrize("text, name", [("name=工行", "name"), ("?org=<http://x/y>", "org"), ("$n=1", "n")])
def test_parse_param(text, name):
    assert parse_param(text)[0] == name


@pytest.mark.parametrize("bad", ["noequals", "1x=2", "=v", "a b=c"])
def test_parse_param_rejects_bad_names(bad):
    with pytest.raises(QueryError, match="--param"):
        parse_param(bad)


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?x ?p ?name }",
    "SELECT * { ?x ?p ?name }",
    "ASK { ?x ?p ?name }",
    "CONSTRUCT { ?x ?p ?name } WHERE { ?x ?p ?name }",
    "CONSTRUCT WHERE { ?x ?p ?name }",
    'SELECT ?x FROM <http://g> WHERE { ?x ?p ?name FILTER(?name != "}{") } # }',
    "DESCRIBE ?x WHERE { ?x ?p ?name }",
])
def test_bind_params_puts_values_in_the_where_group(query):
    bound = bind_params(query, {"name": ox.Literal("v")})
    assert bound.count('VALUES ?name { "v" }') == 1
    check_query(bound)  # still valid SPARQL
    where = bound.index("VALUES")
    assert bound.rfind("{", 0, where) > bound.upper().rfind("WHERE") or "WHERE" not in bound.upper()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_a_parameter_value_can_only_ever_be_one_literal(store, value):
    """Injection attempts stay data: the query returns the value itself, never more rows."""
    result = run_query(store, "SELECT ?v WHERE { BIND(STR(?name) AS ?v) }", {"name": ox.Literal(value)})
    assert result.values() == [{"v": value}]


def test_injection_attempt_is_a_plain_literal(store):
    evil = '工行" } ?s ?p ?o . { "x'
    rows = run_query(store, "examples/queries/products-of-organization.rq".join([str(ROOT) + "/", ""]),
                     {"name": evil}).rows
    assert rows == []


def test_bind_params_rejects_unknown_variables():
    with pytest.raises(QueryError, match=r"\?nope"):
        bind_params("SELECT ?x { ?x ?p ?o }", {"nope": ox.Literal("1")})


def test_ask_and_select_star_take_parameters(store):
    assert run_query(store, "ASK { ?e rdfs:label ?name }", {"name": '"中国工商银行"@zh'}).boolean is True
    assert run_query(store, "ASK { ?e rdfs:label ?name }", {"name": "中国工商银行"}).boolean is True
    assert run_query(store, "ASK { ?e rdfs:label ?name }", {"name": '"中国工商银行"'}).boolean is False
    rows = run_query(store, "SELECT DISTINCT * { ?e skos:altLabel ?name }", {"name": '"工行"@zh'}).values()
    assert rows == [{"e": ICBC, "name": "工行"}]


# -- prefixes and syntax ---------------------------------------------------------------------

def test_prefix_header_declares_only_missing_contract_prefixes():
    header = prefix_header("PREFIX zkg: <http://other/>\n# PREFIX rdfs: <x>\nSELECT * {}")
    assert "PREFIX zkg:" not in header
    for p in ("rdfs", "skos", "schema", "prov", "nif", "itsrdf", "dcterms", "xsd", "zkgr", "rdf", "owl"):
        assert f"PREFIX {p}: <" in header


def test_a_query_may_redeclare_a_contract_prefix(store):
    result = run_query(store, "PREFIX zkg: <http://example.org/> SELECT (zkg:x AS ?x) {}")
    assert result.values() == [{"x": "http://example.org/x"}]


@pytest.mark.parametrize("query, form", [
    ("SELECT * { ?s ?p ?o }", "select"), ("ASK {}", "ask"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"), ("DESCRIBE <http://x>", "describe"),
    ("PREFIX d: <http://describe/> SELECT * { ?s d:p ?o }", "select"),
])
def test_check_query_tells_the_form(query, form):
    assert check_query(query) == form


@pytest.mark.parametrize("query, line, col", [
    ("SELECT ?x WHERE {\n  ?x a zkg:Company .\n  FILTER( }", 3, 12),
    ("SELECT * { ?s ?p ?o } LIMIT x", 1, 29),
    ('SELECT ?x WHERE { ?x ?p "中文" . FILTER( }', 1, 41),  # columns count characters
    ('SELECT ?x WHERE { ?x ?p "中文" } LIMIT x', 1, 38),
])
def test_syntax_errors_show_line_column_and_caret(query, line, col):
    with pytest.raises(QueryError) as info:
        check_query(query)
    message = str(info.value)
    assert f"line {line}, column {col}" in message
    shown, caret = message.splitlines()[1:3]
    assert shown.strip() == query.split("\n")[line - 1].strip()
    prefix = query.split("\n")[line - 1][: col - 1]
    assert caret.index("^") == 2 + display_width(prefix)  # the caret sits under CJK text too


def test_undeclared_prefix_is_named_in_the_error():
    with pytest.raises(QueryError, match="undeclared prefix ex:"):
        check_query("SELECT ?x WHERE { ?x ex:p 1 }")


def test_updates_are_refused_by_query():
    with pytest.raises(QueryError, match="SPARQL Update"):
        check_query("PREFIX a: <http://a/> INSERT DATA { a:x a:y a:z }")


def test_read_query(tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("ASK {}", encoding="utf-8")
    assert read_query(str(rq)) == "ASK {}"
    assert read_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(InputError, match="not found"):
        read_query(str(tmp_path / "missing.rq"))


# -- formats -------------------------------------------------------------------------------

Q_LABELS = "SELECT ?e ?label WHERE { ?e rdfs:label ?label } ORDER BY ?label"


def test_display_width_counts_cjk_as_two():
    assert display_width("abc") == 3
    assert display_width("工银玺链") == 8
    assert display_width("e抵快贷") == 7
    assert display_width("ＡＢ") == 4  # full-width
    assert display_width("e\u0301") == 1  # combining accent


def test_table_columns_line_up_in_terminal_columns(store):
    text = run_query(store, Q_LABELS).serialize("table").decode()
    lines = text.splitlines()
    header, rule, body, footer = lines[0], lines[1], lines[2:-1], lines[-1]
    second_col = display_width(rule.split("  ")[0]) + 2
    for line in [header] + body:
        # the second column starts at the same terminal column on every line
        first = line.split("  ")[0]
        rest = line[len(first):]
        assert display_width(first) + (len(rest) - len(rest.lstrip(" "))) == second_col
    assert footer == f"({len(body)} rows)"
    assert f"zkgr:entity\\/{ICBC.rsplit('/', 1)[1]}" in text  # IRIs as prefixed names, escaped


def test_csv_tsv_and_json_round_trip(store):
    result = run_query(store, Q_LABELS)
    as_json = ox.parse_query_results(result.serialize("json"), format=ox.QueryResultsFormat.JSON)
    as_tsv = ox.parse_query_results(result.serialize("tsv"), format=ox.QueryResultsFormat.TSV)
    for parsed in (as_json, as_tsv):
        assert [tuple(s[v] for v in ("e", "label")) for s in parsed] == result.rows
    csv_lines = result.serialize("csv").decode().split("\r\n")
    assert csv_lines[0] == "e,label"
    assert f"{ICBC},Industrial and Commercial Bank of China" in csv_lines
    assert json.loads(result.serialize("json"))["head"]["vars"] == ["e", "label"]


def test_ask_formats():
    assert QueryResult("ask", boolean=True).serialize() == b"true\n"
    assert json.loads(QueryResult("ask", boolean=False).serialize("json")) == {"head": {}, "boolean": False}


@pytest.mark.parametrize("fmt, rdflib_format", [
    ("ttl", "turtle"), ("nt", "nt"), ("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")])
def test_construct_writes_each_rdf_format(store, fmt, rdflib_format):
    query = "CONSTRUCT { ?e rdfs:label ?l ; a ?c } WHERE { ?e a zkg:Person, ?c ; rdfs:label ?l }"
    result = run_query(store, query)
    assert len(result) == 6  # three people, their label and class; duplicates across graphs merged
    data = result.serialize(fmt)
    if rdflib_format in ("trig", "nquads"):  # CONSTRUCT results land in the default graph
        quads = list(ox.parse(data, format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS))
        assert {q.graph_name for q in quads} == {ox.DefaultGraph()}
        graph = Graph().parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES),
                              format="nt")
    else:
        graph = Graph().parse(data=data, format=rdflib_format)
    expected = Graph().parse(data=result.serialize("nt"), format="nt")
    assert len(expected) == 6 and isomorphic(graph, expected)
    assert result.serialize(fmt) == data  # deterministic


def test_wrong_format_for_the_query_form(store):
    with pytest.raises(OutputError, match="use one of table, csv, tsv, json, xml"):
        run_query(store, "ASK {}").serialize("ttl")
    with pytest.raises(OutputError, match="use one of ttl, trig, nt, nq, jsonld"):
        run_query(store, "CONSTRUCT WHERE { ?s a zkg:Person }").serialize("csv")


# -- the command ---------------------------------------------------------------------------

def test_cli_query_string_with_param_and_csv():
    r = invoke("query", str(SAMPLE), "SELECT DISTINCT ?l { ?e skos:altLabel ?name ; rdfs:label ?l } ORDER BY ?l",
               "-p", "name=\"工行\"@zh", "-f", "csv")
    assert r.exit_code == 0
    assert r.stdout_bytes.decode().split("\r\n") == ["l", "Industrial and Commercial Bank of China", "中国工商银行", ""]


def test_cli_query_rq_file_default_table():
    r = invoke("query", str(SAMPLE), str(ROOT / "examples/queries/people-and-roles.rq"))
    assert r.exit_code == 0
    assert r.output.splitlines()[2].split() == ["王立新", "首席技术官", "蚂蚁集团"]


@pytest.mark.parametrize("answer", ["true", "false"])
def test_cli_ask_prints_the_answer_and_exits_zero(answer):
    cls = "Person" if answer == "true" else "Place"
    r = invoke("query", str(SAMPLE), f"ASK {{ ?x a zkg:{cls} }}")
    assert (r.exit_code, r.output) == (0, answer + "\n")


def test_cli_writes_output_file_only_with_force(tmp_path):
    out = tmp_path / "out.ttl"
    q = "CONSTRUCT WHERE { ?x a zkg:Person }"
    assert invoke("query", str(SAMPLE), q, "-o", str(out)).exit_code == 0
    assert Graph().parse(out, format="turtle").__len__() == 3
    again = invoke("query", str(SAMPLE), q, "-o", str(out))
    assert again.exit_code == EXIT_ERROR and "--force" in again.output
    assert invoke("query", str(SAMPLE), q, "-o", str(out), "--force").exit_code == 0


@pytest.mark.parametrize("args, code, message", [
    (["query", str(SAMPLE), "SELECT ?x WHERE {\n ?x a }"], EXIT_ERROR, "line 2, column"),
    (["query", "missing.ttl", "ASK {}"], EXIT_ERROR, "missing.ttl: no such file"),
    (["query", str(SAMPLE), "missing.rq"], EXIT_ERROR, "query file not found"),
    (["query", "--store", "nosuch:thing", "ASK {}"], EXIT_ERROR, "unknown store 'nosuch'"),
    (["query", "--store", "oxigraph:/nonexistent/db", "ASK {}"], EXIT_UNREACHABLE, "no Oxigraph store"),
    (["query", "--endpoint", "http://127.0.0.1:9/query", "ASK {}"], EXIT_UNREACHABLE, "cannot reach"),
    (["query", str(SAMPLE), "SELECT * {?s ?p ?o}", "-p", "zz=1"], EXIT_ERROR, "no variable ?zz"),
    (["query", str(SAMPLE), "ASK {}", "-f", "ttl"], 2, "kg: error: ttl does not fit an ASK query"),
    (["query", str(SAMPLE), "ASK {}", "-f", "zz"], 2, "kg: error: invalid value for '-f'"),
])
def test_cli_errors_are_one_clear_message_without_traceback(args, code, message):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == code, r.output
    assert message in r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


def test_cli_rejects_graph_files_with_a_store():
    r = CliRunner().invoke(cli, ["query", str(SAMPLE), "--store", "memory", "ASK {}"])
    assert r.exit_code == 2 and "not both" in r.output


# -- pasteable IRIs, output formats, short syntax errors ----------------------------------------

@pytest.mark.parametrize("iri, shown", [
    ("https://w3id.org/zhkg/id/entity/招商银行", "zkgr:entity\\/招商银行"),
    ("https://w3id.org/zhkg/id/doc/a.txt#metric=871,876", "zkgr:doc\\/a.txt\\#metric\\=871\\,876"),
    ("https://w3id.org/zhkg/id/entity/%E4%B8%AD", "zkgr:entity\\/%E4%B8%AD"),  # %XX stands for itself
    ("https://w3id.org/zhkg/id/entity/a.", "zkgr:entity\\/a\\."),  # no final unescaped dot
    ("https://w3id.org/zhkg/id/entity/-x", "zkgr:entity\\/-x"),
    ("https://w3id.org/zhkg/ontology#Company", "zkg:Company"),
    ("https://w3id.org/zhkg/id/entity/a b", None),
    ("http://example.org/x", "<http://example.org/x>"),
])
def test_sparql_term_is_a_term_a_query_accepts(iri, shown):
    if shown is None:  # a space cannot be escaped in a prefixed name (nor in an IRI the graph holds)
        assert sparql_term(iri).startswith("<")
        return
    assert sparql_term(iri) == shown


def test_every_iri_in_the_table_can_be_pasted_back(store):
    rows = run_query(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s").rows
    table = run_query(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s").serialize("table").decode()
    cells = [line.strip() for line in table.splitlines()[2:-1]]
    assert len(cells) == len(rows) > 20
    for (iri,), cell in zip(rows, cells):
        if isinstance(iri, ox.NamedNode):
            result = run_query(store, f"SELECT ?x WHERE {{ BIND({cell} AS ?x) }}")
            assert result.rows == [(iri,)], cell


@pytest.mark.parametrize("path, fmt, form, expected", [
    ("p2.csv", None, "select", "csv"), ("p2.tsv", None, "select", "tsv"), ("p.json", None, "select", "json"),
    ("p.xml", None, "select", "xml"), ("p.srx", None, "ask", "xml"), ("p.txt", None, "select", "table"),
    ("g.ttl", None, "construct", "ttl"), ("g.nt", None, "describe", "nt"), ("g.trig", None, "construct", "trig"),
    ("g.nq", None, "construct", "nq"), ("g.jsonld", None, "construct", "jsonld"),
    ("g.json", None, "construct", "jsonld"),  # .json for a graph is JSON-LD
    ("p.csv", "json", "select", "json"),  # an explicit -f wins over the extension
    (None, None, "select", "table"), (None, None, "ask", "table"), (None, None, "construct", "ttl"),
    (None, "xml", "ask", "xml"),
])
def test_output_format(path, fmt, form, expected):
    assert output_format(path, fmt, form) == expected


@pytest.mark.parametrize("path, fmt, form, message", [
    ("p.csv", None, "construct", "csv does not fit a CONSTRUCT query"),
    ("g.ttl", None, "select", "ttl does not fit a SELECT query"),
    (None, "ttl", "ask", "ttl does not fit an ASK query"),
    ("p.out", None, "select", "cannot tell the format from the extension .out"),
])
def test_output_format_mismatch_is_one_line(path, fmt, form, message):
    with pytest.raises(OutputError, match=message) as info:
        output_format(path, fmt, form)
    assert "\n" not in str(info.value)


def test_cli_output_format_follows_the_extension(tmp_path):
    out = tmp_path / "p2.csv"
    assert invoke("query", str(SAMPLE), Q_LABELS, "-o", str(out)).exit_code == 0
    assert out.read_bytes().split(b"\r\n")[0] == b"e,label"
    xml = tmp_path / "p2.xml"
    assert invoke("query", str(SAMPLE), Q_LABELS, "-o", str(xml)).exit_code == 0
    parsed = ox.parse_query_results(xml.read_bytes(), format=ox.QueryResultsFormat.XML)
    assert [tuple(s[v] for v in ("e", "label")) for s in parsed] == run_query(SAMPLE, Q_LABELS).rows


def test_xml_results_parse_back_exactly(store):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 400"
    result = run_query(store, query)
    parsed = ox.parse_query_results(result.serialize("xml"), format=ox.QueryResultsFormat.XML)
    assert [tuple(s[v] for v in ("s", "p", "o")) for s in parsed] == result.rows
    for answer in (True, False):
        data = QueryResult("ask", boolean=answer).serialize("xml")
        assert bool(ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)) is answer


def test_construct_turtle_uses_the_zkgr_prefix(store):
    data = run_query(store, "CONSTRUCT WHERE { ?e a zkg:Person }").serialize("ttl").decode()
    assert "@prefix zkgr: <https://w3id.org/zhkg/id/> ." in data
    assert "zkgr:entity\\/" in data and "<https://w3id.org/zhkg/id/entity/" not in data


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?x { ?x a ex:Company }", "undeclared prefix ex:"),
    ("SELECT ?x { ?x a 招行:公司 }", "undeclared prefix 招行:"),
    ("ASK { ?x ?y ?z", 'expected one of ",", ".", ";", "{"'),
    ("SELECT * { ?s ?p ?o } LIMIT x", "expected one of HAVING, OFFSET, OPTIONAL, VALUES, a digit"),
])
def test_syntax_errors_are_short(query, expected):
    with pytest.raises(QueryError) as info:
        check_query(query)
    message = str(info.value)
    assert expected in message
    first = message.splitlines()[0]
    assert "\\u{" not in message and "..=" not in message and len(first) < 160, message
    assert len(message.splitlines()) == 3  # the message, the line, the caret


def test_undeclared_prefix_caret_is_under_the_prefix():
    with pytest.raises(QueryError) as info:
        check_query("SELECT ?x WHERE {\n  ?x a 招行:公司 }")
    _, line, caret = str(info.value).splitlines()
    assert "line 2, column 8" in str(info.value)
    assert caret.index("^") == 2 + display_width("  ?x a ")


@pytest.mark.parametrize("args, message", [
    ([str(SAMPLE)], "the query is missing: "),
    ([str(SAMPLE), str(SAMPLE)], "the query is missing: "),
    (["ASK {}"], "no graph to query"),
])
def test_cli_says_what_is_missing(args, message):
    r = CliRunner().invoke(cli, ["query", *args])
    assert r.exit_code == 2 and r.output.startswith("kg: error: " + message), r.output


def test_query_hides_the_write_options_of_an_endpoint():
    text = invoke("query", "-h").output
    assert "--endpoint" in text and "--update-endpoint" not in text and "--graph-store" not in text
    assert "xml" in text
