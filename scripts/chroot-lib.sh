# Sourced by scripts/qt68.sh and scripts/packages.sh: make (or reuse from a
# cache) a Debian root file system with mmdebstrap, unpack it, mount /proc,
# /dev and /tmp in it (per command, in a private mount namespace), run
# commands in it, and remove it again on exit. Needs root (CI runs as root).
#
#   chroot_tarball <suite> <mirror> <packages...>   prints the cached tarball's path
#   chroot_unpack <tarball>                         sets CHROOT_ROOT (a fresh tree);
#                                                   the caller's EXIT trap calls chroot_cleanup
#   chroot_run <command...>                         runs in it as root, cwd /;
#                                                   CHROOT_BINDS="hostdir:dir ..." are bind-mounted
#
# Cache: ${QRUSTBRIDGE_CACHE:-~/.cache/qrustbridge}/<suite>-<hash>.tar.zst,
# the hash covering suite, mirror and package list: a changed list makes a
# new tarball (and removes the suite's older ones). A tarball is written
# under a temporary name and renamed when complete, so an interrupted run
# never leaves a broken cache; an flock keeps two runs from making it twice.

chroot_log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
chroot_die() { chroot_log "ERROR: $*"; exit 1; }

QRUSTBRIDGE_CACHE="${QRUSTBRIDGE_CACHE:-$HOME/.cache/qrustbridge}"
QRUSTBRIDGE_DEBIAN_MIRROR="${QRUSTBRIDGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CHROOT_ROOT=""


# Host tools: mmdebstrap and zstd from the host's apt (idempotent).
chroot_host_tools() {
  [ "$(id -u)" -eq 0 ] || chroot_die "must run as root (chroot, mount, mmdebstrap)"
  local missing=()
  local package
  for package in mmdebstrap zstd; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    chroot_log "installing on the host: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || chroot_die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null \
      || chroot_die "could not install ${missing[*]} on the host"
  fi
}

chroot_tarball() {
  local suite="$1" mirror="$2"
  shift 2
  local sorted
  sorted="$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
  local hash
  hash="$(printf 'v1 %s %s %s' "$suite" "$mirror" "$sorted" | sha256sum | cut -c1-12)"
  local tarball="$QRUSTBRIDGE_CACHE/$suite-$hash.tar.zst"
  mkdir -p "$QRUSTBRIDGE_CACHE"
  (
    flock 9
    if [ -s "$tarball" ]; then
      chroot_log "reusing $tarball"
      exit 0
    fi
    chroot_log "making a $suite root file system (mmdebstrap, ${#@} packages) -> $tarball"
    local started=$SECONDS
    local attempt
    for attempt in 1 2; do
      rm -f "$tarball.part"
      # --variant=apt: Essential packages + apt, then exactly the list (no
      # Recommends). apt retries single downloads; a whole second attempt
      # covers a mirror that was briefly unreachable.
      if mmdebstrap --quiet --mode=root --variant=apt --format=tar \
           --aptopt='Acquire::Retries "5"' \
           --aptopt='APT::Install-Recommends "false"' \
           --include="$(printf '%s\n' "$@" | sort -u | paste -sd, -)" \
           "$suite" "$tarball.part" "$mirror" </dev/null >&2; then
        # mmdebstrap infers compression from the name; .part hides it, so compress here.
        zstd -q -T0 -3 --rm -f "$tarball.part" -o "$tarball.zst.part" \
          && mv -f "$tarball.zst.part" "$tarball" \
          || chroot_die "could not compress $tarball.part"
        find "$QRUSTBRIDGE_CACHE" -maxdepth 1 -name "$suite-*.tar.zst" ! -name "$(basename "$tarball")" -delete
        chroot_log "made $tarball ($(du -h "$tarball" | cut -f1)) in $((SECONDS - started)) s"
        exit 0
      fi
      chroot_log "mmdebstrap attempt $attempt failed"
      sleep 10
    done
    rm -f "$tarball.part"
    chroot_die "mmdebstrap could not make the $suite root file system from $mirror (package list: $sorted)"
  ) 9>"$QRUSTBRIDGE_CACHE/.lock-$suite" || exit 1
  printf '%s\n' "$tarball"
}

# Removes the unpacked tree. Mounts live only in the private mount namespace
# of each chroot_run, so they are gone when it exits (even on SIGKILL); the
# mountinfo check is a second guard before anything is deleted.
chroot_cleanup() {
  [ -n "$CHROOT_ROOT" ] || return 0
  if grep -qF " $CHROOT_ROOT/" /proc/self/mountinfo; then
    chroot_log "something is still mounted below $CHROOT_ROOT: leaving it in place"
  elif [ "${QRUSTBRIDGE_KEEP_CHROOT:-0}" = 1 ]; then
    chroot_log "kept $CHROOT_ROOT (QRUSTBRIDGE_KEEP_CHROOT=1)"
  else
    rm -rf --one-file-system "$CHROOT_ROOT"
  fi
  CHROOT_ROOT=""
}

chroot_unpack() {
  local tarball="$1" name
  name="$(basename "$tarball" .tar.zst)"
  mkdir -p "$QRUSTBRIDGE_CACHE/roots"
  CHROOT_ROOT="$(mktemp -d "$QRUSTBRIDGE_CACHE/roots/$name.XXXXXX")"
  tar -C "$CHROOT_ROOT" --zstd -xf "$tarball" || chroot_die "could not unpack $tarball"
}

# Runs a command in the tree as root, in a new private mount namespace with
# /proc, /dev (the host's, recursively, as a slave so that nothing
# propagates back), and a fresh /tmp and /dev/shm.
chroot_run() {
  [ -n "$CHROOT_ROOT" ] || chroot_die "chroot_run before chroot_unpack"
  CHROOT_BINDS="${CHROOT_BINDS:-}" unshare --mount --propagation private /bin/sh -eu -c '
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --make-rslave "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    for bind in $CHROOT_BINDS; do
      mkdir -p "$root/${bind#*:}"
      mount --bind "${bind%%:*}" "$root/${bind#*:}"
    done
    exec chroot "$root" "$@"
  ' chroot-run "$CHROOT_ROOT" /usr/bin/env -i \
    HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb CI="${CI:-}" "$@" </dev/null
}
