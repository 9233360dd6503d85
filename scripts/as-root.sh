# Sourced by the ensure-*.sh scripts: run apt-get as root, through sudo when needed.
# $1 names what is being installed, for the message when neither is possible.
apt_install() {
    what="$1"; shift
    if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "Cannot install $what: run as root or with sudo, or 'apt-get install $*' yourself." >&2
        return 1
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
