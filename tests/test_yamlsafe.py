"""The strict YAML reader: plain data only, every refusal located, no surprise values.

Incident files come from many hands; the reader is the one place where a hostile or
merely odd file could run code, hang the run or silently change a value's meaning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ihltag.yamlsafe import (
    MAX_BYTES,
    MAX_DEPTH,
    YamlError,
    decode,
    locate,
    parse_text,
    read_file,
)


def errors(text: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic, or [] when the text parses."""
    try:
        parse_text("t.yaml", text)
    except YamlError as exc:
        return [(d.code, d.line, d.column) for d in exc.diagnostics]
    return []


def messages(text: str) -> list[str]:
    with pytest.raises(YamlError) as info:
        parse_text("t.yaml", text)
    return [d.message for d in info.value.diagnostics]


# --- tags never build objects -------------------------------------------------------------


def _payload(sentinel: Path) -> str:
    code = f"open({str(sentinel)!r}, 'w').write('ran')"
    return f"id: x\nplace: !!python/object/apply:builtins.exec [{code!r}]\n"


def test_python_tag_payload_is_live_under_an_unsafe_loader(tmp_path: Path) -> None:
    """The payload used below really runs code when a careless loader reads it."""
    sentinel = tmp_path / "unsafe-ran"
    yaml.unsafe_load(_payload(sentinel))
    assert sentinel.read_text() == "ran"


