# Stand-in for edx-platform openedx/envs/ at commit 0012533516d08010c876256ef79c33ca166783c5
# (openedx/openedx-platform; package marker).
