# Guest job (sourced by the guest's /share/job.sh): every variant's modules
# load, the device binds, /sys/module/vfio/version names the variant and the
# variant's own semantics show (vfio-pm-bench check). Runs on the e1000e on
# the root bus, which has ACPI power resources.
rc=0
for dir in /lib/vfio-variants/*; do
	v=${dir##*/}
	vfio-pm-bench check --device 0000:00:03.0 --iommu noiommu --variant "$v=$dir" || rc=1
done
exit $rc
