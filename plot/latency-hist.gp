# latency-hist.gp - histogram of one case, one set of impulses per variant.
# Driver variables (fig_ prefixed): as latency-cdf.gp; plotted: bucket_mid vs the fraction
# of the variant's samples in that bucket (log-linear buckets, relative
# width <= 0.78 %).
load plotdir.'/style.gp'
stats fig_data using 1 nooutput # before any range is set
set xlabel fig_xlabel
set ylabel fig_ylabel
set yrange [0:*]
# log x only when asked and the data span more than a decade
if (fig_scale eq 'log' && STATS_min > 0 && STATS_max / STATS_min > 10) { set logscale x; set xlabel fig_xlabel.' (log scale)' } else { unset logscale x }
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set key top right
plot for [i=1:words(fig_variants)] fig_data index (i-1) using 3:4 with impulses lt i lw 3 lc rgb word(fig_colors, i) title word(fig_variants, i)
