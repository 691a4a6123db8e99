#!/usr/bin/env bash
# Windows and macOS, checked from a Debian machine (run by `.ci/run`; by hand:
# `scripts/platform-check.sh`, as root or with sudo for the one-time package install).
#
#   1. type-checks the crate and all its tests (`--all-targets`, `-D warnings`) for
#      x86_64-pc-windows-msvc, aarch64-apple-darwin and x86_64-apple-darwin;
#   2. builds x86_64-pc-windows-gnu and runs, under Wine, the unit tests and a smoke suite of
#      the CLI (scripts/platform/wine-smoke.sh);
#   3. lints the GitHub workflows with actionlint.
#
# How (see ../shared/notes/platforms.md): rustup cannot fetch other targets' standard
# libraries here, so Debian's `rustc-web` (with `rust-web-src`) builds them from source with
# `-Zbuild-std`. `ring` compiles C for the target in its build script; a type-check links
# nothing, so a stand-in C compiler that writes empty objects is enough for msvc and darwin,
# and the real mingw-w64 compiler builds windows-gnu. Wine 8 lacks `ProcessPrng`, which Rust's
# standard library imports, so a tiny forwarding DLL is put into the private Wine prefix.
#
# Everything lives under target/platform/ (or $FEEDCTL_PLATFORM_DIR) and is kept between
# runs: a warm re-run takes seconds, a cold one about 12 min of CPU (the three standard
# libraries, the dependencies, the Windows link). .ci/run, which CI runs in a fresh clone,
# keeps it in ~/.cache instead so that it stays warm from one run to the next. Wine is not Windows (locks, renames and the credential manager are emulated):
# a pass means "it starts and behaves"; .github/workflows/ci.yml runs the suite natively.
#
# Options: --no-install (fail instead of installing missing packages), --skip-wine,
# --skip-check, --skip-lint.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${FEEDCTL_PLATFORM_DIR:-$root/target/platform}
mkdir -p "$work/bin"
install=1 wine=1 check=1 lint=1
for arg in "$@"; do
  case $arg in
    --no-install) install=0 ;;
    --skip-wine) wine=0 ;;
    --skip-check) check=0 ;;
    --skip-lint) lint=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "platform-check: unknown option \`$arg\`" >&2; exit 2 ;;
  esac
done

summary=()
failed=0
started=$SECONDS
step() { printf '\n== %s\n' "$*" >&2; }
record() { # record STATUS WHAT SECONDS_START
  summary+=("$(printf '%-5s %-58s %4ss' "$1" "$2" "$((SECONDS - $3))")")
  [ "$1" = ok ] || failed=1
}

