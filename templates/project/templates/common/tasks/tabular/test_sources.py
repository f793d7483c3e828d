{% raw %}

@pytest.mark.smoke
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,label\n1,x\ninf,y\n", "3: column 'a' is not a finite number"),
        (b"a,label\n1,x\n,y\n", "3: feature values must be numbers"),
        ("a,label\n1,caf\u00e9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_tables_are_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        sources.read_table(path)
{%- endraw %}
