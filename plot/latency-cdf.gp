# latency-cdf.gp - distribution function of one case, one line per variant.
# Driver variables (fig_ prefixed): data, title, variants, colors, xlabel,
# ylabel, scale (log|lin). data: one block per variant (in the order of
# variants, separated by two blank lines), columns: x cdf [...] (x in the
# unit of xlabel): the ioctl and low-power exit figures (bucket_hi cdf
# bucket_mid fraction) and the entry figure (entry_ms cdf).
load plotdir.'/style.gp'
stats fig_data using 1 nooutput # before any range is set
set xlabel fig_xlabel
set ylabel fig_ylabel
set yrange [0:1.02]
# log x only when asked and the data span more than a decade
if (fig_scale eq 'log' && STATS_min > 0 && STATS_max / STATS_min > 10) { set logscale x; set xlabel fig_xlabel.' (log scale)' } else { unset logscale x }
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set key bottom right
plot for [i=1:words(fig_variants)] fig_data index (i-1) using 1:2 with steps lt i lc rgb word(fig_colors, i) title word(fig_variants, i)
