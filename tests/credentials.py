"""The password test users share: long and uncommon enough for the password policy (zxcvbn score 4)."""

PASSWORD = "correct horse battery"
