"""The pipeline configuration: which extractors a build runs, with which models and settings.

A configuration is a TOML file (``kg build --config FILE``) in the shape of spaCy's config.cfg::

    [propose]
    extractors = ["gazetteer@1", "quoted@1", "suffix@1", "people@1", "crf@1"]
    [propose."crf@1"]
    model = "models/ner.crf"

    [relate]
    extractors = ["relations@1", "metrics@1", "penalties@1", "relation-model@1"]
    [relate."relation-model@1"]
    threshold = 0.6

Every name is looked up in the registry (:mod:`kg.extractors`); an unknown name, section or
setting is a one-line :class:`kg.errors.ConfigError`. The defaults (every rule-based extractor,
the packaged relation model at its own threshold, no CRF) are :data:`DEFAULT` (``kg pipeline --toml``
prints them as a file). Every document's provenance records the configuration it was built with
(:meth:`PipelineConfig.describe`: extractors, settings, model file hashes, configuration hash).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg import extractors
from kg.errors import ConfigError

#: The plan every build runs: (stage name@version, what it does). Runners decide where a stage
#: runs (this process, worker processes, Dask), never what it does.
PLAN: tuple[tuple[str, str], ...] = (
    ("read@1", "inputs -> Documents (kg.io.read_documents)"),
    ("normalize@1", "one-to-one normalized text, lone surrogates cleaned (kg.normalize)"),
    ("segment@1", "tokens with offsets and sentences (kg.segment)"),
    ("propose@1", "mention extractors propose; offsets are checked (config [propose])"),
    ("resolve-document@1", "overlaps resolved, CRF merged, trusted names propagated (kg.spans)"),
    ("resolve-corpus@1", "names merged over the corpus, looked for in every document"),
    ("relate@1", "relation, metric and penalty extractors propose (config [relate])"),
    ("entities@1", "entities resolved across the corpus (class votes, aliases)"),
    ("graph@1", "one named graph per document, sorted N-Quads (kg.rdf)"),
    ("write@1", "a file (kg.export) or a store (kg.corpus)"),
)

#: name@version -> {setting: the option key extractors read from Resources.options}
SETTINGS: dict[str, dict[str, str]] = {
    "crf@1": {"model": "ner_model"},
    "relation-model@1": {"model": "relation_model", "threshold": "relation_threshold"},
}
_SECTIONS = {"propose": ("mentions", "ner"), "relate": ("relations",)}


@dataclass(frozen=True)
class PipelineConfig:
    """What a build runs: extractor names in order per section, and their settings."""

    propose: tuple[str, ...]
    relate: tuple[str, ...]
    #: (name@version, setting, value), sorted
    settings: tuple[tuple[str, str, object], ...] = ()

    @property
    def extractors(self) -> tuple[str, ...]:
        return self.propose + self.relate

    def setting(self, name: str, key: str, default=None):
        for n, k, v in self.settings:
            if (n, k) == (name, key):
                return v
        return default

    def options(self) -> dict:
        """The Resources.options the extractors read (``ner_model``, ``relation_threshold``, ...)."""
        return {SETTINGS[n][k]: v for n, k, v in self.settings}

    def with_ner_model(self, path: str | None) -> PipelineConfig:
        """This configuration with the CRF (``--ner-model``) added, or its model replaced."""
        if not path:
            return self
        propose = self.propose if "crf@1" in self.propose else self.propose + ("crf@1",)
        settings = [s for s in self.settings if s[:2] != ("crf@1", "model")] + [("crf@1", "model", str(path))]
        return replace(self, propose=propose, settings=tuple(sorted(settings)))

    def to_dict(self) -> dict:
        """The configuration as the TOML file's data."""
        out: dict = {}
        for section in _SECTIONS:
            names = getattr(self, section)
            out[section] = {"extractors": list(names)}
            for n, k, v in self.settings:
                if n in names:
                    out[section].setdefault(n, {})[k] = v
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def digest(self) -> str:
        """``sha256:<hex>`` of the canonical configuration: what a graph's provenance records."""
        return "sha256:" + hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def model_files(self) -> list[tuple[str, Path]]:
        """(extractor, model file) for every extractor of this configuration that reads a model:
        the file its ``model`` setting names, else the packaged default."""
        out = []
        for name in self.extractors:
            if "model" in SETTINGS.get(name, {}):
                path = self.setting(name, "model") or default_model(name)
                if path is not None:
                    out.append((name, Path(path)))
        return out

    def describe(self) -> str:
        """One line recorded in the provenance of every document built with this configuration:
        the extractors (name@version) in order, their settings, the content hash of each model
        file, and the hash of the configuration."""
        models = {name: file_digest(path) for name, path in self.model_files()}
        parts = []
        for name in self.extractors:
            sets = [f"{k}={v}" for n, k, v in self.settings if n == name and k != "model"]
            if name in models:
                sets.append(f"model={models[name]}")
            parts.append(name + (f"({', '.join(sets)})" if sets else ""))
        return " ".join(parts) + f"; {self.digest()}"

    def to_toml(self) -> str:
        """The configuration as a TOML file ``kg build --config`` reads (``kg pipeline --toml``)."""
        lines = []
        for section, body in self.to_dict().items():
            names = body.pop("extractors")
            lines += [f"[{section}]", "extractors = [" + ", ".join(json.dumps(n) for n in names) + "]"]
            for name, sets in body.items():
                lines.append(f"[{section}.{json.dumps(name)}]")
                lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(sets.items())]
            lines.append("")
        return "\n".join(lines)


