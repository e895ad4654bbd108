#!/usr/bin/env bash
# Compiles and lints every .bicep file in the repository with the real Bicep CLI.
#
# The CLI comes from NuGet (package Azure.Bicep.CommandLine.linux-x64, the same binary the
# Azure CLI downloads), restored with `dotnet restore` of a throw-away project into the
# ignored .tools/bicep folder, so CI needs only the dotnet SDK and NuGet. The restore runs
# once per clone; later calls reuse the cached binary.
#
# Usage:
#   scripts/bicep.sh check [dir]    restore, then `bicep build` + `bicep lint` every .bicep file
#                                   under dir (default: the repository); exits non-zero on any
#                                   error or warning
#   scripts/bicep.sh build <file>   restore, then print the compiled ARM template of <file>
#   scripts/bicep.sh path           restore, then print the bicep binary's path
set -euo pipefail

BICEP_VERSION="0.49.2"   # pinned: bump deliberately, the linter's rules change between versions
PACKAGE_ID="Azure.Bicep.CommandLine.linux-x64"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools/bicep"
bicep_bin="$tools_dir/packages/$(echo "$PACKAGE_ID" | tr '[:upper:]' '[:lower:]')/$BICEP_VERSION/tools/bicep"

restore() {
  if [[ -x "$bicep_bin" ]]; then return 0; fi
  mkdir -p "$tools_dir"
  # Parallel jest workers may call this at the same moment: one restores, the others wait.
  exec 9>"$tools_dir/.restore.lock"
  flock 9
  if [[ -x "$bicep_bin" ]]; then return 0; fi
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bicep.sh: the dotnet SDK is required to restore $PACKAGE_ID from NuGet" >&2
    exit 3
  fi
  # PackageDownload fetches a package without referencing it, so no build happens and the
  # target framework does not matter beyond being one the installed SDK knows.
  local sdk_major
  sdk_major="$(dotnet --version | cut -d. -f1)"
  cat >"$tools_dir/restore.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk_major}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE_ID" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    dotnet restore "$tools_dir/restore.csproj" --packages "$tools_dir/packages" >&2
  chmod +x "$bicep_bin"
  flock -u 9
}

# Every .bicep file under $1 outside ignored folders, in a stable order.
bicep_files() {
  (cd "$1" && find . -name '*.bicep' \
    -not -path './node_modules/*' -not -path './.tools/*' -not -path './dist/*' | sort)
}

check() {
  local root="$1" failed=0 entry output
  local -a files entries
  mapfile -t files < <(bicep_files "$root")
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "bicep.sh: no .bicep files found under $root" >&2
    exit 1
  fi
  # One CLI process per top-level folder (--pattern) instead of one per file: each start
  # of the CLI costs seconds. Top-level files are checked one by one.
  mapfile -t entries < <(printf '%s\n' "${files[@]}" | cut -d/ -f2 | sort -u)
  local out_dir
  out_dir="$(mktemp -d)"
  for entry in "${entries[@]}"; do
    local -a target
    if [[ -d "$root/$entry" ]]; then target=(--pattern "$entry/**/*.bicep"); else target=("$entry"); fi
    # build type-checks, emits the ARM JSON and reports linter findings; lint runs the
    # linter on its own as well, so a linter-only finding cannot hide behind a build.
    if ! output="$(cd "$root" && "$bicep_bin" build "${target[@]}" --outdir "$out_dir" 2>&1)"; then failed=1; fi
    if [[ -n "$output" ]]; then echo "$output"; failed=1; fi
    if ! output="$(cd "$root" && "$bicep_bin" lint "${target[@]}" 2>&1)"; then failed=1; fi
    if [[ -n "$output" ]]; then echo "$output"; failed=1; fi
  done
  rm -rf "$out_dir"
  printf 'checked %s\n' "${files[@]}"
  if [[ $failed -ne 0 ]]; then
    echo "bicep.sh: errors or unjustified warnings (see above; justified exceptions belong in bicepconfig.json)" >&2
    exit 1
  fi
  echo "bicep.sh: ${#files[@]} files build and lint clean with Bicep $BICEP_VERSION"
}

case "${1:-check}" in
  check)
    restore
    check "$(cd "${2:-$repo_root}" && pwd)" ;;
  build)
    restore
    [[ $# -eq 2 ]] || { echo "usage: $0 build <file.bicep>" >&2; exit 2; }
    "$bicep_bin" build "$2" --stdout ;;
  path) restore; echo "$bicep_bin" ;;
  *) echo "usage: $0 [check | build <file> | path]" >&2; exit 2 ;;
esac
