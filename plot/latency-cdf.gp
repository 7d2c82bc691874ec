# latency-cdf.gp - distribution function of one case, one line per variant.
# call 'latency-cdf.gp' DATA TITLE 'VARIANTS' XLABEL SCALE(log|lin)
# DATA: one block per variant (in VARIANTS order, separated by two blank
# lines), columns: bucket_hi cdf bucket_mid fraction (x in the unit of XLABEL).
load plotdir.'/style.gp'
cdf_data = ARG1; cdf_vars = ARG3
set title ARG2
stats cdf_data using 1 nooutput # before any range is set
set xlabel ARG4
set ylabel 'fraction of samples <= x'
set yrange [0:1.02]
# log x only when asked and the data span more than a decade
if (ARG5 eq 'log' && STATS_min > 0 && STATS_max / STATS_min > 10) { set logscale x; set xlabel ARG4.' (log scale)' } else { unset logscale x }
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set key bottom right
plot for [i=1:words(cdf_vars)] cdf_data index (i-1) using 1:2 with steps lt i title word(cdf_vars, i)
