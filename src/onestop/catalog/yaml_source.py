"""YAML reading that remembers where each mapping came from, for error messages."""

from pathlib import Path

import yaml


class Located(dict):
    """A mapping read from a catalog file, with the file and line it starts on."""

    file: str = "?"
    line: int = 0

    def where(self) -> str:
        return f"{self.file}:{self.line}"


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.file = loader.catalog_file
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class CatalogFileError(Exception):
    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def read(path: Path, display_name: str):
    """Parse one catalog file; a syntax error becomes a CatalogFileError with its line."""
    loader = _Loader(path.read_text(encoding="utf-8"))
    loader.catalog_file = display_name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise CatalogFileError(display_name, line, f"{exc.problem or exc}") from exc
    finally:
        loader.dispose()
