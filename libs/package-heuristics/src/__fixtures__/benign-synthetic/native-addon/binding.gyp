{ 'targets': [{ 'target_name': 'crc', 'sources': ['src/crc.cc'], 'include_dirs': ["<!(node -p \"require('node-addon-api').include\")"] }] }
