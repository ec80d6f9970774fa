"""tools/access_matrix.py keeps the addon's readme equal to the access matrix."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "access_matrix_tool", ROOT / "tools" / "access_matrix.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_shows_the_matrix():
    assert load_tool().main(["check"]) == 0


def test_a_changed_cell_makes_the_readme_out_of_date(tmp_path, monkeypatch, capsys):
    tool = load_tool()
    readme = tmp_path / "CONFIGURE.md"
    readme.write_text(tool.README.read_text())
    monkeypatch.setattr(tool, "README", readme)
    matrix = tool.load_matrix()
    matrix.MATRIX["helpdesk.tier"]["public"] = "r all"
    monkeypatch.setattr(tool, "load_matrix", lambda: matrix)
    assert tool.main(["check"]) == 1
    assert "tools/access_matrix.py update" in capsys.readouterr().err
    assert tool.main(["update"]) == 0
    assert "| `helpdesk.tier` | r · all |" in readme.read_text()
    assert tool.main(["check"]) == 0


def test_missing_markers_are_said(tmp_path, monkeypatch):
    tool = load_tool()
    readme = tmp_path / "CONFIGURE.md"
    readme.write_text("# no matrix here\n")
    monkeypatch.setattr(tool, "README", readme)
    try:
        tool.main(["check"])
    except SystemExit as exc:
        assert "markers of the access matrix are missing" in str(exc)
    else:
        raise AssertionError("no error for a readme without markers")
