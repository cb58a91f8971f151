"""The version of the signature policy, apart from the verifier: cache keys need it, and
reading it must not import pyHanko."""

# A stored verdict depends on this: bump it whenever the policy changes.
POLICY_VERSION = 2
