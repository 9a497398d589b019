# shellcheck shell=bash
# Configure and compile the project with meson + ninja.
#
# Inputs (environment, optional):
#   CRI_SHIM_BUILD_DIR   build directory, relative to the repository root (default build)
#   CRI_SHIM_MESON_ARGS  extra arguments for a first `meson setup` (word-split)
#   CRI_SHIM_BUILD_TARGETS  targets to compile, as `meson compile` names them
#                        (subdir/name, word-split; default: every target)
#
# ccache: meson picks it up by itself when it is on PATH and CC/CXX are unset;
# build_project says whether it did.

[[ -n "${_CRI_SHIM_BUILD_SH:-}" ]] && return 0
_CRI_SHIM_BUILD_SH=1
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CRI_SHIM_BUILD_DIR=${CRI_SHIM_BUILD_DIR:-build}

# Sets up the build directory, or reuses it when it is set up.
# Runs in a subshell: the caller's working directory stays as it was.
configure_project() (
  local dir=$CRI_SHIM_BUILD_DIR
  cd "$CRI_SHIM_ROOT" || exit
  if [[ -f "$dir/meson-private/coredata.dat" ]] && meson introspect "$dir" --projectinfo >/dev/null 2>&1; then
    # An existing setup: ninja re-runs meson by itself when a meson.build changed.
    log "reusing build directory $dir"
  else
    local -a setup=(meson setup)
    # A setup left half-made (interrupted, or by another meson version): start over.
    [[ -d "$dir/meson-private" ]] && setup+=(--wipe)
    # shellcheck disable=SC2206 # word splitting of the extra arguments is wanted
    setup+=(${CRI_SHIM_MESON_ARGS:-} "$dir")
    log "configuring: ${setup[*]}"
    "${setup[@]}"
  fi
)

# Sets up the build directory (or reuses it) and compiles everything, or
# only $CRI_SHIM_BUILD_TARGETS.
build_project() (
  local dir=$CRI_SHIM_BUILD_DIR
  cd "$CRI_SHIM_ROOT" || exit
  configure_project
  if command -v ccache >/dev/null 2>&1 && [[ -z "${CXX:-}" ]]; then
    log "compiling with ccache ($(ccache --get-config cache_dir 2>/dev/null || echo 'default cache'))"
  fi
  # shellcheck disable=SC2206 # word splitting of the target list is wanted
  local -a targets=(${CRI_SHIM_BUILD_TARGETS:-})
  log "compiling: meson compile -C $dir -j $(nproc) ${targets[*]}"
  meson compile -C "$dir" -j "$(nproc)" "${targets[@]}"
)
