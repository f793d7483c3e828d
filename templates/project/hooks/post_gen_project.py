"""Remove the files this project does not need, as advisor's catalogue (catalog.yaml) says.

- scale: catalog.scales.<scale>.keeps lists the scale-dependent files a project keeps; the others go.
- export formats: src/<package>/export/ keeps the modules of the project's formats (project_formats()).
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

scripts = Path("scripts")
if scripts.is_dir() and not any(scripts.iterdir()):
    scripts.rmdir()
