#!/bin/sh
# Add Nexus Desktop (this portable folder) to your application menu, for you only; or, with
# --remove, take it away again. Files go to ~/.local/share (or $XDG_DATA_HOME).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
id=io.github.nexus_desktop.NexusDesktop
desktop="$data/applications/$id.desktop"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$desktop"
  find "$data/icons/hicolor" -name "$id.*" -delete 2>/dev/null || true
  echo "removed $desktop and the icons"
  exit 0
fi
mkdir -p "$data/applications"
for dir in "$here"/share/icons/hicolor/*/apps; do
  size=$(basename "$(dirname "$dir")")
  mkdir -p "$data/icons/hicolor/$size/apps"
  cp "$dir"/* "$data/icons/hicolor/$size/apps/"
done
sed -e "s|^Exec=nexus-desktop|Exec=\"$here/nexus-desktop\"|" \
    -e "s|^TryExec=nexus-desktop|TryExec=$here/nexus-desktop|" \
    "$here/share/applications/$id.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "added $desktop"
