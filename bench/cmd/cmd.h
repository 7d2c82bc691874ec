/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - the commands of vfio-pm-bench, one table in main.c.
 * Each takes argc/argv starting at the command name and returns an exit
 * code (enum vpb_exit).
 */
#ifndef VPB_CMD_H
#define VPB_CMD_H

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_platform(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_qualify(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_stress(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_summarize(int argc, char **argv);

/**
 * cmd_join_argv() - the command line as one string, for run.json.
 * Return: a malloc'ed string.
 */
char *cmd_join_argv(int argc, char **argv);

#endif
