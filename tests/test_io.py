"""kg.io: decoding every supported encoding, reporting every unreadable input, atomic writes.

The texts are invented; each error case asserts the exact message (file, offset, what to do).
"""
from __future__ import annotations

import codecs
import json
import os
import stat
import time
from pathlib import Path

import pytest

from kg import io
from kg.errors import InputError, OutputError
from kg.io import Skipped, atomic_write, clean_text, decode, read_documents

TEXT = "星云银行推出“云帆”平台。\n行长李文出席。"
CJK = "中国工商银行推出“工银玺链”平台，服务7亿个人客户。"


# -- decoding ------------------------------------------------------------------------------------

DECODED = [
    ("utf-8", TEXT.encode("utf-8"), TEXT),
    ("utf-8 BOM", codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT),
    ("utf-8 CRLF kept", TEXT.replace("\n", "\r\n").encode("utf-8"), TEXT.replace("\n", "\r\n")),
    ("utf-16 LE BOM", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT),
    ("utf-16 BE BOM", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT),
    ("utf-16 LE no BOM", CJK.encode("utf-16-le"), CJK),
    ("utf-16 BE no BOM", CJK.encode("utf-16-be"), CJK),
    ("utf-16 LE no BOM ascii", "Hello ICBC, 2024.\n".encode("utf-16-le"), "Hello ICBC, 2024.\n"),
    ("utf-16 BE no BOM ascii", "Hello ICBC, 2024.\n".encode("utf-16-be"), "Hello ICBC, 2024.\n"),
    ("utf-32 BOM", codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), TEXT),
    ("gb18030", TEXT.encode("gb18030"), TEXT),
    ("gbk", CJK.encode("gbk"), CJK),
    ("gb2312", "中国人民银行发布通知。".encode("gb2312"), "中国人民银行发布通知。"),
    ("gb18030 4-byte char", "€与𠀀银行".encode("gb18030"), "€与𠀀银行"),
    ("traditional utf-8", "中國工商銀行".encode(), "中國工商銀行"),
    ("control char kept", "工行\x0c年报".encode(), "工行\x0c年报"),
    # mostly ASCII, even length: pairs of ASCII bytes would read as CJK in UTF-16
    ("gbk mostly ascii", "The ICBC annual report (工行) is out!!".encode("gbk"), "The ICBC annual report (工行) is out!!"),
    ("gbk traditional", "中國工商銀行推出工銀璽鏈平台。".encode("gbk"), "中國工商銀行推出工銀璽鏈平台。"),
]


@pytest.mark.parametrize("data,expected", [c[1:] for c in DECODED], ids=[c[0] for c in DECODED])
def test_decode(data, expected):
    assert decode(data, "a.txt") == expected


UNDECODABLE = [
    ("empty", b"", "a.txt: empty file (0 bytes); add text to it or leave it out"),
    ("NUL", b"PK\x03\x04\x00\x00abc", "a.txt: looks like a binary file (byte 0x00 at byte offset 4); "
                                      "give a UTF-8 .txt, .md or .jsonl text file instead"),
    ("controls", bytes(range(1, 9)) * 50, "a.txt: looks like a binary file (byte 0x01 at byte offset 0); "
                                          "give a UTF-8 .txt, .md or .jsonl text file instead"),
    ("invalid utf-8", b"abc\xff\xfe\x80def", "a.txt: not valid UTF-8 (byte 0xFF at byte offset 3, line 1), "
                                             "nor UTF-16 or GB18030; " + io.CONVERT),
    # a UTF-8 file with one bad byte is reported, not decoded as GB18030 mojibake
    ("bad byte deep in utf-8", ("工行" * 10 + "\n第二行").encode() + b"\xc3(",
     "a.txt: not valid UTF-8 (byte 0xC3 at byte offset 70, line 2), nor UTF-16 or GB18030; " + io.CONVERT),
    ("latin-1", "café crème brûlée".encode("latin-1"),
     "a.txt: not valid UTF-8 (byte 0xE9 at byte offset 3, line 1), nor UTF-16 or GB18030; " + io.CONVERT),
    ("latin-1 that is valid GB18030", "Müller Straße Größe Übung".encode("latin-1"),
     "a.txt: not valid UTF-8 (byte 0xFC at byte offset 1, line 1), nor UTF-16 or GB18030; " + io.CONVERT),
    ("lone surrogate utf-16 BOM", codecs.BOM_UTF16_LE + b"A\x00\x00\xd8B\x00",
     "a.txt: invalid UTF-16 at byte offset 4 (line 1); re-save the file as UTF-8"),
]


@pytest.mark.parametrize("data,message", [c[1:] for c in UNDECODABLE], ids=[c[0] for c in UNDECODABLE])
def test_decode_error_names_file_offset_and_fix(data, message):
    with pytest.raises(InputError) as err:
        decode(data, "a.txt")
    assert str(err.value) == message
    assert "\n" not in str(err.value)


def test_clean_text_replaces_lone_surrogates_one_for_one():
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean_text("😀工行") == "😀工行"


# -- reading files and folders -------------------------------------------------------------------

