; Inno Setup script of the Windows installer (Inno Setup 6.3 or later). Built by the release
; workflow (.github/workflows/release.yml) after PyInstaller, from the repository's root:
;
;   iscc /DAppVersion=0.1.0 /DAppVersionNumeric=0.1.0.0 packaging\windows\nexus-desktop.iss
;
; It installs for the current user only (no administrator rights: %LOCALAPPDATA%\Programs),
; with a Start-menu shortcut, an optional desktop shortcut, the app's icon and version, and an
; uninstaller (Settings > Apps). Two programs are installed side by side: "Nexus Desktop.exe"
; (the window, which prints nothing) and nexus-desktop.exe (a console program for validate,
; search, data, notes, quiz and --self-test). The study data in %LOCALAPPDATA%\nexus-desktop is
; the learner's and is left in place by the uninstaller.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z /DAppVersionNumeric=X.Y.Z.0
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric AppVersion + ".0"
#endif
; Paths relative to this script.
#ifndef SourceDir
  #define SourceDir "..\..\build\pyinstaller\nexus-desktop"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\packaging\icons\nexus-desktop.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Nexus Desktop"
#define AppExe "Nexus Desktop.exe"

[Setup]
; The AppId identifies the app to Windows across versions: never change it.
AppId={{358D789C-9993-44B5-820D-09121DA044A0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Nexus Desktop developers
AppCopyright=Copyright (c) 2026 Nexus Desktop developers
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductVersion={#AppVersionNumeric}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} installer
VersionInfoCompany=Nexus Desktop developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile=..\..\LICENSE
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#OutputDir}
OutputBaseFilename=Nexus-Desktop-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Study the Project Nexus knowledge hub offline"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may write bytecode caches beside the bundled modules; they are the app's, not data.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
