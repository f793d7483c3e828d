"""Outside tools for the formats checked outside Python: where they live, a Node.js project with the JS
runtimes pinned, and a way to run a small Node script on numpy arrays.

Not a format module. The tools live in $EXPORT_TOOLS_DIR, default ~/.cache/advisor-export-tools, shared by
every project on the machine: <tools>/node holds onnxruntime-node and @tensorflow/tfjs, <tools>/tfjs-venv the
TF.js converter (see tfjs.py).
"""
{% raw %}
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

# Exact pins: the checks must not change when npm publishes a new release.
NODE_PACKAGES = {"onnxruntime-node": "1.30.0", "@tensorflow/tfjs": "4.22.0"}
# onnxruntime-node's postinstall otherwise downloads CUDA binaries from nuget.org; the CPU binary is bundled.
NPM_ENV = {"ONNXRUNTIME_NODE_INSTALL": "skip"}


def tools_dir() -> Path:
    return Path(os.environ.get("EXPORT_TOOLS_DIR") or Path.home() / ".cache" / "advisor-export-tools")


def node_dir() -> Path:
    return tools_dir() / "node"


def which(name: str) -> str | None:
    return shutil.which(name)


def npm_command() -> str:
    specs = " ".join(f"{name}@{version}" for name, version in NODE_PACKAGES.items())
    return f"ONNXRUNTIME_NODE_INSTALL=skip npm install --save-exact --prefix {node_dir()} {specs}"


def package_version(package: str) -> str | None:
    """The installed version of a package in the tools' node project, or None."""
    meta = node_dir() / "node_modules" / package / "package.json"
    return json.loads(meta.read_text())["version"] if meta.exists() else None


def node_ready(package: str, install: bool) -> str | None:
    """None when node runs and `package` is in the tools' node project; npm installs every pinned package
    when `install` (never otherwise). Else one line: why not, and the command that fixes it."""
    if which("node") is None:
        return "node not on PATH: install Node.js 20+ from https://nodejs.org"
    if package_version(package) == NODE_PACKAGES[package]:
        return None
    if not install:
        return f"{package} {NODE_PACKAGES[package]} is not in {node_dir()}: run `{npm_command()}`"
    if which("npm") is None:
        return "npm not on PATH: install Node.js 20+ (it comes with npm) from https://nodejs.org"
    node_dir().mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in NODE_PACKAGES.items()]
    done = subprocess.run(
        ["npm", "install", "--save-exact", "--no-audit", "--no-fund", "--prefix", str(node_dir()), *specs],
        env={**os.environ, **NPM_ENV},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or package_version(package) != NODE_PACKAGES[package]:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"npm install failed ({tail[0]}): run `{npm_command()}`"
    return None


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()


# Read before the caller's script: arrays travel as raw little-endian files described in args.json, and
# main(params) returns {name: {data: TypedArray, shape}} (written back the same way) or JSON values.
_PRELUDE = r"""
const fs = require("fs"), path = require("path");
const DIR = process.argv[2];
const ARGS = JSON.parse(fs.readFileSync(path.join(DIR, "args.json"), "utf8"));
const TYPED = {float32: Float32Array, int32: Int32Array, int64: BigInt64Array, int8: Int8Array, uint8: Uint8Array};
function readArray(name) {
  const meta = ARGS.arrays[name], buf = fs.readFileSync(path.join(DIR, name + ".bin"));
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);  // aligned for the view
  return {data: new TYPED[meta.dtype](copy), shape: meta.shape, dtype: meta.dtype};
}
async function __run() {
  const result = await main(ARGS.params), out = {};
  for (const [name, value] of Object.entries(result)) {
    if (value && ArrayBuffer.isView(value.data)) {
      const dtype = Object.keys(TYPED).find((k) => value.data instanceof TYPED[k]);
      fs.writeFileSync(path.join(DIR, "out_" + name + ".bin"),
                       Buffer.from(value.data.buffer, value.data.byteOffset, value.data.byteLength));
      out[name] = {array: true, dtype, shape: Array.from(value.shape)};
    } else out[name] = {value};
  }
  fs.writeFileSync(path.join(DIR, "result.json"), JSON.stringify(out));
}
"""


def run_node(
    script: str, arrays: dict[str, np.ndarray] | None = None, params: Any = None, timeout: float = 900
) -> dict[str, Any]:
    """Run `script` (JavaScript defining `async function main(params)`) with node in the tools' node
    project, so `require` finds its packages. Inside, readArray(name) gives the arrays passed here; what
    main returns comes back as numpy arrays (for {data: TypedArray, shape}) or plain values."""
    with tempfile.TemporaryDirectory(prefix="export-node-") as tmp:
        work = Path(tmp)
        meta = {}
        for name, array in (arrays or {}).items():
            array = np.ascontiguousarray(array)
            (work / f"{name}.bin").write_bytes(array.astype(array.dtype.newbyteorder("<")).tobytes())
            meta[name] = {"dtype": array.dtype.name, "shape": list(array.shape)}
        (work / "args.json").write_text(json.dumps({"arrays": meta, "params": params}))
        ending = "\n__run().catch((e) => { console.error(e); process.exit(1); });\n"
        (work / "script.js").write_text(_PRELUDE + script + ending)
        env = {**os.environ, "NODE_PATH": str(node_dir() / "node_modules")}
        done = subprocess.run(
            ["node", str(work / "script.js"), str(work)],
            cwd=node_dir(),
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"node failed: {done.stderr.strip()[-2000:]}")
        results = {}
        for name, item in json.loads((work / "result.json").read_text()).items():
            if item.get("array"):
                raw = (work / f"out_{name}.bin").read_bytes()
                data = np.frombuffer(raw, np.dtype(item["dtype"]).newbyteorder("<"))
                results[name] = data.reshape(item["shape"]).astype(item["dtype"])
            else:
                results[name] = item["value"]
        return results
{%- endraw %}
