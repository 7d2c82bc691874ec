// SPDX-License-Identifier: GPL-2.0
/*
 * scratch.h - what the unit tests that work on files share: running a
 * program (cp, rm, gnuplot) and removing their scratch directory.
 */
#ifndef VPB_TESTS_SCRATCH_H
#define VPB_TESTS_SCRATCH_H

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run @argv; with @out, its stdout goes there and its stderr is dropped. Its exit code. */
static inline int run_prog(char *const argv[], const char *out)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			int null = open("/dev/null", O_WRONLY);

			if (fd < 0 || null < 0)
				_exit(126);
			dup2(fd, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Remove @dir and everything below it. */
static inline int scratch_remove(const char *dir)
{
	char *argv[] = {"rm", "-rf", (char *)dir, NULL};

	return run_prog(argv, NULL);
}

#endif
