# Guest job: a guest that never powers off. The host must time out, print
# the console's tail and exit non-zero.
echo "vfio-pm-bench guest test: spinning on purpose"
while :; do :; done
