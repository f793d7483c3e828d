"""Remove the files this project does not need, as advisor's catalogue (catalog.yaml) says.

- scale: catalog.scales.<scale>.keeps lists the scale-dependent files a project keeps; the others go.
- export formats: src/<package>/export/ keeps the modules of the project's formats (project_formats()).
- task files: a file only some tasks have (task_file()) renders common/not_kept.txt elsewhere: it goes.
"""

from pathlib import Path

# Rendered from the catalogue (the `catalog` global of local_extensions.py).
SCALE_FILES = {{ catalog.scales.values()|map(attribute="keeps")|sum(start=[])|unique|list|tojson }}
KEEPS = {{ catalog.scales[cookiecutter.scale]["keeps"]|tojson }}
FORMATS = {{ catalog.formats|list|tojson }}
PROJECT_FORMATS = {{ project_formats()|tojson }}
EXPORT_DIR = Path("src", "{{ cookiecutter.package }}", "export")

for name in sorted(set(SCALE_FILES) - set(KEEPS)):
    Path(name).unlink(missing_ok=True)
for name in sorted(set(FORMATS) - set(PROJECT_FORMATS)):
    (EXPORT_DIR / f"{name}.py").unlink(missing_ok=True)

NOT_KEPT = "This file is not part of this project"  # the start of common/not_kept.txt
for path in [*Path("src").rglob("*"), *Path("tests").glob("*"), *Path("data").glob("*"), *Path("scripts").glob("*")]:
    if path.is_file() and path.stat().st_size < 200 and path.read_bytes().startswith(NOT_KEPT.encode()):
        path.unlink()

for folder in (Path("scripts"), Path("data")):
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
