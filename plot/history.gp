# history.gp - a case's median with its 95 % CI across the runs of one
# platform, by run start time, one line per variant.
# call 'history.gp' DATA TITLE 'VARIANTS' YLABEL
# DATA: one block per variant, columns: start_epoch_s median ci_lo ci_hi run_id
load plotdir.'/style.gp'
his_data = ARG1; his_vars = ARG3
set title ARG2
set ylabel ARG4
set xlabel 'run start (UTC)'
set xdata time
set timefmt '%s'
set format x "%m-%d\n%H:%M"
set key top left
plot for [i=1:words(his_vars)] his_data index (i-1) using 1:2:3:4 with yerrorlines lt i title word(his_vars, i)
