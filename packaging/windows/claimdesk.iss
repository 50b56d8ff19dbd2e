; Inno Setup script: the Windows installer for Claimdesk.
;
; Build on Windows after `make dist` (which leaves the one-folder app in dist\claimdesk and the
; version from pyproject.toml in dist\version.iss):
;     iscc packaging\windows\claimdesk.iss
; or name the version yourself (it must be the one the program reports with --version):
;     iscc /DAppVersion=0.1.0 packaging\windows\claimdesk.iss
; Writes dist\installer\Claimdesk-Setup-<version>.exe. Installs for the current user (no admin
; rights needed), adds a Start menu entry, registers .claimdesk, .claimdesk-exercise and
; .claimdesk-submission with their icons, and removes all of it on uninstall.
; This project's CI runs on Linux: there this script is only checked for its syntax and for
; every file it names (tests/packaging/test_windows_installer.py), never compiled.

#ifndef AppVersion
#include "..\..\dist\version.iss"
#endif
#define AppName "Claimdesk"
#define AppExe "claimdesk.exe"
#define Root "..\.."

[Setup]
AppId={{6F4E2A1C-4B1D-4C55-9C1E-3D2B7A9F0C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Claimdesk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#Root}\dist\installer
OutputBaseFilename=Claimdesk-Setup-{#AppVersion}
SetupIconFile={#Root}\resources\icons\claimdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
ChangesAssociations=yes
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\claimdesk\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Root}\dist\claimdesk\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Root}\resources\icons\claimdesk-project.ico"; DestDir: "{app}\icons"; Flags: ignoreversion
Source: "{#Root}\resources\icons\claimdesk-exercise.ico"; DestDir: "{app}\icons"; Flags: ignoreversion
Source: "{#Root}\resources\icons\claimdesk-submission.ico"; DestDir: "{app}\icons"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; One ProgID per file type, each with its own icon; "%1" is the double-clicked file.
Root: HKA; Subkey: "Software\Classes\.claimdesk"; ValueType: string; ValueName: ""; ValueData: "Claimdesk.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Claimdesk.Project"; ValueType: string; ValueName: ""; ValueData: "Claimdesk project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Claimdesk.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\icons\claimdesk-project.ico"
Root: HKA; Subkey: "Software\Classes\Claimdesk.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.claimdesk-exercise"; ValueType: string; ValueName: ""; ValueData: "Claimdesk.Exercise"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Claimdesk.Exercise"; ValueType: string; ValueName: ""; ValueData: "Claimdesk exercise"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Claimdesk.Exercise\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\icons\claimdesk-exercise.ico"
Root: HKA; Subkey: "Software\Classes\Claimdesk.Exercise\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.claimdesk-submission"; ValueType: string; ValueName: ""; ValueData: "Claimdesk.Submission"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Claimdesk.Submission"; ValueType: string; ValueName: ""; ValueData: "Claimdesk submission"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Claimdesk.Submission\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\icons\claimdesk-submission.ico"
Root: HKA; Subkey: "Software\Classes\Claimdesk.Submission\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".claimdesk"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".claimdesk-exercise"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".claimdesk-submission"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
