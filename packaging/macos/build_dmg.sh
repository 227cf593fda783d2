#!/bin/sh
# Put the frozen app (PyInstaller's "Nexus Desktop.app") into a compressed disk image with a
# link to /Applications: packaging/macos/build_dmg.sh APP OUT_DIR (run by `make dist` on
# macOS and by the release workflow).
#
# Signing and notarization run only when their settings are in the environment (the release
# workflow sets them from its secrets):
#   MACOS_SIGN_IDENTITY     a "Developer ID Application: ..." identity in the keychain
#   MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific password)
# Without them the app keeps PyInstaller's ad-hoc signature: it runs after the learner allows
# it once (right-click > Open, or System Settings > Privacy & Security).
set -eu
app=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
plist="$app/Contents/Info.plist"
version=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$plist")
arch=$(uname -m)
dmg="$out/Nexus-Desktop-$version-macos-$arch.dmg"
mkdir -p "$out"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  echo "signing $app as $MACOS_SIGN_IDENTITY"
  codesign --force --deep --timestamp --options runtime \
    --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Nexus Desktop $version" -srcfolder "$staging" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 "$dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_APPLE_ID:-}" ]; then
  echo "notarizing $dmg"
  xcrun notarytool submit "$dmg" --apple-id "$MACOS_NOTARY_APPLE_ID" \
    --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD" --wait
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
fi
echo "built $dmg"
