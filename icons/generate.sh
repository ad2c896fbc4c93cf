#!/bin/sh
# Regenerates every app icon from the one source image, icons/source.svg (a blue rounded square
# with 聊). Needs rsvg-convert (Debian: librsvg2-bin), ImageMagick and a CJK font (Debian: fonts-noto-cjk).
# All outputs are RGBA PNGs (PNG32:), which Tauri requires.
set -eu
cd "$(dirname "$0")"
IM=/usr/bin/convert
[ -x "$IM" ] || IM=convert
rsvg-convert -w 1024 -h 1024 source.svg -o icon-src.png
$IM icon-src.png PNG32:icon.png && rm icon-src.png
for s in 32 64 128 256 512; do $IM icon.png -resize ${s}x${s} PNG32:${s}x${s}.png; done
$IM icon.png -resize 256x256 PNG32:128x128@2x.png
$IM icon.png -resize 44x44 PNG32:tray.png
$IM icon.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
# macOS .icns (ImageMagick cannot write it): the Tauri CLI's icon generator, offline, from the same PNG.
tmp=$(mktemp -d)
../ui/node_modules/.bin/tauri icon icon.png -o "$tmp" >/dev/null
cp "$tmp/icon.icns" icon.icns && rm -rf "$tmp"
