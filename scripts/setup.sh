#!/usr/bin/env bash
# Installs what the build and the product need from the system's package registry, once:
# the CJK font for PDF documents (Debian fonts-arphic-uming). Idempotent; safe to run often.
set -euo pipefail
font="${ZHIXING_FONT:-/usr/share/fonts/truetype/arphic/uming.ttc}"
if [ -f "$font" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing fonts-arphic-uming (CJK font for PDF documents)"
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if ! $sudo apt-get install -y fonts-arphic-uming \
     && ! { $sudo apt-get update && $sudo apt-get install -y fonts-arphic-uming; }; then
    echo "Could not install fonts-arphic-uming: PDF documents will report the missing font" >&2
    echo "until it is installed (Word documents work without it)." >&2
  fi
else
  echo "PDF documents need a CJK font: install the package fonts-arphic-uming (Debian/Ubuntu)," >&2
  echo "or set ZHIXING_FONT to a TrueType font or collection. Word documents work without it." >&2
fi