# --- packages ----------------------------------------------------------------------------
packages=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64 shellcheck)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ $install = 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "platform-check: missing Debian packages: ${missing[*]} (install them, or run without --no-install)" >&2
    exit 1
  fi
  t=$SECONDS
  step "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # .ci/run has just refreshed the package lists; update them only if that was not enough.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$work/apt.log" 2>&1 \
    || { $sudo apt-get update -qq \
      && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$work/apt.log" 2>&1; } \
    || { cat "$work/apt.log" >&2; exit 1; }
  record ok "installed ${#missing[@]} Debian packages" $t
fi

# Debian's toolchain, called by path: rustup's proxies stay first on PATH for everything else.
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
unset RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR
unset CARGO_ENCODED_RUSTFLAGS RUSTUP_TOOLCHAIN
export RUST_BACKTRACE=0
cargo=(/usr/bin/cargo)
build_std=("-Zbuild-std=std,panic_abort,panic_unwind")

# --- stand-in C compiler and archiver ------------------------------------------------------
# cc-rs probes the compiler family by preprocessing (`-E`): the host compiler answers that.
# Otherwise the stand-in writes an empty object where `-o FILE` / `-FoFILE` says. Its name
# contains "clang" so that cc-rs drives it with GNU-style flags, not as MSVC's cl.exe.
cat >"$work/bin/standin-clang" <<'EOF'
#!/bin/sh
for last in "$@"; do :; done
case " $* " in *" -E "*) exec cc -E "$last" ;; esac
out="" prev=""
for a in "$@"; do
  case $prev in -o) out=$a ;; esac
  case $a in -Fo?*) out=${a#-Fo} ;; -o?*) out=${a#-o} ;; esac
  prev=$a
done
[ -n "$out" ] && : >"$out"
exit 0
EOF
cat >"$work/bin/standin-ar" <<'EOF'
#!/bin/sh
# lib.exe style (`-out:FILE`) or ar style (`ar crs FILE objects…`).
for a in "$@"; do case $a in -out:*) : >"${a#-out:}"; exit 0 ;; esac; done
case $1 in -*) shift ;; esac
[ $# -ge 2 ] && : >"$2"
exit 0
EOF
chmod +x "$work/bin/standin-clang" "$work/bin/standin-ar"

# --- 1. type-checks ----------------------------------------------------------------------
check_targets=(x86_64-pc-windows-msvc aarch64-apple-darwin x86_64-apple-darwin)
if [ $check = 1 ]; then
  for t in "${check_targets[@]}"; do
    v=${t//-/_}
    export "CC_$v=$work/bin/standin-clang" "AR_$v=$work/bin/standin-ar"
  done
  t=$SECONDS
  step "type-checking for ${check_targets[*]} (--all-targets, -D warnings)"
  target_flags=()
  for target in "${check_targets[@]}"; do target_flags+=(--target "$target"); done
  # One invocation for all three: the build scripts and proc macros are shared, and cargo
  # keeps both cores busy.
  if CARGO_TARGET_DIR=$work/check RUSTFLAGS="-D warnings" \
    "${cargo[@]}" check "${build_std[@]}" "${target_flags[@]}" --all-targets --locked \
    --manifest-path "$root/Cargo.toml" 2>"$work/check.log"; then
    record ok "type-check ${check_targets[*]}" $t
  else
    grep -E '^(error|warning)' -A6 "$work/check.log" | head -150 >&2 || tail -50 "$work/check.log" >&2
    record FAIL "type-check (log: $work/check.log)" $t
  fi
fi

# --- 2. Windows build under Wine -----------------------------------------------------------
if [ $wine = 1 ]; then
  gnu=x86_64-pc-windows-gnu
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
  export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
  # No debug info: the binaries only run here, and linking it doubles the time.
  export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
  t=$SECONDS
  step "building $gnu (feedctl.exe and its unit tests)"
  build_log=$work/wine-build.log
  if CARGO_TARGET_DIR=$work/gnu "${cargo[@]}" build "${build_std[@]}" --target $gnu --locked \
    --manifest-path "$root/Cargo.toml" --bin feedctl 2>"$build_log" \
    && CARGO_TARGET_DIR=$work/gnu "${cargo[@]}" test "${build_std[@]}" --target $gnu --locked \
      --manifest-path "$root/Cargo.toml" --bin feedctl --no-run --message-format=json \
      2>>"$build_log" >"$work/unit-tests.json"; then
    record ok "build $gnu" $t
    exe=$work/gnu/$gnu/debug/feedctl.exe
    unit=$(python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("profile",{}).get("test") and m.get("executable"):
        print(m["executable"])' <"$work/unit-tests.json" | tail -1)

    # A private Wine prefix with the ProcessPrng shim (Wine 8.0 lacks it, Rust >= 1.78 needs it).
    export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n;mscoree,mshtml="
    shim=$work/bcryptprimitives.dll
    if [ ! -f "$shim" ]; then
      cat >"$work/prng.c" <<'EOF'
#include <windows.h>
/* advapi32's RtlGenRandom, exported as SystemFunction036 */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
EOF
      x86_64-w64-mingw32-gcc -shared -O2 -o "$shim" "$work/prng.c" -ladvapi32
    fi
    wine=/usr/lib/wine/wine64
    if [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
      t=$SECONDS
      step "creating the Wine prefix"
      "$wine" wineboot --init >/dev/null 2>&1 || true
      /usr/lib/wine/wineserver -w || true
      record ok "Wine prefix" $t
    fi
    cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"

    t=$SECONDS
    step "unit tests under Wine"
    if "$wine" "$unit" --test-threads=2 >"$work/wine-unit.log" 2>&1; then
      record ok "unit tests under Wine: $(grep -Eo '[0-9]+ passed' "$work/wine-unit.log" | tail -1)" $t
    else
      tail -40 "$work/wine-unit.log" >&2
      record FAIL "unit tests under Wine (log: $work/wine-unit.log)" $t
    fi

    t=$SECONDS
    step "CLI smoke suite under Wine"
    if WINE=$wine FEEDCTL_EXE=$exe bash "$root/scripts/platform/wine-smoke.sh" "$work/smoke" \
      >"$work/wine-smoke.log" 2>&1; then
      record ok "CLI smoke under Wine: $(grep -c '^ok ' "$work/wine-smoke.log") checks" $t
    else
      tail -40 "$work/wine-smoke.log" >&2
      record FAIL "CLI smoke under Wine (log: $work/wine-smoke.log)" $t
    fi
    /usr/lib/wine/wineserver -k 2>/dev/null || true
  else
    grep -E '^(error|warning)' -A6 "$build_log" | head -100 >&2 || tail -50 "$build_log" >&2
    record FAIL "build $gnu (log: $work/wine-build.log)" $t
  fi
fi

# --- 3. workflow lint ------------------------------------------------------------------------
if [ $lint = 1 ]; then
  t=$SECONDS
  step "actionlint .github/workflows"
  if bash "$root/scripts/platform/actionlint.sh" "$work"; then
    record ok "actionlint .github/workflows" $t
  else
    record FAIL "actionlint .github/workflows" $t
  fi
fi

printf '\nplatform check (%ss):\n' "$((SECONDS - started))" >&2
printf '  %s\n' "${summary[@]}" >&2
exit $failed
