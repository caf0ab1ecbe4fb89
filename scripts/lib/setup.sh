# Shared set-up for the project's scripts: source it, then call the functions.
# Installs what a fresh Debian/Ubuntu machine lacks with apt-get (as root, or
# through sudo), and says exactly what to do where it cannot.

# Open MPI (openmpi-bin, libopenmpi-dev) for `mpirun -np P recur train` and the MPI tests; recur
# itself loads libmpi.so.40 only when mpirun starts it, so it builds and runs without it.
RECUR_APT_PACKAGES=(libhwloc-dev zlib1g-dev pkg-config gzip ca-certificates curl openmpi-bin libopenmpi-dev)

recur_die() {
    echo "error: $*" >&2
    exit 1
}

# Installs the Debian packages Recur builds against, when any is missing.
recur_install_system_packages() {
    local missing=()
    for package in "${RECUR_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || recur_die "missing packages ${missing[*]} and no apt-get: install hwloc (with headers), zlib (with headers) and pkg-config with your package manager"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || recur_die "missing packages ${missing[*]}: run as root or install sudo"
        sudo="sudo"
    fi
    echo "Installing ${missing[*]} with apt-get..." >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Makes sure a Swift 6 toolchain is on PATH (Debian/Ubuntu package swiftlang
# where the distribution has one), or explains how to get it.
recur_require_swift() {
    if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    if ! command -v swift >/dev/null && command -v apt-get >/dev/null && apt-cache show swiftlang >/dev/null 2>&1; then
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "Installing swiftlang with apt-get..." >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq swiftlang >/dev/null
    fi
    command -v swift >/dev/null || recur_die "Swift 6.1 or newer is needed: install it from https://www.swift.org/install/linux/ (swiftly) and run this script again"
    local version
    version=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9]*\)\..*/\1/p' | head -n 1)
    [ -n "$version" ] && [ "$version" -ge 6 ] || recur_die "Swift 6.1 or newer is needed (found: $(swift --version 2>&1 | head -n 1))"
}

# Prints the MNIST folder to use: --data from the arguments, $MNIST_DIR, or
# ./data/mnist (downloaded there with scripts/fetch-mnist.sh when missing).
recur_mnist_directory() {
    local previous=""
    for argument in "$@"; do
        if [ "$previous" = "--data" ]; then echo "$argument"; return 0; fi
        case "$argument" in --data=*) echo "${argument#--data=}"; return 0 ;; esac
        previous="$argument"
    done
    if [ -n "${MNIST_DIR:-}" ]; then echo "$MNIST_DIR"; return 0; fi
    if ! scripts/fetch-mnist.sh data/mnist >&2; then
        recur_die "MNIST is not in data/mnist and could not be downloaded; copy it with scripts/fetch-mnist.sh data/mnist --from DIR, or pass --data DIR"
    fi
    echo "data/mnist"
}
