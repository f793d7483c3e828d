{% raw %}
# ---------------------------------------------------------------- shared by every task
@dataclasses.dataclass(frozen=True)
class Examples:
    """Every example of a data set, in reading order (the order split indices refer to)."""

    inputs: np.ndarray | list[str]  # an array of inputs, or file paths read lazily (see load_input)
    labels: np.ndarray  # int64 (N,)
    class_names: list[str]

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def in_memory(self) -> bool:
        return isinstance(self.inputs, np.ndarray)

    def take(self, indices: np.ndarray) -> Examples:
        inputs = self.inputs[indices] if self.in_memory else [self.inputs[i] for i in indices]
        return Examples(inputs, self.labels[indices], self.class_names)

    def fingerprint(self) -> str:
        """Identifies the data a split was made for: labels, class names and where inputs came from."""
        digest = hashlib.sha256(np.ascontiguousarray(self.labels, dtype=np.int64).tobytes())
        digest.update("\0".join(self.class_names).encode("utf-8"))
        if self.in_memory:
            digest.update(str(self.inputs.shape).encode())
        else:
            root = os.path.commonpath(self.inputs) if self.inputs else ""
            digest.update("\0".join(os.path.relpath(p, root) for p in self.inputs).encode("utf-8"))
        return digest.hexdigest()[:16]


@dataclasses.dataclass(frozen=True)
class Split:
    """Indices into Examples for each part; recorded with the checkpoint so evaluation never re-splits."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    fingerprint: str

    def to_dict(self) -> dict:
        parts = {name: [int(i) for i in getattr(self, name)] for name in ("train", "val", "test")}
        return {"fingerprint": self.fingerprint, **parts}

    @classmethod
    def from_dict(cls, record: dict) -> Split:
        parts = {name: np.asarray(record[name], dtype=np.int64) for name in ("train", "val", "test")}
        return cls(fingerprint=record["fingerprint"], **parts)

    def check(self, examples: Examples) -> None:
        """The recorded split must belong to this data: a different set would leak or mislabel examples."""
        if examples.fingerprint() != self.fingerprint:
            raise ValueError(
                f"the data ({len(examples)} examples, classes {examples.class_names}) is not the data this run "
                "was split on: point data_dir at the same files, or train a new run in another output_dir"
            )


def read_text(path: Path) -> str:
    """A text file's contents (UTF-8, a BOM from Excel tolerated), or a one-line error naming the file."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from None


def data_file(path: Path, suffixes: set[str]) -> Path:
    """data_dir may name the file itself or a folder holding it (the first, by name, is used)."""
    if path.is_file():
        return path
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
    if not files:
        raise ValueError(f"data_dir {path} holds no {'/'.join(sorted(suffixes))} file")
    return files[0]
{%- endraw %}
