# history.gp - a case's median with its 95 % CI across the runs of one
# platform, by run start time (host clock), one line per variant.
# Driver variables (fig_ prefixed): data, title, variants, colors, xlabel, ylabel. data:
# one block per variant, columns: start_epoch_s median ci_lo ci_hi run_id.
load plotdir.'/style.gp'
set ylabel fig_ylabel
set xlabel fig_xlabel
set xdata time
set timefmt '%s'
set format x "%m-%d\n%H:%M"
set offsets graph 0.04, graph 0.04, graph 0.05, graph 0.05
set key top left
plot for [i=1:words(fig_variants)] fig_data index (i-1) using 1:2:3:4 with yerrorlines lt i lc rgb word(fig_colors, i) title word(fig_variants, i)
