"""The tree shows the design: layers that import only downward, no circles, small modules, thin pages.

Measured from the code's own import statements (function-level ones included, since those
run too), so a change that breaks the design fails here with the offending line named.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower layers never import higher ones; packages in one layer never import each other.
LAYERS = {
    "embedlab.errors": 0, "embedlab.text": 0, "embedlab.cache": 0, "embedlab.jsonable": 0,
    "embedlab.settings": 1, "embedlab.vectors": 1, "embedlab.data": 1,
    "embedlab.models": 2, "embedlab.maps": 2,  # siblings: a map of a model's embedding gets the vectors from the UI
    "embedlab.classes": 3,  # a class's records, board and study, over the models' runs and splits
    "embedlab.cli": 4, "embedlab_ui": 4,
    "pages": 5, "app": 5, "embedlab.__main__": 5,
}
MAX_MODULE_LINES = 400
MAX_IMPORT_CHAIN = 7  # modules in the longest chain of imports inside embedlab.models
MAX_PAGE_LINES = 250
STREAMLIT_INTERNALS_MODULE = "embedlab_ui/streamlit_internals.py"
PUBLIC_STREAMLIT = ("streamlit", "streamlit.testing.v1")
HEAVY = ("tensorflow", "keras", "umap", "numba", "pynndescent", "sklearn", "plotly", "scipy", "gensim")


def python_files(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        path = ROOT / folder
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [file for file in files if "golden" not in file.parts]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for path in python_files("embedlab", "embedlab_ui", "pages", "app.py")}


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, at top level) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno, id(node) in top_level))
            found += [(f"{node.module}.{alias.name}", node.lineno, id(node) in top_level) for alias in node.names]
    return found


def project_edges() -> list[tuple[str, str, int]]:
    """(importer, imported project module, line); ``from package import module`` counts as the module."""
    modules = project_modules()
    edges = []
    for importer, path in modules.items():
        for imported, line, _ in imports_of(path):
            if imported in modules and imported != importer and not importer.startswith(imported + "."):
                edges.append((importer, imported, line))
    return sorted(set(edges))


def layer_of(module: str) -> tuple[str, int]:
    if module == "embedlab":  # the package itself: its __init__ only names the error type
        return "embedlab.errors", 0
    for prefix, layer in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(prefix + "."):
            return prefix, layer
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS in {Path(__file__).name}")


def test_every_import_runs_downward_or_within_its_own_package():
    wrong = []
    for importer, imported, line in project_edges():
        (own, own_layer), (other, other_layer) = layer_of(importer), layer_of(imported)
        if own != other and other_layer >= own_layer:
            wrong.append(f"{importer}:{line} imports {imported} (layer {other_layer} from layer {own_layer})")
    assert not wrong, "imports that run upward or sideways:\n" + "\n".join(wrong)


def test_there_are_no_import_circles():
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in project_edges():
        graph.setdefault(importer, set()).add(imported)
    circles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                circles.append(" → ".join(path[path.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, path + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles, "import circles:\n" + "\n".join(circles)


def longest_import_chain(package: str) -> list[str]:
    """The longest chain of imports (each module importing the next) among the modules of ``package``."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in project_edges():
        if importer.startswith(package + ".") and imported.startswith(package + "."):
            graph.setdefault(importer, set()).add(imported)
    longest: dict[str, list[str]] = {}

    def chain_from(module: str) -> list[str]:  # the graph has no circles (see above), so this ends
        if module not in longest:
            longest[module] = [module] + max((chain_from(imported) for imported in sorted(graph.get(module, ()))),
                                             key=len, default=[])
        return longest[module]

    return max((chain_from(module) for module in sorted(graph)), key=len, default=[])


def test_import_chains_inside_the_models_package_stay_short():
    """A module deep in a long chain is hard to change alone, and imports everything below it with it."""
    chain = longest_import_chain("embedlab.models")
    assert len(chain) <= MAX_IMPORT_CHAIN, f"{len(chain)} modules, at most {MAX_IMPORT_CHAIN}: " + " → ".join(chain)


def test_no_job_backend_imports_another_and_the_interface_imports_none():
    """What backends share is in jobs.base, jobs.slots and jobs.work; the interface picks one by name (the registry)."""
    from embedlab.models.jobs.base import BACKENDS

    backends = set(BACKENDS.values())
    assert backends <= set(project_modules()), "the registry names a module that is not there"
    wrong = [f"{importer}:{line} imports {imported}" for importer, imported, line in project_edges()
             if imported in backends and (importer in backends or importer == "embedlab.models.jobs")]
    assert not wrong, "\n".join(wrong)


def test_the_core_has_subpackages_by_concept():
    packages = sorted(path.parent.name for path in (ROOT / "embedlab").glob("*/__init__.py"))
    assert {"vectors", "data", "models", "maps", "cli"} <= set(packages)


@pytest.mark.parametrize("folder,limit", [("embedlab", MAX_MODULE_LINES), ("embedlab_ui", MAX_MODULE_LINES),
                                          ("pages", MAX_PAGE_LINES), ("app.py", MAX_PAGE_LINES)])
def test_modules_and_pages_stay_small(folder, limit):
    long = {str(path.relative_to(ROOT)): lines for path in python_files(folder)
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > limit}
    assert not long, f"over {limit} lines: {long}"


def test_the_core_never_imports_streamlit():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in python_files("embedlab")
                 for imported, line, _ in imports_of(path) if imported.split(".")[0] == "streamlit"]
    assert not offenders


def test_streamlit_internals_are_reached_from_one_module_only():
    """Private Streamlit modules change between releases; one file holds every use, so one file breaks."""
    offenders = []
    for path in python_files("embedlab_ui", "pages", "app.py", "tests", "bench"):
        relative = path.relative_to(ROOT).as_posix()
        if relative == STREAMLIT_INTERNALS_MODULE:
            continue
        for imported, line, _ in imports_of(path):
            public = imported == "streamlit" or any(imported == name or imported.startswith(name + ".")
                                                    for name in PUBLIC_STREAMLIT[1:])
            if imported.startswith("streamlit.") and not public:
                offenders.append(f"{relative}:{line} imports {imported}")
    assert not offenders, "\n".join(offenders)


def test_pages_and_ui_import_heavy_libraries_only_where_they_are_used():
    """A page load must not pay for TensorFlow or umap: heavy imports sit inside the functions that need them."""
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {imported} at the top"
                 for path in python_files("embedlab_ui", "pages", "app.py")
                 for imported, line, top in imports_of(path) if top and imported.split(".")[0] in HEAVY]
    assert not offenders, "\n".join(offenders)
