#!/usr/bin/env bash
# Checks that no tracked *.cs line is longer than max_line_length of the [*.cs] section of .editorconfig (issue 14).
# Prints each longer line as "path:line: N characters (limit L)" and exits 1; on success prints one summary line.
# Usage: build/check-line-length.sh [--skip-from FILE]
#   FILE: repository-relative paths to leave out, one per line (blank lines ignored), e.g. files an open branch changes.
# Exit codes: 0 all within the limit, 1 lines over it, 2 usage or configuration error.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-from)
      [ $# -ge 2 ] || { echo "check-line-length: --skip-from needs a file" >&2; exit 2; }
      skip_file=$2
      shift 2
      ;;
    *)
      echo "check-line-length: unknown argument '$1' (usage: $0 [--skip-from FILE])" >&2
      exit 2
      ;;
  esac
done
if [ -n "$skip_file" ] && [ ! -r "$skip_file" ]; then
  echo "check-line-length: skip list '$skip_file' does not exist or cannot be read" >&2
  exit 2
fi

# max_line_length inside the [*.cs] section only (other sections may set their own).
limit=$(awk '
  /^[ \t]*\[/ { in_cs = ($0 ~ /^[ \t]*\[\*\.cs\][ \t\r]*$/); next }
  in_cs && /^[ \t]*max_line_length[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t\r]+$/, ""); print; exit }
' .editorconfig)
if ! [[ "$limit" =~ ^[0-9]+$ ]]; then
  echo "check-line-length: no numeric max_line_length in the [*.cs] section of .editorconfig (found '${limit}')" >&2
  exit 2
fi

files=()
while IFS= read -r -d '' path; do
  [ -f "$path" ] && files+=("$path")
done < <(
  if [ -n "$skip_file" ]; then
    git ls-files -z -- '*.cs' | grep -z -v -x -F -f <(grep -v '^[[:space:]]*$' "$skip_file" || true) || true
  else
    git ls-files -z -- '*.cs'
  fi
)

over=0
if [ ${#files[@]} -gt 0 ]; then
  # Byte-wise awk (LC_ALL=C, the same in mawk and gawk); characters = bytes minus UTF-8 continuation bytes.
  report=$(LC_ALL=C awk -v limit="$limit" '
    length($0) > limit {
      line = $0; sub(/\r$/, "", line)
      rest = line; continuation = gsub(/[\200-\277]/, "", rest)
      chars = length(line) - continuation
      if (chars > limit) printf "%s:%d: %d characters (limit %d)\n", FILENAME, FNR, chars, limit
    }
  ' "${files[@]}")
  if [ -n "$report" ]; then
    printf '%s\n' "$report"
    over=$(printf '%s\n' "$report" | wc -l)
  fi
fi

if [ "$over" -gt 0 ]; then
  echo "line length: $over *.cs line(s) over $limit characters" >&2
  exit 1
fi
echo "line length: all *.cs lines within $limit characters"
