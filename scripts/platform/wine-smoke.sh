#!/usr/bin/env bash
# The CLI smoke suite for the Windows build under Wine, run by scripts/platform-check.sh:
#
#   WINE=/usr/lib/wine/wine64 FEEDCTL_EXE=…/feedctl.exe scripts/platform/wine-smoke.sh WORKDIR
#
# Each check prints `ok …` or `FAIL …`; the exit status is 1 if any failed. Feeds point at
# 127.0.0.1 only (nothing here contacts a network), and the cargo and az that feedctl runs
# are stand-ins on the Windows PATH: a tiny cargo.exe for `--version`, and an `az.cmd` batch
# file, which is what the Azure CLI installs on Windows.
set -uo pipefail

: "${WINE:?}" "${FEEDCTL_EXE:?}"
work=${1:?usage: wine-smoke.sh WORKDIR}
rm -rf "$work"
mkdir -p "$work"/{project/src,cargo-home,home,stubs}
work=$(cd "$work" && pwd)
failures=0

winpath() { printf 'Z:%s' "${1//\//\\}"; }
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# feedctl under Wine, in the project, with a private cargo home; stdout and stderr to files.
feedctl() {
  (cd "$work/project" && "$WINE" "$FEEDCTL_EXE" "$@" >"$work/out" 2>"$work/err" </dev/null)
}
show() { sed 's/^/     | /' "$work/out" "$work/err"; }
sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

export CARGO_HOME USERPROFILE WINEPATH CARGO
CARGO_HOME=$(winpath "$work/cargo-home")
USERPROFILE=$(winpath "$work/home")
WINEPATH=$(winpath "$work/stubs")
CARGO=$(winpath "$work/stubs/cargo.exe")
unset SYSTEM_ACCESSTOKEN CI GITHUB_ENV
export NO_COLOR=1

# Stand-ins: cargo.exe answers `--version`; az.cmd prints an access token as `az` does.
cat >"$work/stubs/cargo.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    puts("cargo 1.95.0 (f2d3ce0bd 2026-03-21)");
    return 0;
  }
  fputs("error: this stand-in cargo only answers --version\n", stderr);
  return 101;
}
EOF
x86_64-w64-mingw32-gcc -O2 -o "$work/stubs/cargo.exe" "$work/stubs/cargo.c" || exit 1
printf '@echo off\r\necho {"accessToken": "entra-smoke-token", "expires_on": 4070908800, "tokenType": "Bearer"}\r\n' \
  >"$work/stubs/az.cmd"

