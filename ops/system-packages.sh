#!/usr/bin/env bash
# Debian packages the project needs beside Python: espeak-ng (speech synthesis), chromium (browser
# tests of the kiosk), Noto CJK fonts (Chinese text in the browser and printed checklists), and the
# redis-server program (the Redis-outage test starts a private one; production uses its own Redis), and
# Node.js (the kiosk's JavaScript modules are unit-tested with its built-in test runner).
# Installs only what is missing; needs root or sudo the first time.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v chromium >/dev/null || need+=(chromium)
# (grep -c, not -q: -q stops reading early, fc-list then dies of SIGPIPE and pipefail reads that as missing)
fc-list 2>/dev/null | grep -c "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v node >/dev/null || need+=(nodejs)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
