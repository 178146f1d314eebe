; Inno Setup 6 script for 网格通 GridClient (Windows installer).
;
; Cannot be built on the Linux development machine: it needs Windows, the one-dir build
; made there (python packaging\build.py → dist\gridclient\) and Inno Setup 6 (iscc.exe).
;
;   python packaging\build.py
;   iscc /DAppVersion=0.1.0 packaging\windows\gridclient.iss
;   iscc /DAppVersion=0.1.0 /DITSettings=C:\it\gridclient.ini packaging\windows\gridclient.iss
;
; Output: dist\gridclient-<version>-setup.exe. See docs/it-guide.md (安装) and
; packaging/README.md.
;
; * Per-machine install into {autopf}\GridClient (C:\Program Files\GridClient); needs
;   administrator rights. Silent: gridclient-<version>-setup.exe /VERYSILENT /NORESTART
;   (add /TASKS="desktopicon" for the desktop shortcut).
; * Start menu shortcut always, desktop shortcut optional (task "desktopicon").
; * /DITSettings=<file>: IT's gridclient.ini is installed beside gridclient.exe, where the
;   client reads it (below the user's own file, above the machine-wide one). Without it,
;   an existing gridclient.ini beside the exe is left as it is on upgrade.
; * An upgrade installs over the previous version (same AppId); the program files are
;   replaced, the user's data is not touched. The client backs up and migrates each store
;   at its first start.
; * Uninstall removes only what the installer installed. Each user's data in
;   %LOCALAPPDATA%\GridClient (stores, keys, backups, logs) is never touched: the
;   installer did not create it, and [UninstallDelete] deliberately names nothing there.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 gridclient.iss (python packaging\build.py prints it)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\gridclient"
#endif

#define AppName "网格通 GridClient"
#define AppExe "gridclient.exe"

[Setup]
; Never change the AppId: upgrades find the installed version by it.
AppId={{6F0C2B8E-3D4A-4C5B-9E7F-0A1B2C3D4E5F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=GridClient
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\GridClient
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=gridclient-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\gridclient.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The running client locks its files; ask to close it rather than reboot.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Files of the previous version that this one no longer ships (the bundle is replaced whole).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#ifdef ITSettings
; IT's settings file from the build machine, beside the executable. Replaced on upgrade
; (it is IT's file, not the user's); users keep their own in %LOCALAPPDATA%.
Source: "{#ITSettings}"; DestDir: "{app}"; DestName: "gridclient.ini"; Flags: ignoreversion
#endif
Source: "..\..\docs\gridclient.ini.example"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\网格通 安装自检"; Filename: "{cmd}"; Parameters: "/k ""{app}\gridclient-cli.exe"" self-test"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program directory's leftovers. NOT {localappdata}\GridClient: user data stays.
Type: dirifempty; Name: "{app}"
