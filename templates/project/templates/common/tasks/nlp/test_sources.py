{% raw %}

@pytest.mark.smoke
def test_a_text_file_that_is_not_utf8_is_refused_naming_it(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_bytes("text,label\ncaf\u00e9,x\n".encode("latin-1"))
    with pytest.raises(ValueError, match="texts.csv: not UTF-8"):
        sources.read_text_file(path)


@pytest.mark.smoke
def test_a_text_without_words_still_encodes():
    ids = sources.encode_texts(["", "!!!", "two words"], vocab_size=100, max_len=4)
    assert ids.shape == (3, 4) and (ids[:2] == 0).all() and (ids[2, :2] > 0).all()
{%- endraw %}