def _read(paths, **kw):
    skipped: list[Skipped] = []
    docs = list(read_documents(paths, skipped=skipped, **kw))
    return docs, [str(s) for s in skipped]


def test_folder_sorted_with_relative_ids_and_bad_files_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.md").write_bytes(TEXT.encode("gb18030"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \r\n\t")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")  # not a text suffix: not read, but reported
    docs, skipped = _read([tmp_path])
    assert [d.id for d in docs] == ["a.md", "b/z.txt"]
    assert all(d.text == TEXT for d in docs)
    assert skipped == [
        f"{tmp_path / 'image.png'}: a .png file, not read: only .txt, .md and .jsonl files are; "
        "convert or rename it to build it",
        f"{tmp_path / 'blank.txt'}: holds only whitespace (4 bytes); add text to it or leave it out",
        f"{tmp_path / 'empty.txt'}: empty file (0 bytes); add text to it or leave it out",
    ]


def test_missing_inputs_are_reported_and_strict_stops(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    docs, skipped = _read([tmp_path / "nope.txt", good, tmp_path / "empty_dir"])
    assert [d.id for d in docs] == ["good.txt"]
    assert skipped == [f"{tmp_path / 'nope.txt'}: no such file or folder; check the path",
                       f"{tmp_path / 'empty_dir'}: no such file or folder; check the path"]
    with pytest.raises(InputError, match=r"nope\.txt: no such file or folder; check the path"):
        _read([tmp_path / "nope.txt", good], strict=True)
    (tmp_path / "empty_dir").mkdir()
    assert _read([tmp_path / "empty_dir"])[1] == [
        f"{tmp_path / 'empty_dir'}: folder holds no .txt, .md or .jsonl file; check the path"]


def test_broken_symlink_is_reported(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    assert _read([tmp_path])[1] == [f"{tmp_path / 'link.txt'}: no such file (a broken link?); check the path"]


def test_strict_error_names_file_and_says_how_to_continue(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError) as err:
        _read([tmp_path / "empty.txt"], strict=True)
    assert str(err.value) == (f"{tmp_path / 'empty.txt'}: empty file (0 bytes); add text to it or "
                              "leave it out, or drop --strict to skip it")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_in_folder_real_chmod(tmp_path):
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        docs, skipped = _read([tmp_path])
    finally:
        locked.chmod(0o644)
    assert [d.id for d in docs] == ["ok.txt"]
    assert skipped == [f"{locked}: permission denied; make it readable (chmod +r) or leave it out"]


def test_unreadable_file_in_folder_simulated(tmp_path, deny_read):
    """chmod 000 does not stop root (CI): make reading that one file fail as it would."""
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(TEXT, encoding="utf-8")
    deny_read(locked)
    docs, skipped = _read([tmp_path])
    assert [d.id for d in docs] == ["ok.txt"]
    assert skipped == [f"{locked}: permission denied; make it readable (chmod +r) or leave it out"]


def test_unreadable_subfolder_is_reported_not_silently_dropped(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "x.txt").write_text(TEXT, encoding="utf-8")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == tmp_path / "secret":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs, skipped = _read([tmp_path])
    assert [d.id for d in docs] == ["ok.txt"]
    assert skipped == [f"{tmp_path / 'secret'}: folder cannot be listed (Permission denied); "
                       "make it readable (chmod +rx) or leave it out"]
    with pytest.raises(InputError, match="folder cannot be listed"):
        _read([tmp_path], strict=True)


def test_stdin_is_decoded_like_a_file():
    docs, skipped = _read(["-"], stdin=codecs.BOM_UTF8 + TEXT.encode())
    assert [(d.id, d.source, d.text) for d in docs] == [("stdin", "<stdin>", TEXT)]
    assert _read(["-"], stdin=b"")[1] == ["<stdin>: empty file (0 bytes); add text to it or leave it out"]


def test_crlf_text_is_kept_as_it_is(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT.replace("\n", "\r\n").encode())
    assert _read([tmp_path / "a.txt"])[0][0].text == TEXT.replace("\n", "\r\n")


def test_fifty_megabytes_on_one_line_is_read_quickly(tmp_path):
    """The reader copes with a 50 MB single-line file (building it is measured in test_robustness)."""
    line = ("中国工商银行推出“工银玺链”平台，工行服务7亿个人客户，运用区块链技术。" * 500).encode()
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    started = time.perf_counter()
    docs, skipped = _read([path], max_chars=10**9)
    seconds = time.perf_counter() - started
    assert skipped == [] and len(docs) == 1
    assert "\n" not in docs[0].text and len(docs[0].text.encode()) == path.stat().st_size
    assert seconds < 30, f"reading 50 MB took {seconds:.1f}s"
    _, skipped = _read([path])  # by default a document this long is not built: it should be split
    assert len(skipped) == 1 and "split it" in skipped[0]


# -- JSONL -----------------------------------------------------------------------------------------

def _jsonl(*lines: str | bytes) -> bytes:
    return b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n"


def _rec(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_broken_lines_are_reported_with_line_numbers(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(_jsonl(
        _rec(id="a", text="星云银行推出产品。", title="标题", date="2024-05-01"),
        "{broken",
        "",
        b'{"id": "x", "text": "\xff"}',
        "[1, 2]",
        _rec(id="e", text="  "),
        _rec(id=["list"], text="文本"),
        _rec(id=7, text="第七行\u2028同一记录。"),  # U+2028 inside a string is not a line break
        _rec(text="没有编号。"),
    ))
    docs, skipped = _read([path])
    assert [(d.id, d.source) for d in docs] == [("a", f"{path}:1"), ("7", f"{path}:8"),
                                                ("c.jsonl:9", f"{path}:9")]
    assert docs[0].meta == {"title": "标题", "date": "2024-05-01"}
    assert docs[1].text == "第七行\u2028同一记录。"
    tail = "; fix the line; the other lines were read"
    assert skipped == [
        f"{path}:2: bad JSON at column 2 (Expecting property name enclosed in double quotes){tail}",
        f"{path}:4: invalid UTF-8 (byte 0xFF at byte 22 of the line); fix the line; JSONL must be UTF-8; "
        "the other lines were read",
        f"{path}:5: a line must be a JSON object, not list{tail}",
        f"{path}:6: the record needs a non-empty \"text\" string{tail}",
        f'{path}:7: "id" must be a string or an integer, not ["list"]{tail}',
    ]


def test_jsonl_strict_stops_at_the_broken_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(_jsonl(_rec(id="a", text="星云银行。"), "{broken"))
    with pytest.raises(InputError) as err:
        _read([path], strict=True)
    assert str(err.value) == (f"{path}:2: bad JSON at column 2 (Expecting property name enclosed in "
                              "double quotes); fix the line, or drop --strict to skip it")


@pytest.mark.parametrize("encode", [
    lambda s: s.replace("\n", "\r\n").encode(),
    lambda s: codecs.BOM_UTF8 + s.encode(),
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("gb18030"),
], ids=["crlf", "utf-8 BOM", "utf-16 BOM", "gb18030"])
def test_jsonl_encodings(tmp_path, encode):
    path = tmp_path / "c.jsonl"
    path.write_bytes(encode(_rec(id="a", text="星云银行推出产品。") + "\n" + _rec(id="b", text="工行。") + "\n"))
    docs, skipped = _read([path])
    assert skipped == []
    assert [(d.id, d.text) for d in docs] == [("a", "星云银行推出产品。"), ("b", "工行。")]


def test_jsonl_lone_surrogate_escape_becomes_replacement_character(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "s\\udc00", "text": "工行\\ud800银行😀\\ud83d\\ude00"}\n', encoding="utf-8")
    [doc] = _read([path])[0]
    assert doc.text == "工行\ufffd银行😀😀" and doc.id == "s\ufffd"


def test_jsonl_without_records(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n\n  \n", encoding="utf-8")
    assert _read([path])[1] == [f'{path}: holds no JSON record; give one {{"id": ..., "text": ...}} '
                                "object per line"]


# -- atomic writes ---------------------------------------------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_creates_and_overwrites_only_when_forced(tmp_path):
    out = tmp_path / "g.ttl"
    atomic_write(out, b"one", force=False)
    assert out.read_bytes() == b"one"
    with pytest.raises(OutputError) as err:
        atomic_write(out, b"two", force=False)
    assert str(err.value) == f"{out}: already exists; pass --force to overwrite it"
    assert out.read_bytes() == b"one"
    atomic_write(out, b"two", force=True)
    assert out.read_bytes() == b"two" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_failed_write_leaves_previous_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    out = tmp_path / "g.ttl"
    out.write_bytes(b"previous")
    if failing == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, data):
                self.fh.write(data[:3])
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(io.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    else:
        def fail(*args):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(io.os, failing, fail)
    with pytest.raises(OutputError) as err:
        atomic_write(out, b"new contents")
    assert str(err.value).startswith(f"{out}: cannot write (")
    assert "the previous file, if any, is unchanged" in str(err.value)
    assert out.read_bytes() == b"previous"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_is_reraised_and_cleans_up(tmp_path, monkeypatch):
    out = tmp_path / "g.ttl"
    out.write_bytes(b"previous")

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(io.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(out, b"new")
    assert out.read_bytes() == b"previous" and _leftovers(tmp_path) == []


def test_atomic_write_gives_usual_permissions_and_keeps_existing_ones(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.ttl"
        atomic_write(fresh, b"x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # mkstemp alone would give 0o600
        kept = tmp_path / "kept.ttl"
        kept.write_bytes(b"x")
        kept.chmod(0o640)
        atomic_write(kept, b"y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_atomic_write_follows_symlink(tmp_path):
    target = tmp_path / "real.ttl"
    target.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    atomic_write(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_atomic_write_bad_destinations(tmp_path):
    with pytest.raises(OutputError, match=r"no-such-dir: no such folder; create it first"):
        atomic_write(tmp_path / "no-such-dir" / "g.ttl", b"x")
    with pytest.raises(OutputError, match=r": is a folder; give a file name"):
        atomic_write(tmp_path, b"x")
