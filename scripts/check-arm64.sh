#!/usr/bin/env bash
# Checks, on an x86-64 Debian/Ubuntu machine, that Recur builds for arm64
# (aarch64 Linux) and that its tests pass there, by cross-compiling and then
# running the arm64 binaries under QEMU's user-mode emulation.
#
#   scripts/check-arm64.sh [--build-only]
#
# Exits non-zero when a build or a test fails. Needs root (debootstrap,
# chroot, mount) and about 8 GB of disk. The first run downloads about 1.2 GB
# of Debian packages and builds in about 7 minutes on 2 cores; later runs reuse
# the chroot and the build folders. The tests take about 10 minutes under
# emulation (the PyTorch fixtures from ../shared/fixtures included; the MNIST
# suites skip); --build-only stops after the builds.
#
# How: the x86-64 Swift toolchain on this machine has no arm64 standard
# library, and a Swift compiler reads only modules built by the same compiler
# version, so the check uses Debian's own Swift (package swiftlang, in unstable
# only, as Recur's tools version 6.1 needs) for both sides: in a Debian
# unstable amd64 chroot ($RECUR_ARM64_ROOT, default /var/tmp/recur-arm64) it
# installs swiftlang for amd64, unpacks the same version's arm64 swiftlang and
# libswiftlang (the aarch64 standard library, Foundation and Testing), installs
# the arm64 C libraries Recur links (multiarch libc6-dev, hwloc, zlib) and
# builds with a Swift SDK that points at them. So it checks what arm64 compiles
# and how it behaves, with Debian's Swift rather than the one in /opt/swift.
#
# Three differences from a native arm64 build, each forced by cross-compiling:
#  - Package.swift is evaluated on the build machine, where `#if arch(x86_64)`
#    holds; the copy built here has `arch(x86_64)` replaced by `false` (and
#    `arch(arm64)` by `true`), which is how an arm64 machine evaluates it.
#  - Release builds pass -gnone: Debian's swiftlang is built with assertions,
#    and one in its debug-info emission fails on RecurTrainer at -O -g, for
#    x86-64 as for arm64.
#  - The test build passes -disable-cross-import-overlays: Debian ships the
#    _Testing_Foundation overlay's module but not its library, so test
#    bundles that import Foundation and Testing fail to link otherwise.
#
# Environment: RECUR_ARM64_ROOT (work folder), RECUR_DEBIAN_MIRROR (default:
# the first non-security Debian mirror in this machine's apt sources),
# RECUR_ARM64_REFRESH=1 (rebuild the chroot from scratch).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

build_only=0
for argument in "$@"; do
    case "$argument" in
        --build-only) build_only=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) recur_die "unknown argument $argument (usage: scripts/check-arm64.sh [--build-only])" ;;
    esac
done

[ "$(id -u)" -eq 0 ] || recur_die "scripts/check-arm64.sh needs root (it uses debootstrap, chroot and mount)"
[ "$(uname -m)" = "x86_64" ] || recur_die "scripts/check-arm64.sh cross-checks from x86-64; on arm64 run scripts/test.sh"

# The host side: the host toolchain to resolve the package's dependencies,
# debootstrap for the chroot, QEMU to run arm64 binaries.
RECUR_APT_PACKAGES=(debootstrap qemu-user-static git ca-certificates)
recur_install_system_packages
recur_require_swift

work_root="${RECUR_ARM64_ROOT:-/var/tmp/recur-arm64}"
chroot_dir="$work_root/sid-amd64"
ready_marker="$chroot_dir/.recur-arm64-ready"
swift_arm64=/opt/swift-arm64           # inside the chroot
sysroot=/opt/recur-arm64-sysroot       # inside the chroot
sdk_dir=/opt/recur-arm64-sdks          # inside the chroot

# The Debian mirror this machine's apt uses (unstable lives on the same one).
debian_mirror() {
    if [ -n "${RECUR_DEBIAN_MIRROR:-}" ]; then echo "$RECUR_DEBIAN_MIRROR"; return 0; fi
    local mirror=""
    if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
        mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources | tr ' ' '\n' | grep -v -e security -e '^$' | head -n 1 || true)
    fi
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
        mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list | grep -v security | head -n 1 || true)
    fi
    [ -n "$mirror" ] || recur_die "no Debian mirror in /etc/apt/sources.list*: set RECUR_DEBIAN_MIRROR"
    echo "$mirror"
}

