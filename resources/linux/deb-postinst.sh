#!/bin/sh
# The deb's post-install (electron-builder.yml: deb.afterInstall). dpkg runs it as root with
# `configure <previously configured version>`; the version is empty on a first install.
#
# Setting afterInstall replaces electron-builder's own after-install template, so the first part repeats what that
# template does (app-builder-lib/templates/linux/after-install.tpl); the second installs the helper service.
#
# electron-builder treats this file as a template: a dollar sign followed by braces around letters only is one of
# its macros, and an unknown one stops the build. So variables here are written $VAR or with an operator inside
# the braces, never as a bare braced name.
#
# Safe to run twice: every step checks or overwrites. BM_ROOT (empty on a real install) is put in front of every
# path the script touches so the tests can run it against a fake root.
set -e

BM_INSTALL_DIR='/opt/Backup Manager'
BM_EXECUTABLE=backup-manager
BM_ROOT=${BM_ROOT:-}

BM_GROUP=backup-manager
BM_UNIT=backup-manager-helper.service
BM_ASSETS=$BM_INSTALL_DIR/resources/resources/linux
BM_WRAPPER_LINK=/usr/bin/backup-manager-helper
BM_UNIT_DIR=/lib/systemd/system
BM_POLKIT_ACTIONS=/usr/share/polkit-1/actions
BM_POLKIT_RULES=/usr/share/polkit-1/rules.d

# --- What electron-builder's after-install template does -----------------------------------------------------

launcher=/usr/bin/$BM_EXECUTABLE
if command -v update-alternatives >/dev/null 2>&1; then
  # A link from before update-alternatives was used would block the alternative.
  if [ -L "$BM_ROOT$launcher" ] && [ -e "$BM_ROOT$launcher" ] &&
    [ "$(readlink "$BM_ROOT$launcher")" != "/etc/alternatives/$BM_EXECUTABLE" ]; then
    rm -f "$BM_ROOT$launcher"
  fi
  update-alternatives --install "$launcher" "$BM_EXECUTABLE" "$BM_INSTALL_DIR/$BM_EXECUTABLE" 100 ||
    ln -sf "$BM_INSTALL_DIR/$BM_EXECUTABLE" "$BM_ROOT$launcher"
else
  mkdir -p "$BM_ROOT/usr/bin"
  ln -sf "$BM_INSTALL_DIR/$BM_EXECUTABLE" "$BM_ROOT$launcher"
fi

# Chromium's sandbox needs the SUID helper only where unprivileged user namespaces do not work.
if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
  chmod 0755 "$BM_ROOT$BM_INSTALL_DIR/chrome-sandbox" || true
else
  chmod 4755 "$BM_ROOT$BM_INSTALL_DIR/chrome-sandbox" || true
fi

if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database "$BM_ROOT/usr/share/mime" || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database "$BM_ROOT/usr/share/applications" || true
fi

# The AppArmor profile electron-builder puts into resources/ (Ubuntu 24+ needs it for the sandbox's user
# namespaces); skipped where the running AppArmor cannot parse it (Ubuntu 22.04).
if apparmor_status --enabled >/dev/null 2>&1; then
  profile_source=$BM_ROOT$BM_INSTALL_DIR/resources/apparmor-profile
  profile_target=$BM_ROOT/etc/apparmor.d/$BM_EXECUTABLE
  if apparmor_parser --skip-kernel-load --debug "$profile_source" >/dev/null 2>&1; then
    cp -f "$profile_source" "$profile_target"
    # Loading a profile means nothing in a chroot (image builds).
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
      apparmor_parser --replace --write-cache --skip-read-cache "$profile_target" || true
    fi
  else
    echo "Skipping the AppArmor profile: this AppArmor does not support it."
  fi
fi

# --- The helper service ---------------------------------------------------------------------------------------

# Members of this group may use the helper's socket and start it (50-backup-manager.rules).
if ! getent group "$BM_GROUP" >/dev/null 2>&1; then
  if command -v groupadd >/dev/null 2>&1; then
    groupadd --system "$BM_GROUP"
  else
    addgroup --system "$BM_GROUP"
  fi
fi

# The user who ran the install (sudo apt install, or a pkexec-based installer) gets the group straight away;
# others are added by an administrator (see the README).
installing_user=
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  installing_user=$SUDO_USER
elif [ -n "${PKEXEC_UID:-}" ] && [ "$PKEXEC_UID" != 0 ]; then
  installing_user=$(getent passwd "$PKEXEC_UID" | cut -d: -f1) || installing_user=
fi
if [ -n "$installing_user" ] && getent passwd "$installing_user" >/dev/null 2>&1; then
  members=$(getent group "$BM_GROUP" | cut -d: -f4)
  case ",$members," in
    *",$installing_user,"*) ;;
    *)
      usermod -a -G "$BM_GROUP" "$installing_user"
      echo "Added $installing_user to the group $BM_GROUP: log out and back in for it to take effect."
      ;;
  esac
fi

# The wrapper may have lost its executable bit on the way through the packager.
chmod 0755 "$BM_ROOT$BM_ASSETS/backup-manager-helper"
mkdir -p "$BM_ROOT/usr/bin"
rm -f "$BM_ROOT$BM_WRAPPER_LINK"
ln -s "$BM_ASSETS/backup-manager-helper" "$BM_ROOT$BM_WRAPPER_LINK"

# Whether the unit was there before tells a first install (or one after a remove) from an upgrade, better than
# $2: after `apt remove` the package keeps its old version although the unit is gone.
if [ -e "$BM_ROOT$BM_UNIT_DIR/$BM_UNIT" ]; then first_install=no; else first_install=yes; fi
mkdir -p "$BM_ROOT$BM_UNIT_DIR" "$BM_ROOT$BM_POLKIT_ACTIONS" "$BM_ROOT$BM_POLKIT_RULES"
cp -f "$BM_ROOT$BM_ASSETS/$BM_UNIT" "$BM_ROOT$BM_UNIT_DIR/$BM_UNIT"
cp -f "$BM_ROOT$BM_ASSETS/org.backupmanager.helper.policy" "$BM_ROOT$BM_POLKIT_ACTIONS/org.backupmanager.helper.policy"
cp -f "$BM_ROOT$BM_ASSETS/50-backup-manager.rules" "$BM_ROOT$BM_POLKIT_RULES/50-backup-manager.rules"
chmod 0644 "$BM_ROOT$BM_UNIT_DIR/$BM_UNIT" "$BM_ROOT$BM_POLKIT_ACTIONS/org.backupmanager.helper.policy" \
  "$BM_ROOT$BM_POLKIT_RULES/50-backup-manager.rules"

if [ -d "$BM_ROOT/run/systemd/system" ]; then
  systemctl daemon-reload || true
  if [ "$first_install" = yes ]; then
    # A helper that fails to start must not leave the package half-configured: the app reports it and offers
    # "Start the helper".
    systemctl enable --now "$BM_UNIT" ||
      echo "The Backup Manager helper did not start: see systemctl status $BM_UNIT" >&2
  else
    # An upgrade keeps the administrator's enable/disable choice and restarts a running helper on the new code.
    systemctl try-restart "$BM_UNIT" || true
  fi
else
  echo "systemd is not running: start the Backup Manager helper with"
  echo "  systemctl enable --now $BM_UNIT   (once systemd runs), or by hand:"
  echo "  $BM_WRAPPER_LINK --socket /run/backup-manager/helper.sock --state-dir /var/lib/backup-manager"
fi
