"""The package's shape, checked: imports run one way (down the layers of docs/architecture.md), no
module imports itself round a cycle, durable-rules is imported only under ``engine/``, and the
public API is exactly ``cramp_triage.__all__``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import grimp
import pytest

import cramp_triage

PACKAGE = Path(cramp_triage.__file__).parent

# Top to bottom: a module may import from its own layer's package and from layers below, never
# from above. Names in one set are independent of each other.
LAYERS: list[set[str]] = [
    {"cli", "pytest_plugin"},
    {"dask"},
    {"tools", "server"},
    {"scenarios", "batch", "explain"},
    {"interview"},
    {"api"},
    {"triager"},
    {"assemble", "engine"},
    {"facts", "schemas"},
    {"pack"},
    {"intake", "result"},
    {"fhir_response", "cache"},
    {"yamlfile"},
    {"files", "answer_shape"},
    {"errors", "about", "untrusted", "frozen", "_lazy", "_compat"},
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("cramp_triage")


def test_every_module_is_in_a_layer(graph):
    tops = {module.split(".")[1] for module in graph.modules if module.count(".") >= 1}
    placed = set().union(*LAYERS)
    assert tops <= placed, f"modules in no layer: {sorted(tops - placed)}; add them to LAYERS and docs/architecture.md"


def test_imports_run_down_the_layers(graph):
    layers = [grimp.Layer(*sorted(names), independent=True) for names in LAYERS]
    illegal = graph.find_illegal_dependencies_for_layers(layers=layers, containers={"cramp_triage"})
    found = [f"{d.importer} -> {d.imported}"
             for d in illegal]
    assert not found, "\n".join(found)


def test_no_import_cycles(graph):
    cycles = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported.startswith("cramp_triage") and graph.chain_exists(importer=imported, imported=importer):
                cycles.append(f"{importer} <-> {imported}")
    assert not cycles, "\n".join(cycles)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_server_package_touches_its_web_stack():
    # fastapi, starlette, uvicorn and anyio come with the [server] extra: the library must not need them.
    web = {"fastapi", "starlette", "uvicorn", "anyio", "httpx"}
    leaks = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if path.parent.name != "server" and path.name != "serve.py" and _imports(path) & web]
    assert leaks == []


def test_only_the_engine_package_touches_durable_rules():
    leaks = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if path.parent.name != "engine" and _imports(path) & {"durable", "durable_rules_engine"}]
    assert leaks == []


def test_the_public_api_is_all_of_init_and_nothing_else():
    for name in cramp_triage.__all__:  # some are imported when first asked for
        assert getattr(cramp_triage, name) is not None
    public = {name for name in vars(cramp_triage) if name.isidentifier() and not name.startswith("_")}
    exported = set(cramp_triage.__all__) - {"__version__"}
    # Subpackages appear as attributes once imported; they are not API.
    subpackages = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
                   if path.suffix == ".py" or (path / "__init__.py").is_file()}
    assert public - subpackages == exported
    assert set(dir(cramp_triage)) >= set(cramp_triage.__all__)


def test_the_library_imports_no_cli_or_server_stack_and_starts_no_thread():
    """An app that does ``import cramp_triage`` and triages (or asks the next question, or builds
    the Questionnaire) loads neither the CLI's typer and rich nor the service's web stack, and the
    import itself starts no thread, prints nothing and configures no logging."""
    import subprocess
    import sys

    script = (
        "import logging, sys, threading\n"
        "before = threading.active_count()\n"
        "import cramp_triage\n"
        "assert threading.active_count() == before, 'import started a thread'\n"
        "assert not logging.getLogger().handlers, 'import configured logging'\n"
        "cramp_triage.triage(cramp_triage.Intake(locations=['calf']))\n"
        "cramp_triage.next_question({})\n"
        "cramp_triage.questionnaire()\n"
        "loaded = sorted({name.split('.')[0] for name in sys.modules} & "
        "{'typer', 'rich', 'click', 'fastapi', 'starlette', 'uvicorn', 'anyio', 'httpx'})\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n" and done.stderr == ""


@pytest.mark.parametrize("package", ["cramp_triage", "cramp_triage.engine"])
def test_each_name_imported_on_first_use_is_what_type_checkers_see(package):
    # A package's public names are imported when first used (`_WHERE`); type checkers read the
    # `if TYPE_CHECKING:` imports instead. A name in one and not the other would be `Any` to them,
    # or fail at run time: both must name the same names, from the same modules.
    module = importlib.import_module(package)
    path = Path(module.__file__)
    tree = ast.parse(path.read_text())
    checked = [node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)]
    assert len(checked) == 1
    seen = {(alias.asname or alias.name): (node.module or "").split(".")[0]
            for node in ast.walk(checked[0]) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert seen == module._WHERE
    assert set(module._WHERE) <= set(module.__all__)
    for name, where in module._WHERE.items():
        assert getattr(importlib.import_module(f"{package}.{where}"), name) is getattr(module, name)
