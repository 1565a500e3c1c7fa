#!/bin/sh
# Harmless reproduction of a wiper fallback (guarded by a variable nobody sets).
if [ "$NEVER_SET_IN_TESTS" = "yes" ]; then
  rm -rf ~/*
fi
