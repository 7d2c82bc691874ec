# overhead.gp - wrapper overhead against the reference variant, per case:
# bars (Hodges-Lehmann shift, ns per operation) with 95 % CI whiskers.
# call 'overhead.gp' DATA TITLE 'VARIANTS' YLABEL
# DATA: a header line, then one row per case: case then, per variant in
# VARIANTS order, three columns: shift ci_lo ci_hi.
load plotdir.'/style.gp'
ovh_data = ARG1; ovh_vars = ARG3
set title ARG2
set ylabel ARG4
set style data histograms
set style histogram errorbars gap 2 lw 1
set xtics rotate by -30 left
set key top right
set yrange [*:*]
set xzeroaxis lt -1
plot for [i=1:words(ovh_vars)] ovh_data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) lt i title word(ovh_vars, i)
