"""The standards are pure Python: importable and usable without Django configured."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import vuonlen.poverty

PACKAGE = Path(vuonlen.poverty.__file__).parent
# Only Django itself loads these; everything else in the package must stay free of it.
DJANGO_ALLOWED = {"apps.py"}


def test_importing_the_package_needs_no_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys\n"
        "import vuonlen.poverty, vuonlen.poverty.standards, vuonlen.poverty.classification, vuonlen.poverty.inputs\n"
        "from vuonlen.poverty import classify\n"
        "r = classify(year=2023, area='rural', income=1500000, lacking_count=3)\n"
        "assert r.status == 'poor', r\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=PACKAGE.parent.parent, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_no_module_of_the_domain_imports_django():
    for path in PACKAGE.glob("*.py"):
        if path.name in DJANGO_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "django" or n.startswith(("django.", "ninja")) for n in names), (path.name, names)
