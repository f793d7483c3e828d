{% raw %}

@pytest.mark.smoke
def test_windows_are_next_byte_pairs_without_overlap():
    inputs, labels = sources.windows(b"abcdefghij", context=3)
    assert inputs.dtype == np.int32 and labels.dtype == np.int64 and inputs.shape == labels.shape == (2, 3)
    assert bytes(inputs[0].astype(np.uint8)) == b"abc" and bytes(labels[0].astype(np.uint8)) == b"bcd"
    assert bytes(inputs[1].astype(np.uint8)) == b"efg" and bytes(labels[1].astype(np.uint8)) == b"fgh"


@pytest.mark.smoke
def test_a_folder_of_text_files_is_read_in_order_and_utf8_becomes_bytes(tmp_path):
    (tmp_path / "b.md").write_text("caf\u00e9", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("not, text", encoding="utf-8")
    assert sources.read_corpus(tmp_path) == b"first\n\ncaf\xc3\xa9"


@pytest.mark.smoke
def test_a_text_file_that_is_not_utf8_is_refused_naming_it(tmp_path):
    (tmp_path / "notes.txt").write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(ValueError, match="notes.txt: not UTF-8"):
        sources.read_corpus(tmp_path)


@pytest.mark.smoke
def test_other_files_and_empty_folders_are_refused_saying_what_is_allowed(tmp_path):
    (tmp_path / "table.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"table.csv: not a .txt or .md file"):
        sources.read_corpus(tmp_path / "table.csv")
    with pytest.raises(ValueError, match="holds no .md/.txt file"):
        sources.read_corpus(tmp_path)


@pytest.mark.smoke
def test_too_little_text_is_refused(cpu_config, tmp_path):
    (tmp_path / "short.txt").write_text("too short", encoding="utf-8")
    with pytest.raises(ValueError, match="too little text"):
        sources.load_examples(dataclasses.replace(cpu_config, data_dir=str(tmp_path)))
{%- endraw %}
