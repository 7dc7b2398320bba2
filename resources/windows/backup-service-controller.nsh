; Registers the Windows service "Backup Service Controller" (the Backup Manager helper) from electron-builder's NSIS
; installer (electron-builder.yml: nsis.include). UNTESTED: written without a Windows machine or makensis; kept to
; plain NSIS 3 and the LogicLib macros electron-builder's own templates use.
;
; Why a service host: a Node process (the app's Electron binary run with ELECTRON_RUN_AS_NODE=1) cannot be
; registered with sc.exe directly, because a service must answer the Service Control Manager, which Node does
; not do; the SCM would kill it after 30 seconds. The service runs WinSW 2.x (https://github.com/winsw/winsw,
; MIT) renamed backup-service-controller.exe, which reads backup-service-controller.xml beside it (id, the app
; executable, ELECTRON_RUN_AS_NODE=1, the helper script and its --socket/--state-dir, restart on failure) and
; starts and stops the helper for the SCM. The WinSW executable is not in the repository: it must be put into
; resources/windows/ before a Windows build; without it the installer installs the app and says the service is
; missing instead of registering a service that cannot start.
;
; Order in electron-builder's installer: customInit (.onInit), the check for running app processes, the previous
; version's uninstaller (with --updated), the files, customInstall. The running helper is an app process under
; the install directory: stopping the service first keeps that check from killing it while WinSW restarts it.

!define BSC_SERVICE "BackupServiceController"
!define BSC_DISPLAY_NAME "Backup Service Controller"
; extraResources copies resources/ to <install dir>\resources\resources.
!define BSC_WRAPPER "$INSTDIR\resources\resources\windows\backup-service-controller.exe"

!macro bscStopService
  Push $0
  ; net stop waits until the service has stopped (sc stop only asks). It fails when the service is not installed
  ; or not running, which is fine here.
  nsExec::ExecToLog '"$SYSDIR\net.exe" stop ${BSC_SERVICE}'
  Pop $0
  Pop $0
!macroend

!macro customInit
  ; If the user then cancels, the service stays stopped until the next boot or until the app starts it.
  !insertmacro bscStopService
!macroend

!macro customInstall
  Push $0
  ${If} ${FileExists} "${BSC_WRAPPER}"
    ; sc query fails (1060) when the service does not exist.
    nsExec::ExecToLog '"$SYSDIR\sc.exe" query ${BSC_SERVICE}'
    Pop $0
    ${If} $0 == 0
      ; Kept by an update (customUnInstall leaves it registered then): point it at this install. Deleting and
      ; creating again could hit "marked for deletion" while the Services console holds it open.
      nsExec::ExecToLog '"$SYSDIR\sc.exe" config ${BSC_SERVICE} binPath= "\"${BSC_WRAPPER}\"" start= auto DisplayName= "${BSC_DISPLAY_NAME}"'
      Pop $0
    ${Else}
      ; The inner quotes matter: an unquoted path with spaces lets Windows try C:\Program.exe first.
      nsExec::ExecToLog '"$SYSDIR\sc.exe" create ${BSC_SERVICE} binPath= "\"${BSC_WRAPPER}\"" start= auto DisplayName= "${BSC_DISPLAY_NAME}"'
      Pop $0
    ${EndIf}
    ${If} $0 == 0
      nsExec::ExecToLog '"$SYSDIR\sc.exe" description ${BSC_SERVICE} "Backup Manager helper: runs backups, snapshots and restores for the Backup Manager app."'
      Pop $0
      ; The SCM restarts the service host if it dies; WinSW's own onfailure restarts the helper when it fails.
      nsExec::ExecToLog '"$SYSDIR\sc.exe" failure ${BSC_SERVICE} reset= 3600 actions= restart/5000/restart/30000/restart/60000'
      Pop $0
      nsExec::ExecToLog '"$SYSDIR\sc.exe" start ${BSC_SERVICE}'
      Pop $0
      ${If} $0 != 0
        DetailPrint "The service ${BSC_DISPLAY_NAME} is registered but did not start (sc.exe exit code $0)."
      ${EndIf}
    ${Else}
      DetailPrint "Could not register the service ${BSC_DISPLAY_NAME} (sc.exe exit code $0)."
      MessageBox MB_OK|MB_ICONEXCLAMATION "Backup Manager is installed, but its service ${BSC_DISPLAY_NAME} could not be registered (sc.exe exit code $0). Backups that need administrator rights will not run." /SD IDOK
    ${EndIf}
  ${Else}
    DetailPrint "Not registering ${BSC_DISPLAY_NAME}: ${BSC_WRAPPER} is missing from this build."
    MessageBox MB_OK|MB_ICONEXCLAMATION "This build of Backup Manager does not contain its service host, so the service ${BSC_DISPLAY_NAME} was not registered. Backups that need administrator rights will not run." /SD IDOK
  ${EndIf}
  Pop $0
!macroend

!macro customUnInit
  ; Before the uninstaller's check for running app processes, for the same reason as customInit.
  !insertmacro bscStopService
!macroend

!macro customUnInstall
  !insertmacro bscStopService
  ; An update runs the old uninstaller with --updated and then the new customInstall, which reconfigures the
  ; existing service. The helper's state (%ProgramData%\Backup Manager) is kept either way, as a deb remove
  ; without purge keeps /var/lib/backup-manager.
  ${IfNot} ${isUpdated}
    Push $0
    nsExec::ExecToLog '"$SYSDIR\sc.exe" delete ${BSC_SERVICE}'
    Pop $0
    Pop $0
  ${EndIf}
!macroend
