"""The query cache's shared tier outlives the processes: its keys carry a digest of the code, so
that an upgraded app is never served the answers its former version computed."""

from pathlib import Path

from db.queries.cache import code_fingerprint


def _project(root: Path) -> Path:
    for name, text in {"app.py": "app = 1\n", "pages/__init__.py": "", "pages/scorecard.py": "COLUMNS = 3\n",
                       "components/__init__.py": "", "components/data/provinces_layout.csv": "code,row\n07,1\n",
                       "reports/__init__.py": "", "reports/templates/sheet.html": "<h1>{{ title }}</h1>\n",
                       "tests/__init__.py": "", "tests/test_x.py": "def test(): pass\n",
                       "instance/query-cache/cache.db": "answers", "notes/todo.py": "x = 1\n"}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _after(root: Path, name: str, text: str) -> str:
    code_fingerprint.cache_clear()
    (root / name).write_text(text)
    return code_fingerprint(root)


def test_a_change_of_a_module_a_data_file_or_a_template_is_new_code(tmp_path):
    root = _project(tmp_path)
    code_fingerprint.cache_clear()
    first = code_fingerprint(root)
    assert len(first) == 64
    fingerprints = {first}
    for name, text in (("pages/scorecard.py", "COLUMNS = 4\n"),
                       ("components/data/provinces_layout.csv", "code,row\n07,2\n"),
                       ("reports/templates/sheet.html", "<h2>{{ title }}</h2>\n"), ("app.py", "app = 2\n")):
        fingerprints.add(_after(root, name, text))
    assert len(fingerprints) == 5  # each change is a new fingerprint


def test_tests_the_instance_folder_and_folders_that_are_not_packages_are_not_code(tmp_path):
    root = _project(tmp_path)
    code_fingerprint.cache_clear()
    first = code_fingerprint(root)
    assert _after(root, "tests/test_x.py", "def test(): assert 1\n") == first
    assert _after(root, "instance/query-cache/cache.db", "more answers") == first
    assert _after(root, "notes/todo.py", "x = 2\n") == first
    code_fingerprint.cache_clear()


def test_a_file_that_cannot_be_read_does_not_stop_the_cache(tmp_path, monkeypatch):
    root = _project(tmp_path)
    real = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "scorecard.py":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code_fingerprint.cache_clear()
    assert len(code_fingerprint(root)) == 64
    code_fingerprint.cache_clear()
