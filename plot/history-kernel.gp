# history-kernel.gp - a case's median with its 95 % CI across the runs of
# one platform, by the kernel release each run measured (in version order),
# one set of points per variant, side by side around each release.
# Driver variables (fig_ prefixed): data, title, variants, colors, xlabel, ylabel, xtics
# (a "set xtics (...)" command naming the releases). data: one block per
# variant, columns: release_index median ci_lo ci_hi run_id release.
load plotdir.'/style.gp'
set ylabel fig_ylabel
set xlabel fig_xlabel
eval fig_xtics
set xtics rotate by -30 left
set offsets 0.5, 0.5, graph 0.05, graph 0.05
set key top left
n = words(fig_variants)
plot for [i=1:n] fig_data index (i-1) using ($1 + (i - (n + 1) / 2.0) * 0.1):2:3:4 with yerrorbars lt i lc rgb word(fig_colors, i) title word(fig_variants, i)
