# completion/: bash completion, installed where bash-completion loads it
# from (configure: --with-bash-completion-dir); tests/t-completion.bash.
bashcomp_DATA = completion/resolver-probe
EXTRA_DIST += completion/resolver-probe
