# Shared set-up for scripts/run and scripts/test: a virtual environment with the
# Python dependencies, and the front-end packages from npm. Fast when nothing changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
    exit 1
fi
command -v npm >/dev/null || { echo "Node.js and npm are needed (for Bootstrap and the PDF record's fonts)." >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
    echo "==> Creating .venv"
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "==> Installing Python dependencies"
    mkdir -p var
    if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
           && .venv/bin/python -m pip install --quiet -e ".[test]"; } > var/pip-install.log 2>&1; then
        cat var/pip-install.log >&2
        echo "Installing the Python dependencies failed (log above, kept in var/pip-install.log)." >&2
        exit 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi
npm_stamp="node_modules/.installed-$(cat package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
    echo "==> Installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$npm_stamp"
fi
mkdir -p var
# The interface's message catalogues: .po sources in git, .mo compiled when stale (issue 16).
.venv/bin/python -m sdm.catalogues
