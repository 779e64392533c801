"""kg.spool: pieces written by workers to files, read back and copied out in order."""
from __future__ import annotations

import doctest
import os
import tempfile
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.api
import kg.parallel
import kg.spool
from kg.errors import OutputError
from kg.spool import Spooled, open_spool, spool, spool_folder


@pytest.mark.parametrize("module", [kg.spool, kg.parallel, kg.api])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=30), st.randoms(), st.integers(1, 3))
def test_parts_come_back_in_key_order(datas, rnd, files):
    """Pieces spooled in any order to several files read and copy back in the order of their keys."""
    items = [(f"{k:03d}", data) for k, data in enumerate(datas)]
    rnd.shuffle(items)
    with spool_folder() as folder:
        parts = [p for k in range(files) for p in spool(folder, items[k::files])]
        spooled = Spooled(open_spool(folder), sorted(parts))
    assert not os.path.exists(folder)  # the files live on, open, without a name
    assert spooled.read() == b"".join(datas)
    assert len(spooled) == sum(map(len, datas)) and spooled.lines == b"".join(datas).count(b"\n")
    with tempfile.TemporaryFile() as out:
        spooled.copy_to(out)
        out.seek(0)
        assert out.read() == b"".join(datas)


def test_copy_to_a_file_and_to_a_pipe(tmp_path):
    data = [(f"{k:03d}", os.urandom(10_000 + k)) for k in range(20)]
    with spool_folder() as folder:
        parts = spool(folder, reversed(data))
        spooled = Spooled(open_spool(folder), sorted(parts))
    whole = b"".join(d for _, d in data)
    with open(tmp_path / "out", "wb") as fh:
        fh.write(b"head:")
        spooled.copy_to(fh)  # copy_file_range where the kernel has it
        fh.write(b":tail")
    assert (tmp_path / "out").read_bytes() == b"head:" + whole + b":tail"
    read_end, write_end = os.pipe()  # copy_file_range refuses pipes: the fallback writes
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()
    with open(write_end, "wb") as fh:
        spooled.copy_to(fh)
    reader.join()
    os.close(read_end)
    assert b"".join(chunks) == whole


def test_nothing_spooled_is_empty():
    assert Spooled({}, []).read() == b"" and len(Spooled({}, [])) == 0


def test_a_temporary_folder_that_cannot_be_written_is_an_output_error(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))
    with pytest.raises(OutputError, match="TMPDIR"):
        with spool_folder():
            pass
    with pytest.raises(OutputError, match="temporary files"):
        spool(str(tmp_path / "missing"), [("a", b"x")])