cat >"$work/project/Cargo.toml" <<'EOF'
[package]
name = "app"
version = "0.1.0"
edition = "2021"
EOF
echo 'fn main() {}' >"$work/project/src/main.rs"
mkdir -p "$work/project/.cargo"
original=$'# team settings\n[build]\njobs = 2 # keep\n'
printf '%s' "$original" >"$work/project/.cargo/config.toml"
config=$work/project/.cargo/config.toml
feed=(--server-url http://127.0.0.1:9/tfs --collection DefaultCollection --project web --feed crates)

# providers: the OS store on Windows is the Credential Manager.
if feedctl providers && grep -q 'cargo:wincred' "$work/cargo-home/config.toml"; then
  ok "providers chose cargo:wincred: $(grep global-credential-providers "$work/cargo-home/config.toml")"
else
  fail "providers did not choose cargo:wincred"; show
fi

# connect twice: the second run changes nothing, byte for byte.
if feedctl connect "${feed[@]}" --no-login; then
  first=$(sum "$config")
  if grep -q '# team settings' "$config" && grep -q 'jobs = 2 # keep' "$config" \
    && grep -q 'replace-with = "crates"' "$config"; then
    ok "connect wrote the registry and kept the comments"
  else
    fail "connect: unexpected config"; cat "$config"
  fi
  if feedctl connect "${feed[@]}" --no-login && [ "$(sum "$config")" = "$first" ] \
    && grep -q Unchanged "$work/err"; then
    ok "connect twice: byte-identical, \"Unchanged\""
  else
    fail "second connect changed the file"; show
  fi
else
  fail "connect failed"; show
fi

# The hint a Windows user sees for storing a token later is PowerShell.
# shellcheck disable=SC2016 # PowerShell's `$env:`, literally
if grep -qF '$env:AZURE_DEVOPS_PAT | feedctl login --name crates --pat-stdin' "$work/err"; then
  ok "connect --no-login hint is PowerShell: $(grep -oF '$env:AZURE_DEVOPS_PAT | feedctl login --name crates --pat-stdin' "$work/err" | head -1)"
else
  fail "connect --no-login hint is not PowerShell"; show
fi

# env: PowerShell and cmd formats, from Azure Pipelines' job token.
if SYSTEM_ACCESSTOKEN=smoke-secret feedctl env --format powershell \
  && grep -qx "\$env:CARGO_REGISTRIES_CRATES_TOKEN = 'Bearer smoke-secret'" "$work/out" \
  && grep -qx "\$env:CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER = 'cargo:token'" "$work/out"; then
  ok "env --format powershell"
else
  fail "env --format powershell"; show
fi
if SYSTEM_ACCESSTOKEN='smoke&secret' feedctl env --format cmd; then
  # Run the output in Wine's cmd.exe and read the variables back.
  # (`set PREFIX` lists the variables without expanding `&` as `echo %VAR%` would.)
  { echo '@echo off'; cat "$work/out"; echo 'set CARGO_REGISTRIES_CRATES_'; } \
    | sed 's/$/\r/' >"$work/env.cmd"
  got=$("$WINE" cmd /d /c "$(winpath "$work/env.cmd")" 2>/dev/null | tr -d '\r')
  if grep -qx 'CARGO_REGISTRIES_CRATES_TOKEN=Bearer smoke&secret' <<<"$got" \
    && grep -qx 'CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER=cargo:token' <<<"$got"; then
    ok "env --format cmd, run by cmd.exe: the variables arrive (value with \`&\`)"
  else
    fail "env --format cmd did not set the variables in cmd.exe"; show; echo "$got"
  fi
else
  fail "env --format cmd"; show
fi

# az.cmd on PATH is found and run.
if feedctl env --azure-cli --format powershell \
  && grep -qx "\$env:CARGO_REGISTRIES_CRATES_TOKEN = 'Bearer entra-smoke-token'" "$work/out"; then
  ok "env --azure-cli found and ran az.cmd"
else
  fail "env --azure-cli with az.cmd"; show
fi

# status and doctor --json are JSON, and name the registry.
if feedctl status --json && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "crates" in json.dumps(d)' "$work/out"; then
  ok "status --json"
else
  fail "status --json"; show
fi
CARGO_REGISTRIES_CRATES_TOKEN='Basic c21va2U=' feedctl doctor --offline --json
code=$?
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d["checks"], list) and d["checks"]' "$work/out"; then
  ok "doctor --offline --json (exit $code): $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(", ".join(c["name"]+"="+c["status"] for c in d["checks"]))' "$work/out")"
  [ $code -eq 0 ] || { fail "doctor --offline exited $code"; show; }
else
  fail "doctor --offline --json (exit $code)"; show
fi

# disconnect restores the file exactly.
if feedctl disconnect --name crates && [ "$(cat "$config"; echo x)" = "${original}x" ]; then
  ok "disconnect restored the file byte for byte"
else
  fail "disconnect did not restore the file"; show; cat "$config"
fi

# Concurrent connects: Windows takes a lock file next to the config; every registry lands.
n=8
pids=()
for i in $(seq 1 $n); do
  (cd "$work/project" && "$WINE" "$FEEDCTL_EXE" connect --server-url http://127.0.0.1:9/tfs \
    --collection DefaultCollection --feed "feed$i" --name "r$i" --no-replace-crates-io \
    --no-login --no-providers >"$work/race$i.log" 2>&1 </dev/null) &
  pids+=($!)
done
raced=0
for pid in "${pids[@]}"; do wait "$pid" && raced=$((raced + 1)); done
landed=$(grep -c '^r[0-9]* = ' "$config" || true)
temps=$(find "$work/project/.cargo" -name '.feedctl-*.tmp' | wc -l)
if [ "$raced" = $n ] && [ "$landed" = $n ] && grep -q '# team settings' "$config" && [ "$temps" = 0 ]; then
  ok "$n concurrent connects: all $n registries landed, comments kept, no temporary files"
else
  fail "concurrent connects: $raced/$n succeeded, $landed registries in the file, $temps temporary files"
  cat "$work"/race*.log | head -40; cat "$config"
fi

if [ $failures -gt 0 ]; then
  echo "$failures smoke check(s) failed"
  exit 1
fi
echo "all smoke checks passed"