mounted=()
unmount_all() {
    local index
    for (( index=${#mounted[@]}-1; index>=0; index-- )); do
        umount "${mounted[$index]}" 2>/dev/null || umount -l "${mounted[$index]}" 2>/dev/null || true
    done
    mounted=()
}
trap unmount_all EXIT

mount_chroot() {
    local target
    for target in proc sys dev; do
        if mountpoint -q "$chroot_dir/$target"; then umount -l "$chroot_dir/$target"; fi
    done
    mount -t proc proc "$chroot_dir/proc" && mounted+=("$chroot_dir/proc")
    mount -t sysfs sysfs "$chroot_dir/sys" && mounted+=("$chroot_dir/sys")
    mount --bind /dev "$chroot_dir/dev" && mounted+=("$chroot_dir/dev")
    # The PyTorch reference fixtures, read only, where the tests look for them
    # (../shared/fixtures). Not MNIST: the suites that train on it run for
    # tens of minutes under emulation and the signal tests time out.
    if [ -d ../shared/fixtures ]; then
        mkdir -p "$chroot_dir/shared/fixtures"
        if mountpoint -q "$chroot_dir/shared/fixtures"; then umount -l "$chroot_dir/shared/fixtures"; fi
        mount --bind ../shared/fixtures "$chroot_dir/shared/fixtures" && mounted+=("$chroot_dir/shared/fixtures")
        mount -o remount,bind,ro "$chroot_dir/shared/fixtures"
    fi
}

in_chroot() {
    chroot "$chroot_dir" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c "$1"
}

if [ "${RECUR_ARM64_REFRESH:-0}" = "1" ] || [ ! -f "$ready_marker" ]; then
    for target in proc sys dev shared/fixtures; do
        if mountpoint -q "$chroot_dir/$target" 2>/dev/null; then umount -l "$chroot_dir/$target"; fi
    done
    rm -rf --one-file-system "$chroot_dir"
    mkdir -p "$work_root"
    mirror=$(debian_mirror)
    echo "Creating a Debian unstable amd64 chroot in $chroot_dir (from $mirror)..." >&2
    debootstrap --variant=minbase --arch=amd64 sid "$chroot_dir" "$mirror" >"$work_root/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work_root/debootstrap.log" >&2; recur_die "debootstrap failed (log: $work_root/debootstrap.log)"; }
    cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
    # A mirror snapshot may be older than its Release files' Valid-Until.
    echo 'Acquire::Check-Valid-Until "false";' >"$chroot_dir/etc/apt/apt.conf.d/99recur-arm64"
    mount_chroot
    echo "Installing Debian's swiftlang (amd64) and the arm64 libraries in the chroot..." >&2
    in_chroot '
        dpkg --add-architecture arm64
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends swiftlang libc6-dev pkg-config git ca-certificates \
            libc6-dev:arm64 libhwloc-dev:arm64 zlib1g-dev:arm64 libstdc++6:arm64 >/tmp/apt.log
        gcc_major=$(gcc -dumpversion | cut -d. -f1)
        # What the arm64 Swift runtime itself links (libcurl, libxml2, ...).
        runtime=$(apt-cache show libswiftlang:arm64 | sed -n "s/^Depends: //p" | head -n 1 | tr "," "\n" \
            | sed "s/|.*//; s/(.*//; s/[[:space:]]//g" | grep -v "^$" | sed "s/$/:arm64/")
        apt-get install -y -qq --no-install-recommends "libgcc-$gcc_major-dev:arm64" $runtime >>/tmp/apt.log
        version=$(dpkg-query -W -f="\${Version}" swiftlang)
        rm -rf /tmp/swift-debs '"$swift_arm64"' && mkdir -p /tmp/swift-debs '"$swift_arm64"'
        cd /tmp/swift-debs && apt-get download -qq "swiftlang:arm64=$version" "libswiftlang:arm64=$version"
        for deb in /tmp/swift-debs/*.deb; do dpkg-deb -x "$deb" '"$swift_arm64"'; done
        rm -rf /tmp/swift-debs
        echo "$version" >'"$swift_arm64"'/.version
    ' || recur_die "setting up the chroot failed (apt log: $chroot_dir/tmp/apt.log)"
    cp /usr/bin/qemu-aarch64-static "$chroot_dir/usr/local/bin/qemu-aarch64-static"
    date -u +%FT%TZ >"$ready_marker"
else
    mount_chroot
    cp /usr/bin/qemu-aarch64-static "$chroot_dir/usr/local/bin/qemu-aarch64-static"
fi

# The arm64 sysroot: the chroot's multiarch arm64 headers and libraries, and
# the unpacked arm64 Swift runtime where the Swift driver looks for it.
in_chroot '
    rm -rf '"$sysroot"' && mkdir -p '"$sysroot"'/usr/lib
    ln -s /usr/include '"$sysroot"'/usr/include
    ln -s /usr/lib/aarch64-linux-gnu '"$sysroot"'/usr/lib/aarch64-linux-gnu
    ln -s /usr/lib/gcc '"$sysroot"'/usr/lib/gcc
    ln -s /usr/lib/ld-linux-aarch64.so.1 '"$sysroot"'/usr/lib/ld-linux-aarch64.so.1
    ln -s '"$swift_arm64"'/usr/libexec/swift/lib/swift '"$sysroot"'/usr/lib/swift
    ln -s '"$swift_arm64"'/usr/libexec/swift/lib/swift_static '"$sysroot"'/usr/lib/swift_static
    ln -s usr/lib '"$sysroot"'/lib
    bundle='"$sdk_dir"'/recur-arm64.artifactbundle
    rm -rf '"$sdk_dir"' && mkdir -p "$bundle/sdk"
    cat >"$bundle/info.json" <<EOF
{
  "schemaVersion": "1.0",
  "artifacts": {
    "recur-debian-arm64": {
      "type": "swiftSDK",
      "version": "1",
      "variants": [{ "path": "sdk", "supportedTriples": ["x86_64-pc-linux-gnu", "x86_64-unknown-linux-gnu"] }]
    }
  }
}
EOF
    cat >"$bundle/sdk/swift-sdk.json" <<EOF
{
  "schemaVersion": "4.0",
  "targetTriples": {
    "aarch64-unknown-linux-gnu": {
      "sdkRootPath": "'"$sysroot"'",
      "swiftResourcesPath": "'"$swift_arm64"'/usr/libexec/swift/lib/swift",
      "swiftStaticResourcesPath": "'"$swift_arm64"'/usr/libexec/swift/lib/swift_static",
      "toolsetPaths": ["toolset.json"]
    }
  }
}
EOF
    cat >"$bundle/sdk/toolset.json" <<EOF
{
  "schemaVersion": "1.0",
  "swiftCompiler": { "extraCLIOptions": ["-use-ld=lld"] },
  "linker": { "path": "/usr/libexec/swift/bin/ld.lld" }
}
EOF
    cat >/usr/local/bin/recur-arm64 <<EOF
#!/bin/sh
exec /usr/local/bin/qemu-aarch64-static -L '"$sysroot"' /src/.build-tests/aarch64-unknown-linux-gnu/debug/recur "\$@"
EOF
    chmod +x /usr/local/bin/recur-arm64
'

# The package's dependencies, resolved on this machine (the chroot has no
# access to their hosts), served to the chroot's SwiftPM as local mirrors.
swift package resolve >/dev/null
dependency_names=()
if [ -f Package.resolved ]; then
    while IFS= read -r location; do
        name=$(basename "$location" .git)
        [ -d ".build/checkouts/$name" ] || recur_die "dependency $name is not in .build/checkouts after swift package resolve"
        dependency_names+=("$name|$location")
    done < <(sed -n 's/^[[:space:]]*"location"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' Package.resolved)
fi
rm -rf "$chroot_dir/deps" && mkdir -p "$chroot_dir/deps"
for entry in "${dependency_names[@]}"; do
    # Through git's pack protocol: SwiftPM's checkouts borrow their objects
    # from .build/repositories (git alternates), which the chroot cannot see.
    git clone -q --bare --no-local "$PWD/.build/checkouts/${entry%%|*}" "$chroot_dir/deps/${entry%%|*}"
done

# The sources as an arm64 machine sees them: everything git would commit
# (build folders kept from earlier runs), with the manifest's host-architecture
# conditions evaluated as on arm64.
mkdir -p "$chroot_dir/src"
find "$chroot_dir/src" -mindepth 1 -maxdepth 1 ! -name .build ! -name .build-tests -exec rm -rf {} +
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' file; do
        if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
    done \
    | tar --null -T - -cf - | tar -xf - -C "$chroot_dir/src"
[ -f Package.resolved ] && cp Package.resolved "$chroot_dir/src/Package.resolved"
sed -i -e 's/arch(x86_64)/false/g' -e 's/arch(\(arm64\|aarch64\))/true/g' "$chroot_dir/src/Package.swift"

mirror_commands=""
for entry in "${dependency_names[@]}"; do
    mirror_commands+="swift package config set-mirror --original '${entry#*|}' --mirror '/deps/${entry%%|*}'"$'\n'
done

echo "Swift for the check: $(in_chroot 'swift --version 2>&1 | head -n 1') (arm64 runtime $(cat "$chroot_dir$swift_arm64/.version"))" >&2
status=0
in_chroot '
    cd /src
    '"$mirror_commands"'
    export PKG_CONFIG_PATH=/usr/lib/aarch64-linux-gnu/pkgconfig
    export PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
    sdk="--swift-sdks-path '"$sdk_dir"' --swift-sdk recur-debian-arm64"
    echo "== arm64 debug build" >&2
    swift build $sdk
    echo "== arm64 release build" >&2
    swift build $sdk -c release -Xswiftc -gnone
    echo "== arm64 test build" >&2
    swift build $sdk --build-tests --scratch-path .build-tests -Xswiftc -Xfrontend -Xswiftc -disable-cross-import-overlays
' || status=$?
[ "$status" -eq 0 ] || recur_die "the arm64 build failed (exit $status)"

if [ "$build_only" -eq 1 ]; then
    echo "arm64 builds succeeded (tests not run: --build-only)" >&2
    exit 0
fi

echo "== arm64 tests under qemu-aarch64" >&2
in_chroot '
    cd /src
    RECUR_EXECUTABLE=/usr/local/bin/recur-arm64 /usr/local/bin/qemu-aarch64-static -L '"$sysroot"' \
        .build-tests/aarch64-unknown-linux-gnu/debug/RecurPackageTests.xctest --testing-library swift-testing
' || status=$?
[ "$status" -eq 0 ] || recur_die "arm64 tests failed (exit $status)"
echo "arm64 check passed: debug and release builds, and the tests under emulation" >&2
