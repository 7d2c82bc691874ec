# latency-hist.gp - histogram of one case, one set of impulses per variant.
# call 'latency-hist.gp' DATA TITLE 'VARIANTS' XLABEL SCALE(log|lin)
# DATA: as latency-cdf.gp; plotted: bucket_mid vs fraction of the variant's
# samples in that bucket (log-linear buckets, relative width <= 0.78 %).
load plotdir.'/style.gp'
hist_data = ARG1; hist_vars = ARG3
set title ARG2
stats hist_data using 1 nooutput # before any range is set
set xlabel ARG4
set ylabel 'fraction of samples per bucket'
set yrange [0:*]
# log x only when asked and the data span more than a decade
if (ARG5 eq 'log' && STATS_min > 0 && STATS_max / STATS_min > 10) { set logscale x; set xlabel ARG4.' (log scale)' } else { unset logscale x }
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set key top right
plot for [i=1:words(hist_vars)] hist_data index (i-1) using 3:4 with impulses lt i lw 3 title word(hist_vars, i)
