# Guest job: a suite that fails. The host must report it and exit non-zero.
echo "vfio-pm-bench guest test: failing on purpose"
exit 3