def test_python_tag_runs_nothing_and_is_located(tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    assert errors(_payload(sentinel)) == [("yaml-tag", 2, 8)]
    assert not sentinel.exists()


def test_python_tag_runs_nothing_through_read_file(tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(_payload(sentinel), encoding="utf-8")
    with pytest.raises(YamlError) as info:
        read_file(path)
    assert info.value.diagnostics[0].code == "yaml-tag"
    assert "!!python/object/apply:builtins.exec" in info.value.diagnostics[0].message
    assert not sentinel.exists()


@pytest.mark.parametrize("text, shown", [
    ("a: !!python/name:os.system\n", "!!python/name:os.system"),
    ("a: !!str 5\n", "!!str"),
    ("a: !!map {b: 1}\n", "!!map"),
    ("a: !local [1]\n", "!local"),
    ("a: !<tag:example.com,2024:x> 1\n", "tag:example.com,2024:x"),
])
def test_every_written_tag_is_refused(text: str, shown: str) -> None:
    assert errors(text) == [("yaml-tag", 1, 4)]
    assert f"tag '{shown}'" in messages(text)[0]


# --- anchors, aliases, merge keys, alias bombs --------------------------------------------


def test_anchor_and_alias_each_reported_where_written() -> None:
    assert errors("a: &x 1\nb: *x\n") == [("yaml-anchor", 1, 4), ("yaml-alias", 2, 4)]


def test_unused_anchor_is_refused() -> None:
    assert errors("a:\n  b: &keep [1, 2]\n") == [("yaml-anchor", 2, 6)]


def test_undefined_alias_is_refused() -> None:
    assert errors("a: 1\nb: *nothing\n") == [("yaml-alias", 2, 4)]


def test_merge_key_is_refused() -> None:
    found = errors("base: &b {k: 1}\nc:\n  <<: *b\n  j: 2\n")
    assert found == [("yaml-anchor", 1, 7), ("yaml-merge-key", 3, 3), ("yaml-alias", 3, 7)]


def test_merge_key_without_alias_is_refused() -> None:
    assert errors("c:\n  <<: {k: 1}\n") == [("yaml-merge-key", 2, 3)]


def _bomb(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_without_expanding() -> None:
    # expanded, this is 10**10 strings: only refusing it without expansion can return
    text = _bomb(levels=10, width=10)
    with pytest.raises(YamlError) as info:
        parse_text("bomb.yaml", text)
    diags = info.value.diagnostics
    assert {d.code for d in diags} == {"yaml-anchor", "yaml-alias"}
    assert (diags[0].line, diags[0].column) == (1, 5)
    # the report is bounded too: 20 listed, then one line saying how many more
    assert len(diags) == 21
    assert diags[-1].message == "this and 79 more anchors and aliases are not listed"


# --- duplicate keys, documents, empty files, syntax ---------------------------------------


def test_duplicate_key_names_both_lines() -> None:
    text = "id: a\ntitle: one\nsummary: s\ntitle: two\n"
    assert errors(text) == [("yaml-duplicate-key", 4, 1)]
    assert "key 'title' appears twice in this mapping (first on line 2)" in messages(text)[0]


def test_duplicate_key_in_nested_mapping_and_flow_mapping() -> None:
    text = "acts:\n  - type: attack\n    type: killing\nk: {a: 1, a: 2}\n"
    assert errors(text) == [("yaml-duplicate-key", 3, 5), ("yaml-duplicate-key", 4, 11)]


def test_same_key_in_different_mappings_is_fine() -> None:
    assert errors("a: {k: 1}\nb: {k: 2}\n") == []


def test_multiple_documents_are_refused() -> None:
    text = "id: one\n---\nid: two\n"
    assert errors(text) == [("yaml-multiple-documents", 2, 1)]
    assert "split it into two files" in messages(text)[0]


def test_one_document_with_markers_is_fine() -> None:
    assert parse_text("t", "---\nid: one\n...\n").data == {"id": "one"}


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", "--- # c\n...\n"])
def test_empty_file(text: str) -> None:
    assert errors(text) == [("yaml-empty", 1, 1)]


@pytest.mark.parametrize("text, where, fragment", [
    ("a: [1, 2\nb: 3\n", (2, 2), "flow sequence that starts on line 1, column 4"),
    ("a: b\n\tc: d\n", (2, 1), "tab character"),
    ("a: 'unclosed\n", (2, 1), "found unexpected end of stream"),
    ("a: b: c\n", (1, 5), "if a value contains ': ', put the whole value in quotes"),
    ("- a\nb: c\n", (2, 1), "block collection that starts on line 1, column 1"),
])
def test_syntax_errors_are_located(text: str, where: tuple[int, int], fragment: str) -> None:
    assert errors(text) == [("yaml-syntax", *where)]
    assert fragment in messages(text)[0]


def test_complex_keys_are_refused() -> None:
    assert errors("? [a, b]\n: c\n") == [("yaml-key", 1, 3)]


# --- nesting ------------------------------------------------------------------------------


def test_nesting_up_to_the_limit_is_read() -> None:
    deepest = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    data = parse_text("t", deepest).data
    for _ in range(MAX_DEPTH - 1):
        data = data["a"] if isinstance(data, dict) else data[0] if data else data
    assert data == []


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
@pytest.mark.parametrize("shape", ["flow", "flow-map", "compact", "block"])
def test_deep_nesting_is_refused_before_parsing(depth: int, shape: str) -> None:
    # a few thousand levels crash libyaml's composer (C stack) and a few hundred
    # thousand take it minutes: neither may reach it
    if shape == "flow":
        text = "[" * depth + "]" * depth
    elif shape == "flow-map":
        text = "{a: " * depth + "}" * depth
    elif shape == "compact":
        text = "- " * depth + "x\n"
    else:
        depth = min(depth, 3_000)  # block nesting needs indentation: keep the text small
        text = "".join("  " * i + "k:\n" for i in range(depth)) + "  " * depth + "v\n"
    found = errors(text)
    assert [code for code, _, _ in found] == ["yaml-too-deep"]


def test_too_deep_message_names_the_limit() -> None:
    assert f"more than {MAX_DEPTH} levels" in messages("[" * 100 + "]" * 100)[0]


# --- YAML 1.1 surprises stay text ---------------------------------------------------------


@pytest.mark.parametrize("written", [
    "no", "No", "NO", "yes", "Yes", "on", "On", "off", "OFF", "y", "n",
    "1e3", "1E3", "1:30", "190:20:30", "0777", "0o17", "0x1F", "0b101", "1_000",
    ".inf", "-.inf", ".nan", "2024-08-24", "2024-08", "2001-12-14t21:59:43.10-05:00",
    "=", "<<x",
    # numbers that would not read back as written: a paragraph 12.10 is not 12.1
    "12.10", "1.50", ".5", "1.5e3", "+5", "007", "-0",
])
def test_scalars_that_would_change_meaning_stay_text(written: str) -> None:
    assert parse_text("t", f"v: {written}\n").data == {"v": written}


@pytest.mark.parametrize("written, value", [
    ("true", True), ("false", False), ("True", True), ("FALSE", False),
    ("null", None), ("~", None), ("", None),
    ("12", 12), ("-3", -3), ("0", 0), ("14.5", 14.5), ("-3.61", -3.61), ("0.25", 0.25),
])
def test_plain_scalars_with_one_meaning(written: str, value: object) -> None:
    assert parse_text("t", f"v: {written}\n").data == {"v": value}


def test_quoted_scalars_are_text() -> None:
    data = parse_text("t", "a: 'true'\nb: \"12\"\nc: '~'\n").data
    assert data == {"a": "true", "b": "12", "c": "~"}


def test_a_country_called_no_stays_no() -> None:
    data = parse_text("t", "location:\n  country: NO\n  place: NO\ntags: [no, yes, on]\n").data
    assert data == {"location": {"country": "NO", "place": "NO"}, "tags": ["no", "yes", "on"]}


# --- bytes: encodings, binary, size -------------------------------------------------------


def test_non_utf8_byte_is_located() -> None:
    raw = "id: x\ntitle: Tilé\n".encode() + b"place: Til\xe9\n"
    with pytest.raises(YamlError) as info:
        decode("f.yaml", raw)
    d = info.value.diagnostics[0]
    assert (d.code, d.line, d.column) == ("encoding", 3, 11)
    assert "byte 0xe9 is not valid UTF-8" in d.message


def test_binary_file_is_reported() -> None:
    with pytest.raises(YamlError) as info:
        decode("f.yaml", b"id: x\n\x89PNG\x00\x00\x01")
    d = info.value.diagnostics[0]
    assert (d.code, d.line, d.column) == ("encoding", 2, 1)
    assert "binary" in d.message


def test_utf16_file_is_reported() -> None:
    with pytest.raises(YamlError) as info:
        decode("f.yaml", "id: x\n".encode("utf-16"))
    assert "UTF-16" in info.value.diagnostics[0].message


def test_utf8_bom_is_tolerated() -> None:
    assert decode("f.yaml", b"\xef\xbb\xbfid: x\n") == "id: x\n"


def test_ten_megabyte_file_is_refused_without_reading_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(10 * 1024 * 1024)  # sparse: cheap to make

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(YamlError) as info:
        read_file(big, "big.yaml")
    d = info.value.diagnostics[0]
    assert (d.file, d.code, d.line, d.column) == ("big.yaml", "too-large", 1, 1)
    assert d.message == "file is 10.0 MiB; the limit is 1 MiB per file (split it)"


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    body = "id: x\nsummary: "
    path.write_text(body + "a" * (MAX_BYTES - len(body) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES
    assert read_file(path).data["id"] == "x"


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(YamlError) as info:
        read_file(link)
    assert info.value.diagnostics[0].code == "unreadable"
    assert "cannot read the file" in info.value.diagnostics[0].message


# --- locating -----------------------------------------------------------------------------

DOC = """\
id: x
acts:
  - type: attack
    target: civilians
  - type: looting
location:
  country: MLI
"""


@pytest.mark.parametrize("loc, key, where", [
    (("id",), False, (1, 5)),
    (("id",), True, (1, 1)),
    (("acts",), False, (3, 3)),
    (("acts", 1), False, (5, 5)),
    (("acts", 1, "type"), False, (5, 11)),
    (("acts", 1, "type"), True, (5, 5)),
    (("acts", 0, "target"), False, (4, 13)),
    (("acts", 7, "type"), False, (3, 3)),          # no such act: the deepest that exists
    (("location", "lat"), False, (7, 3)),
    ((), False, (1, 1)),
])
def test_locate(loc: tuple[int | str, ...], key: bool, where: tuple[int, int]) -> None:
    assert locate(parse_text("t", DOC).root, loc, key=key) == where


def test_locate_without_a_tree() -> None:
    assert locate(None, ("id",)) == (1, 1)


# --- line numbers as editors count them ---------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_lines(separator: str) -> None:
    # text pasted from PDFs and web pages carries these; YAML 1.1 counts them as line
    # breaks, editors and code hosts do not, so every later line would be off by one
    text = f'summary: "one{separator}two"\nplace: !foo x\nlist: [1, 2\nnext: 3\n'
    assert errors(text.replace("list: [1, 2\n", "")) == [("yaml-tag", 2, 8)]
    assert errors(text.replace("place: !foo x\n", "")) == [("yaml-syntax", 3, 5)]
    anchored = f'summary: "a{separator}b"\nx: &q 1\ny: *q\n'
    assert errors(anchored) == [("yaml-anchor", 2, 4), ("yaml-alias", 3, 4)]
    doc = parse_text("t", f'summary: "a{separator}b"\nacts:\n  - type: x\n')
    assert locate(doc.root, ("acts", 0, "type")) == (3, 11)


def test_surrogate_in_text_is_an_error_not_a_crash() -> None:
    assert errors("id: \ud800x\n") == [("encoding", 1, 5)]