def default_model(name: str) -> Path | None:
    """The packaged model file an extractor reads when its configuration names none."""
    if name == "relation-model@1":
        from kg.relmodel.model import DEFAULT_MODEL

        return DEFAULT_MODEL
    return None


@lru_cache(maxsize=16)
def _file_digest(path: str, size: int, mtime: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def file_digest(path: str | Path) -> str:
    """``sha256:<hex>`` of a model file's bytes (read once per process while it is unchanged)."""
    stat = Path(path).stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


def from_dict(data: dict, source: str = "<config>") -> PipelineConfig:
    """A configuration from parsed TOML data; a bad name or setting raises ConfigError."""
    unknown = sorted(set(data) - set(_SECTIONS) - {"pipeline"})
    if unknown:
        raise ConfigError(f"{source}: unknown section [{unknown[0]}]",
                          hint=f"sections are {', '.join(['pipeline', *_SECTIONS])}")
    names: dict[str, tuple[str, ...]] = {}
    settings = []
    for section, stages in _SECTIONS.items():
        body = dict(data.get(section, {}))
        listed = body.pop("extractors", None)
        kept = listed is None  # no list: the default extractors, with the settings given here
        if kept:
            listed = list(getattr(DEFAULT, section))
        if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
            raise ConfigError(f"{source}: [{section}] needs extractors = [\"name@version\", ...]")
        for name in listed:
            _check_name(name, section, stages, source)
        if len(set(listed)) != len(listed):
            raise ConfigError(f"{source}: [{section}] lists an extractor twice")
        names[section] = tuple(listed)
        for key, value in sorted(body.items()):
            name = _resolve_name(key, listed)
            if name is None or not isinstance(value, dict):
                raise ConfigError(f"{source}: [{section}.{key}] is not an extractor of [{section}]",
                                  hint=f"listed: {', '.join(listed) or 'none'}")
            for setting, v in sorted(value.items()):
                allowed = SETTINGS.get(name, {})
                if setting not in allowed:
                    raise ConfigError(f"{source}: {name} has no setting {setting!r}",
                                      hint=f"settings: {', '.join(sorted(allowed)) or 'none'}")
                settings.append((name, setting, _check_value(name, setting, v, source)))
        if kept:  # the default's settings that this file does not set
            given = {(n, k) for n, k, _ in settings}
            settings += [s for s in DEFAULT.settings if s[0] in listed and s[:2] not in given]
    config = PipelineConfig(names["propose"], names["relate"], tuple(sorted(settings)))
    if "crf@1" in config.propose and config.setting("crf@1", "model") is None:
        raise ConfigError(f"{source}: crf@1 needs a model", hint='add [propose."crf@1"] model = "FILE"')
    return config


def _check_name(name: str, section: str, stages: tuple[str, ...], source: str) -> None:
    if name not in extractors.REGISTRY:
        raise ConfigError(f"{source}: unknown extractor {name!r}",
                          hint=f"known: {', '.join(sorted(extractors.REGISTRY))}")
    stage = extractors.REGISTRY[name][0]
    if stage not in stages:
        raise ConfigError(f"{source}: {name} is not a [{section}] extractor",
                          hint=f"list it under [{'relate' if stage == 'relations' else 'propose'}]")


def _resolve_name(key: str, listed: list[str]) -> str | None:
    """``relation-model`` or ``relation-model@1``: the listed extractor a settings table is for."""
    if key in listed:
        return key
    matches = [n for n in listed if n.split("@")[0] == key]
    return matches[0] if len(matches) == 1 else None


def _check_value(name: str, setting: str, value, source: str):
    if setting == "threshold":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(f"{source}: {name} threshold must be a number from 0 to 1, not {value!r}")
        return float(value)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{source}: {name} {setting} must be a file path, not {value!r}")
    path = Path(value)
    if not path.is_absolute() and source not in ("<config>", "<json>"):
        path = Path(source).parent / path
    if not path.is_file():
        raise ConfigError(f"{source}: {name} {setting}: no file {value}", hint="give an existing model file")
    return str(path)


def load(path: str | Path) -> PipelineConfig:
    """Read a TOML configuration file."""
    import tomllib

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", hint="see docs/pipeline.md") from None
    return from_dict(data, str(path))


def from_json(text: str) -> PipelineConfig:
    """The configuration ``to_json`` wrote (as a store records it)."""
    return from_dict(json.loads(text), "<json>")


DEFAULT = PipelineConfig(
    propose=tuple(n for n in extractors.DEFAULT if extractors.REGISTRY[n][0] == "mentions"),
    relate=tuple(n for n in extractors.DEFAULT if extractors.REGISTRY[n][0] == "relations"),
)


def effective_config(ner_model: str | None = None, config: str | None = None) -> PipelineConfig:
    """The configuration a build runs: ``config`` (or the default) with ``--ner-model`` added."""
    base = from_json(config) if config else DEFAULT
    return base.with_ner_model(ner_model)


def config_json(config: PipelineConfig | str | Path | None) -> str | None:
    """What BuildOptions.config holds for a configuration, a TOML file or None (the default)."""
    if config is None:
        return None
    if not isinstance(config, PipelineConfig):
        config = load(config)
    return None if config == DEFAULT else config.to_json()


def plan_text(config: PipelineConfig = DEFAULT) -> str:
    """The plan as ``kg pipeline`` / ``kg build --show-plan`` prints it."""
    lines = []
    for i, (stage, what) in enumerate(PLAN, 1):
        lines.append(f"{i:2}. {stage:<20} {what}")
        section = {"propose@1": "propose", "relate@1": "relate"}.get(stage)
        for name in getattr(config, section) if section else ():
            sets = ", ".join(f"{k}={v}" for n, k, v in config.settings if n == name)
            lines.append(f"      - {name}" + (f" ({sets})" if sets else ""))
    lines.append(f"configuration {config.digest()}")
    return "\n".join(lines)


def show_text(config: PipelineConfig = DEFAULT) -> str:
    """What ``kg pipeline`` and ``kg build --show-plan`` print: the plan, the provenance line every
    document records, and the configuration as the TOML file ``--config`` reads."""
    return (f"{plan_text(config)}\nprovenance: {config.describe()}\n\n# the configuration "
            f"(kg pipeline --toml > pipeline.toml; kg build --config pipeline.toml)\n{config.to_toml()}")
