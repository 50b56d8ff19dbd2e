#!/usr/bin/env bash
# Register Claimdesk on this Linux desktop for the current user (no root needed): the menu
# entry, the three file types (.claimdesk, .claimdesk-exercise, .claimdesk-submission) with
# their icons, and Claimdesk as the program that opens them on a double-click.
#
#   packaging/linux/install.sh                 # the built bundle (make dist), else the venv's
#   packaging/linux/install.sh --exec PROGRAM  # a particular claimdesk program
#   packaging/linux/install.sh --uninstall     # remove all of it again
#
# Honours XDG_DATA_HOME (default ~/.local/share) and XDG_CONFIG_HOME (default ~/.config).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data_home/applications"
icons="$data_home/icons/hicolor"
desktop_id="claimdesk.desktop"
types=(application/x-claimdesk-project application/x-claimdesk-exercise
  application/x-claimdesk-submission)
sizes=(16 24 32 48 64 128 256 512)

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

mode=install
program=""
while (($#)); do
  case "$1" in
    --uninstall) mode=uninstall ;;
    --exec) [ $# -ge 2 ] || die "--exec needs the path of the claimdesk program"
      program="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done

refresh() {
  if have update-desktop-database; then update-desktop-database -q "$apps" || true; fi
  if have update-mime-database && [ -d "$data_home/mime" ]; then
    update-mime-database "$data_home/mime" || true
  fi
  if have gtk-update-icon-cache && [ -f "$icons/index.theme" ]; then
    gtk-update-icon-cache -q -t "$icons" || true
  fi
}

icon_files() {  # source-png target-name context
  local size
  for size in "${sizes[@]}"; do
    printf '%s\n' "$icons/${size}x${size}/$3/$2.png"
  done
  printf '%s\n' "$icons/scalable/$3/$2.svg"
}

if [ "$mode" = uninstall ]; then
  have xdg-mime && xdg-mime uninstall --mode user "$here/claimdesk-mime.xml" 2>/dev/null || true
  rm -f "$data_home/mime/packages/claimdesk-mime.xml"
  rm -f "$apps/$desktop_id"
  { icon_files x claimdesk apps
    for type in "${types[@]}"; do icon_files x "${type//\//-}" mimetypes; done
  } | while read -r file; do rm -f "$file"; done
  # Forget Claimdesk as the default for its types.
  for list in "${XDG_CONFIG_HOME:-$HOME/.config}/mimeapps.list" "$apps/mimeapps.list"; do
    if [ -f "$list" ]; then
      sed -i "/^application\/x-claimdesk-[a-z]*=/d; s/$desktop_id;\{0,1\}//g" "$list"
    fi
  done
  refresh
  say "Claimdesk is no longer registered for ${USER:-$(id -un)} (the program itself was not removed)."
  exit 0
fi

# -- install ------------------------------------------------------------------------------------
if [ -z "$program" ]; then
  for candidate in "$root/dist/claimdesk/claimdesk" "$root/.venv/bin/claimdesk" \
    "$(command -v claimdesk || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then program="$candidate"; break; fi
  done
  [ -n "$program" ] || die "no claimdesk program found: run 'make dist' (or 'make run') first, or give --exec PROGRAM"
fi
[ -x "$program" ] || die "$program is not an executable program"
program="$(cd "$(dirname "$program")" && pwd)/$(basename "$program")"
have xdg-mime || die "xdg-mime is missing: install the xdg-utils package"

mkdir -p "$apps"
# Desktop entry with Exec quoted as the freedesktop spec asks: inside double quotes, " ` $ and
# \ take a backslash, which the key file's own escaping doubles. A % would have to be written
# %%, which GIO then fails to find on disk: refuse such a path plainly instead.
case "$program" in
  *%*) die "$program: a desktop entry cannot run a program whose path contains %; move it" ;;
esac
quoted="${program//\\/\\\\\\\\}"
quoted="${quoted//\"/\\\\\"}"
quoted="${quoted//\`/\\\\\`}"
quoted="${quoted//\$/\\\\\$}"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s" %%f\n' "$quoted" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/claimdesk.desktop" > "$apps/$desktop_id"
chmod 644 "$apps/$desktop_id"
if have desktop-file-validate; then desktop-file-validate "$apps/$desktop_id"; fi

png="$root/resources/icons/png"
for size in "${sizes[@]}"; do
  mkdir -p "$icons/${size}x${size}/apps" "$icons/${size}x${size}/mimetypes"
  cp "$png/claimdesk-$size.png" "$icons/${size}x${size}/apps/claimdesk.png"
  for kind in project exercise submission; do
    cp "$png/claimdesk-$kind-$size.png" \
      "$icons/${size}x${size}/mimetypes/application-x-claimdesk-$kind.png"
  done
done
mkdir -p "$icons/scalable/apps" "$icons/scalable/mimetypes"
cp "$root/resources/icons/claimdesk.svg" "$icons/scalable/apps/claimdesk.svg"
for kind in project exercise submission; do
  cp "$root/resources/icons/claimdesk-$kind.svg" \
    "$icons/scalable/mimetypes/application-x-claimdesk-$kind.svg"
done

xdg-mime install --mode user --novendor "$here/claimdesk-mime.xml"
for type in "${types[@]}"; do
  xdg-mime default "$desktop_id" "$type"
done
refresh
say "Claimdesk is registered for ${USER:-$(id -un)}: menu entry $apps/$desktop_id"
say "  runs: $program"
say "  opens: *.claimdesk, *.claimdesk-exercise, *.claimdesk-submission"
