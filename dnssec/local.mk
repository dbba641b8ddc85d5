# dnssec/: ground truth with libunbound, DANE/TLSA checks.
libprobe_a_SOURCES += dnssec/cmd_truth.c dnssec/cmd_dane.c
