"""The git server's side: its own settings, who pushes, governance proofs, the push log, the hook.

Everything here judges a push with what the server already holds — its git configuration and
the protected branch's tip before the push — never with what the push itself says.
"""
