; Inno Setup 6 script for 网格通 GridClient (Windows installer).
;
; Cannot be built on the Linux development machine: it needs Windows, the one-dir build
; made there (python packaging\build.py → dist\gridclient\) and Inno Setup 6 (iscc.exe).
;
;   python packaging\build.py
;   iscc packaging\windows\gridclient.iss
;   iscc /DITSettings=C:\it\gridclient.ini packaging\windows\gridclient.iss
;   iscc /DSign "/Sgridsign=signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /f C:\it\code.pfx $f" packaging\windows\gridclient.iss
;
; build.py prints the exact iscc line (with /DSign when GRIDCLIENT_SIGN_CERT is set).
; Output: dist\gridclient-<version>-setup.exe. See docs/it-guide.md (安装) and
; packaging/README.md.
;
; * The version is read from gridclient.exe's version resource, which build.py writes
;   from gridclient.__version__ (the one version source); /DAppVersion=… overrides it.
; * Windows 10 1809 (10.0.17763) or later, 64-bit: Qt 6 does not run on older systems,
;   so Setup refuses them instead of installing something that cannot start.
; * Per-machine install into {autopf}\GridClient (C:\Program Files\GridClient); needs
;   administrator rights. Silent (docs/it-guide.md lists exit codes and the detection
;   rule): gridclient-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;   /LOG="C:\Windows\Temp\gridclient-setup.log" [/SETTINGS="\\server\it\gridclient.ini"]
;   [/TASKS="desktopicon"].
; * /SETTINGS=<file> at install time: IT's settings file is copied to the machine-wide
;   location (C:\ProgramData\GridClient\gridclient.ini, where [policy] is honoured). A
;   /SETTINGS file that does not exist stops Setup (exit code 1) before anything changes.
; * /DITSettings=<file> at build time: IT's gridclient.ini is installed beside
;   gridclient.exe, where the client reads it (below the user's own file, above the
;   machine-wide one). Without it, an existing gridclient.ini beside the exe is left as
;   it is on upgrade.
; * /DSign with an iscc /Sgridsign=… sign tool: Setup and the uninstaller are signed
;   (build.py signs gridclient.exe and gridclient-cli.exe before).
; * Start menu shortcut always, desktop shortcut optional (task "desktopicon").
; * An upgrade installs over the previous version (same AppId); the program files are
;   replaced, the user's data is not touched. The client backs up and migrates each store
;   at its first start.
; * Uninstall removes only what the installer installed. Each user's data in
;   %LOCALAPPDATA%\GridClient (stores, keys, backups, logs) and the machine-wide settings
;   file are never touched: [UninstallDelete] deliberately names nothing there.

#ifndef SourceDir
  #define SourceDir "..\..\dist\gridclient"
#endif

#define AppExe "gridclient.exe"
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(AddBackslash(SourcePath) + SourceDir + "\" + AppExe, "ProductVersion")
#endif
#if AppVersion == ""
  #error No version: build dist\gridclient with packaging\build.py first (or pass /DAppVersion=…)
#endif

#define AppName "网格通 GridClient"

[Setup]
; Never change the AppId: upgrades find the installed version by it.
AppId={{6F0C2B8E-3D4A-4C5B-9E7F-0A1B2C3D4E5F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=GridClient
VersionInfoVersion={#AppVersion}
AppPublisherURL=https://grid.example.gov.cn
AppComments=网格员离线采集与同步客户端
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\GridClient
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
; Windows 10 1809 / Server 2019 or later (Qt 6).
MinVersion=10.0.17763
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
SetupLogging=yes
#ifdef Sign
SignTool=gridsign
SignedUninstaller=yes
#endif

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
; /SETTINGS=<file> at install time: the machine-wide settings file (checked in InitializeSetup).
; IT's policy outlives the program: uninstalling leaves it (uninsneveruninstall), as the IT
; guide (卸载) says; otherwise Setup's uninstaller removes every file it installed.
Source: "{param:SETTINGS}"; DestDir: "{commonappdata}\GridClient"; DestName: "gridclient.ini"; Flags: external ignoreversion uninsneveruninstall; Check: SettingsGiven

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

[Code]
function SettingsGiven(): Boolean;
begin
  Result := ExpandConstant('{param:SETTINGS}') <> '';
end;

function InitializeSetup(): Boolean;
var
  Settings: String;
begin
  Result := True;
  Settings := ExpandConstant('{param:SETTINGS}');
  if (Settings <> '') and not FileExists(Settings) then
  begin
    Log('settings file given with /SETTINGS not found: ' + Settings);
    SuppressibleMsgBox('找不到 /SETTINGS 指定的设置文件：' + Settings, mbCriticalError, MB_OK, IDOK);
    Result := False;  { Setup exits with code 1; nothing was changed }
  end;
end;
