#!/usr/bin/env bash
# Runs specter scan with the action's inputs, which action.yml passes in
# SPECTER_* environment variables (never spliced into the script), writes
# SARIF (and the HTML page when SPECTER_HTML_FILE names one) and records the exit code as a step output instead of failing, so
# the SARIF upload still runs when the gate fails.
#
# SPECTER_PATHS and SPECTER_ARGS are split on whitespace; no shell
# expansion or quoting applies to them.
set -euo pipefail

bin="${SPECTER_BIN:-specter}"
sarif="${SPECTER_SARIF_FILE:-specter.sarif}"
read -r -a paths <<< "${SPECTER_PATHS:-.}"
read -r -a extra <<< "${SPECTER_ARGS:-}"

html="${SPECTER_HTML_FILE:-}"

args=(scan -f sarif -o "$sarif")
[ -z "$html" ] || args+=(--report "html=$html")
[ -z "${SPECTER_CONFIG:-}" ] || args+=(--config "$SPECTER_CONFIG")
[ -z "${SPECTER_FAIL_ON:-}" ] || args+=(--fail-on "$SPECTER_FAIL_ON")
[ -z "${SPECTER_BASELINE:-}" ] || args+=(--baseline "$SPECTER_BASELINE")
if [ "${SPECTER_NEW_FINDINGS_ONLY:-false}" = true ]; then
  # A shallow checkout lacks the base commit; fetch just that commit.
  base="${SPECTER_BASE_SHA:-}"
  if [ -n "$base" ] && ! git cat-file -e "${base}^{commit}" 2> /dev/null; then
    git fetch --no-tags --depth=1 origin "$base" || echo "::warning title=specter::could not fetch the base commit $base; every finding will be reported"
  fi
  args+=(--new-from-rev auto)
fi
# ${a[@]+"${a[@]}"} keeps bash 3.2 (macOS) from calling an empty array unbound.
args+=(${extra[@]+"${extra[@]}"} -- ${paths[@]+"${paths[@]}"})

set +e
"$bin" "${args[@]}"
code=$?
set -e

{
  echo "exit-code=$code"
  if [ -f "$sarif" ]; then echo "sarif-file=$sarif"; fi
  if [ -n "$html" ] && [ -f "$html" ]; then echo "html-file=$html"; fi
} >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "$code" -gt 2 ]; then
  echo "::error title=specter::specter exited with $code"
  exit "$code"
fi
