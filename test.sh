#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need when it is missing, builds, runs every test
# and prints the totals as its last line: "N passed, N failed, N skipped". Exit code non-zero on any failure.
# With CI=true a prerequisite that cannot be installed is a failure; elsewhere the tests that need it skip.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
in_ci=false
[ "${CI:-}" = "true" ] && in_ci=true

say() { printf '\n== %s\n' "$*"; }
prerequisite_missing() {
  echo "test.sh: $*" >&2
  if $in_ci; then echo "test.sh: CI=true: a missing prerequisite is a failure" >&2; exit 1; fi
  echo "test.sh: continuing; tests that need it will be skipped" >&2
}

# --- Debian packages the tests drive: program -> package -------------------------------------------------------
declare -A apt_for=(
  [chromium]=chromium
  [abc2midi]=abcmidi
  [lilypond]=lilypond
  [timidity]=timidity
  [fluidsynth]=fluidsynth
  [redis-server]=redis-server
)
missing=()
for program in "${!apt_for[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${apt_for[$program]}")
done
# The General MIDI soundfont fluidsynth and timidity play with (fluidsynth's recommended package, not pulled by
# --no-install-recommends).
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || [ -f /usr/share/sounds/sf2/default-GM.sf2 ] || missing+=(timgm6mb-soundfont)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  if { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/musiccluster-apt.log 2>&1; then
    echo "installed ${missing[*]}"
  else
    tail -20 /tmp/musiccluster-apt.log >&2
    prerequisite_missing "could not install ${missing[*]} with apt-get"
  fi
fi

# --- npm packages the tests start (Azurite) -------------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
  prerequisite_missing "npm (Node.js 20+) is needed for Azurite and the Client's front-end packages"
elif [ ! -f tests/tools/node_modules/.install-stamp ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.install-stamp ]; then
  say "installing test tools from npm (Azurite)"
  if (cd tests/tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    touch tests/tools/node_modules/.install-stamp
  else
    prerequisite_missing "npm ci in tests/tools failed"
  fi
fi

# --- build and test ------------------------------------------------------------------------------------------------
# Test hosts load libtorch too: its OpenMP threads should wait without spinning, as the product's entry points make
# them (OpenMpWaiting), or parallel test assemblies on a small machine take the cores from each other.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
say "building"
if ! dotnet build MusicCluster.sln -nologo -clp:NoSummary -v:minimal; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Style is part of the suite: a change dotnet format would rewrite counts as one failure (the tests still run).
say "checking style (dotnet format --verify-no-changes, line length)"
style_failed=0
if ! dotnet format MusicCluster.sln --verify-no-changes --no-restore -v:quiet; then
  echo "test.sh: dotnet format would change the files above: run 'dotnet format MusicCluster.sln'" >&2
  style_failed=1
fi
build/check-line-length.sh || style_failed=1

say "testing"
results="$root/TestResults"
rm -rf "$results"/*.trx "$results"/*/*.trx 2>/dev/null
dotnet test MusicCluster.sln --no-build -nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
test_exit=$?

# --- totals from the TRX files (one per test project) -------------------------------------------------------------
passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a crashed test host leaves no failed count
failed=$((failed + style_failed))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$test_exit" -eq 0 ] && [ "$failed" -eq 0 ]
