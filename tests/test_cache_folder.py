"""The cache folder: a file where the folder should be is one line naming the path and the fix, not a traceback."""

import pytest

from embedlab.cache import CacheFolderError, cache_dir
from embedlab.cli import main


@pytest.mark.parametrize("blocked", ["root", "datasets"])
def test_a_file_in_place_of_the_cache_folder_is_one_line(blocked, tmp_path, monkeypatch, capsys):
    root = tmp_path / "cache"
    if blocked == "root":
        root.write_text("not a folder")
        file = root
    else:
        root.mkdir()
        file = root / "datasets"
        file.write_text("not a folder")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(root))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/")
    monkeypatch.delenv("EMBEDLAB_VADER_SDIST", raising=False)
    assert main(["dataset", "rotten-tomatoes-10k", "--no-coverage"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err == (f"error: the cache folder {root / 'datasets'} cannot be made: {file} is a file, not a folder — "
                   "move or delete that file, or set EMBEDLAB_CACHE_DIR to a folder you can write to; the built-in "
                   "datasets are downloaded into it")


def test_the_error_is_an_oserror_so_optional_caches_still_skip_it(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "file"))
    with pytest.raises(OSError) as caught:
        cache_dir("vectors")
    assert isinstance(caught.value, CacheFolderError) and str(caught.value).startswith("the cache folder")
