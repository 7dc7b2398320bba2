#!/bin/sh
# The deb's post-remove (electron-builder.yml: deb.afterRemove). dpkg runs it as root with remove, purge,
# upgrade, failed-upgrade, abort-install, abort-upgrade or disappear as $1.
#
# electron-builder offers no typed option for a pre-remove script, so stopping the helper happens here too: the
# unit file is not part of the package (the post-install copied it), so systemd can still stop the helper after
# dpkg has deleted the app's files; the running process keeps its already-open files until then.
#
# Setting afterRemove replaces electron-builder's own after-remove template, so the launcher link and AppArmor
# profile it would remove are removed here too (app-builder-lib/templates/linux/after-remove.tpl).
#
# electron-builder treats this file as a template: a dollar sign followed by braces around letters only is one of
# its macros, and an unknown one stops the build. So variables here are written $VAR or with an operator inside
# the braces, never as a bare braced name.
#
# Safe to run twice. BM_ROOT (empty on a real system) is put in front of every path the script touches so the
# tests can run it against a fake root.
set -e

BM_INSTALL_DIR='/opt/Backup Manager'
BM_EXECUTABLE=backup-manager
BM_ROOT=${BM_ROOT:-}

BM_GROUP=backup-manager
BM_UNIT=backup-manager-helper.service
BM_WRAPPER_LINK=/usr/bin/backup-manager-helper
BM_UNIT_DIR=/lib/systemd/system
BM_POLKIT_ACTIONS=/usr/share/polkit-1/actions
BM_POLKIT_RULES=/usr/share/polkit-1/rules.d
BM_STATE_DIR=/var/lib/backup-manager

case "$1" in
  remove | purge) ;;
  # An upgrade leaves everything in place: the new version's post-install overwrites the files and restarts a
  # running helper. The abort-* cases follow a failed install whose post-install may not have run at all.
  *) exit 0 ;;
esac

systemd_running=no
if [ -d "$BM_ROOT/run/systemd/system" ]; then systemd_running=yes; fi

if [ "$systemd_running" = yes ] && [ -e "$BM_ROOT$BM_UNIT_DIR/$BM_UNIT" ]; then
  # disable --now stops it too; a helper that is already gone must not fail the removal.
  systemctl disable --now "$BM_UNIT" || true
fi

rm -f "$BM_ROOT$BM_UNIT_DIR/$BM_UNIT" \
  "$BM_ROOT$BM_POLKIT_ACTIONS/org.backupmanager.helper.policy" \
  "$BM_ROOT$BM_POLKIT_RULES/50-backup-manager.rules" \
  "$BM_ROOT$BM_WRAPPER_LINK"

if [ "$systemd_running" = yes ]; then
  systemctl daemon-reload || true
  # Forget a failed state, so `systemctl status` does not report a unit that no longer exists.
  systemctl reset-failed "$BM_UNIT" >/dev/null 2>&1 || true
fi

# --- What electron-builder's after-remove template does -------------------------------------------------------

if command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$BM_EXECUTABLE" "$BM_INSTALL_DIR/$BM_EXECUTABLE" || true
else
  rm -f "$BM_ROOT/usr/bin/$BM_EXECUTABLE"
fi

profile=$BM_ROOT/etc/apparmor.d/$BM_EXECUTABLE
if [ -f "$profile" ]; then
  # Unload before deleting, so the profile is not enforced until the next reboot (not in a chroot).
  if apparmor_status --enabled >/dev/null 2>&1 &&
    ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && command -v apparmor_parser >/dev/null 2>&1; then
    apparmor_parser --remove "$profile" || true
  fi
  rm -f "$profile"
fi

# --- Purge: what only the helper used -------------------------------------------------------------------------

if [ "$1" = purge ]; then
  # The journal, settings and schedules. Backups themselves live in their repositories and are not touched.
  rm -rf "$BM_ROOT$BM_STATE_DIR"
  # Nothing else owns files with this group: the socket's directory is gone with the service.
  if getent group "$BM_GROUP" >/dev/null 2>&1; then
    if command -v groupdel >/dev/null 2>&1; then
      groupdel "$BM_GROUP" || true
    else
      delgroup --system "$BM_GROUP" || true
    fi
  fi
fi
