#!/usr/bin/env bash
# Fetches the four MNIST files into DIR and verifies them.
#
#   scripts/fetch-mnist.sh DIR                    download the .gz files
#   scripts/fetch-mnist.sh DIR --from MIRROR_DIR  copy them (NAME.gz or NAME) from a local folder
#
# Every file is checked by the SHA-256 of its decompressed bytes (the published
# MNIST content; a re-compressed .gz passes too). A file that fails is deleted
# and the script exits non-zero. Files already present and valid are skipped.
set -euo pipefail

usage() {
    echo "usage: $0 DIR [--from MIRROR_DIR]" >&2
    exit 2
}

dest=""
mirror=""
while (($# > 0)); do
    case "$1" in
    --from)
        (($# >= 2)) || usage
        mirror="$2"
        shift 2
        ;;
    -h | --help) usage ;;
    -*)
        echo "fetch-mnist: unknown option $1" >&2
        usage
        ;;
    *)
        [[ -z "$dest" ]] || usage
        dest="$1"
        shift
        ;;
    esac
done
[[ -n "$dest" ]] || usage

files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# SHA-256 of each file's decompressed content (see shared/README.md).
expected_sha256() {
    case "$1" in
    train-images-idx3-ubyte) echo ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db ;;
    train-labels-idx1-ubyte) echo 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 ;;
    t10k-images-idx3-ubyte) echo 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 ;;
    t10k-labels-idx1-ubyte) echo ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 ;;
    esac
}

# The mirrors torchvision's datasets/mnist.py tries, in its order.
mirrors=(https://ossci-datasets.s3.amazonaws.com/mnist/ http://yann.lecun.com/exdb/mnist/)

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 | cut -d' ' -f1; }
else
    echo "fetch-mnist: need sha256sum (coreutils) or shasum to verify the files" >&2
    exit 1
fi

# Prints the decompressed content of $1 (gzip by its 1f 8b magic, else as is).
content() {
    if [[ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]; then
        gzip -dc -- "$1"
    else
        cat -- "$1"
    fi
}

# Succeeds when file $1 holds the content of MNIST file $2.
valid() {
    local sum
    sum="$(content "$1" 2>/dev/null | sha256)" || return 1
    [[ "$sum" == "$(expected_sha256 "$2")" ]]
}

downloader=""
need_downloader() {
    [[ -z "$downloader" ]] || return 0
    if command -v curl >/dev/null 2>&1; then
        downloader=curl
    elif command -v wget >/dev/null 2>&1; then
        downloader=wget
    elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "fetch-mnist: neither curl nor wget found; installing curl with apt-get"
        apt-get update -qq && apt-get install -y -qq curl >/dev/null
        downloader=curl
    else
        echo "fetch-mnist: need curl or wget to download; install one (e.g. 'apt-get install curl') or use --from MIRROR_DIR" >&2
        exit 1
    fi
}

# Downloads URL $1 to $2; fails quietly so the next mirror can be tried.
download() {
    if [[ "$downloader" == curl ]]; then
        curl -fsSL --retry 1 --connect-timeout 20 -o "$2" "$1"
    else
        wget -q --tries=2 --timeout=20 -O "$2" "$1"
    fi
}

mkdir -p -- "$dest"
failures=0
for name in "${files[@]}"; do
    present=""
    for candidate in "$dest/$name" "$dest/$name.gz"; do
        if [[ -f "$candidate" ]]; then
            if valid "$candidate" "$name"; then
                present="$candidate"
                break
            fi
            echo "fetch-mnist: $candidate fails its checksum; replacing it"
            rm -f -- "$candidate"
        fi
    done
    if [[ -n "$present" ]]; then
        echo "fetch-mnist: $present already present and valid; skipped"
        continue
    fi

    target=""
    if [[ -n "$mirror" ]]; then
        for source in "$mirror/$name.gz" "$mirror/$name"; do
            if [[ -f "$source" ]]; then
                target="$dest/${source##*/}"
                cp -- "$source" "$target"
                echo "fetch-mnist: copied $source to $target"
                break
            fi
        done
        if [[ -z "$target" ]]; then
            echo "fetch-mnist: $mirror has neither $name.gz nor $name" >&2
            failures=$((failures + 1))
            continue
        fi
    else
        need_downloader
        target="$dest/$name.gz"
        for base in "${mirrors[@]}"; do
            if download "$base$name.gz" "$target.part"; then
                mv -- "$target.part" "$target"
                echo "fetch-mnist: downloaded $base$name.gz to $target"
                break
            fi
            rm -f -- "$target.part"
            echo "fetch-mnist: could not download $base$name.gz; trying the next mirror" >&2
        done
        if [[ ! -f "$target" ]]; then
            echo "fetch-mnist: every mirror failed for $name.gz" >&2
            failures=$((failures + 1))
            continue
        fi
    fi

    if valid "$target" "$name"; then
        echo "fetch-mnist: $target verified (SHA-256 of its content matches)"
    else
        rm -f -- "$target"
        echo "fetch-mnist: $target does not match the published SHA-256 of $name; deleted it" >&2
        failures=$((failures + 1))
    fi
done

if ((failures > 0)); then
    echo "fetch-mnist: $failures of ${#files[@]} files missing or invalid in $dest" >&2
    exit 1
fi
echo "fetch-mnist: all ${#files[@]} MNIST files in $dest are present and verified"
