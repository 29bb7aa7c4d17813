# Stand-in for edx-platform openedx/ at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform; package marker).
