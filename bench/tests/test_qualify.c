// SPDX-License-Identifier: GPL-2.0
/*
 * test_qualify.c - `qualify` (bench/cmd/qualify.c): spec parsing and its
 * errors, rule evaluation on the fixture run, the certificate and the exit
 * codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glob.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "common.h"
#include "scratch.h"
#include "resultset.h"

#define RUN VPB_FIXTURES "/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"

static char tmpdir[] = "/tmp/vpb-qual-XXXXXX";

static int setup(void **state)
{
	(void)state;
	vpb_quiet = true;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(tmpdir);
}

static const char *spec_file(const char *name, const char *text)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* qualify_parse() of @text, with what it prints on stderr in @err. */
static int parse_stderr(const char *text, char *err, size_t len)
{
	json_t *lines = NULL;
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), STDERR_FILENO);
	ret = qualify_parse(spec_file("e.spec", text), &lines);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(err, 1, len - 1, f);
	err[n] = '\0';
	fclose(f);
	json_decref(lines);
	return ret;
}

/*
 * Found by reading what fuzz_qualify runs: a rule not in UTF-8 made
 * json_pack() fail, the rule's selectors object was freed and then written
 * to (in jansson, which ASan does not see) and an uninitialized reason was
 * printed. A line longer than the buffer was read as two rules.
 */
static void test_parse_bad_text(void **state)
{
	char err[512], line[1100];

	(void)state;
	assert_int_equal(
		parse_stderr("d3cold.exit.p99 <= 1ms\nd3cold.\xff.p99 <= 1ms [variant=a]\n", err,
			     sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "e.spec:2: not UTF-8 text\n"));
	memset(line, ' ', sizeof(line));
	memcpy(line, "d3cold.exit.p99 <= 1ms", 22);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse_stderr(line, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "e.spec:1: line longer than 1022 characters\n"));
	line[1022] = '\n';
	line[1023] = '\0';
	assert_int_equal(parse_stderr(line, err, sizeof(err)), 0);
}

static void test_parse(void **state)
{
	json_t *lines, *r;

	(void)state;
	assert_int_equal(
		qualify_parse(spec_file("ok.spec",
					"# budget\n\n"
					"d3cold.exit.p99 <= 150ms [device=0000:01:00.0]\n"
					"  d3cold.exit.valid >= 29/30   # ratio\n"
					"ioctl.get-info.overhead.percent < 50% variant=v4\n"
					"d3cold.exit.state == D3cold\n"
					"d3cold.exit.entry.p99 <= 30ms\n"
					"d3cold.entry.max <= 30ms\n"
					"clock: native, host\n"
					"ioctl.get-info.overhead.median >= -5ns\n"),
			      &lines),
		0);
	assert_int_equal(json_array_size(lines), 8);
	r = json_array_get(lines, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "line")), 3);
	assert_string_equal(rs_str(r, "suite"), "d3cold");
	assert_string_equal(rs_str(r, "case"), "exit");
	assert_string_equal(rs_str(r, "stat"), "p99");
	assert_true(rs_num(r, "value") == 150e6);
	assert_string_equal(rs_str(json_object_get(r, "selectors"), "device"), "0000:01:00.0");
	r = json_array_get(lines, 1);
	assert_true(fabs(rs_num(r, "value") - 29.0 / 30) < 1e-12);
	r = json_array_get(lines, 2);
	assert_true(json_is_true(json_object_get(r, "overhead")));
	assert_true(rs_num(r, "value") == 50);
	assert_string_equal(rs_str(json_object_get(r, "selectors"), "variant"), "v4");
	assert_string_equal(rs_str(json_array_get(lines, 3), "value"), "D3cold");
	r = json_array_get(lines, 4);
	assert_string_equal(rs_str(r, "case"), "exit");
	assert_string_equal(rs_str(r, "stat"), "entry.p99");
	assert_string_equal(rs_str(r, "unit"), "ns");
	r = json_array_get(lines, 5); /* every case with an entry latency */
	assert_string_equal(rs_str(r, "case"), "*");
	assert_string_equal(rs_str(r, "stat"), "entry.max");
	r = json_array_get(lines, 6);
	assert_string_equal(rs_str(r, "metric"), "clock");
	assert_int_equal(json_array_size(json_object_get(r, "clock")), 2);
	assert_true(rs_num(json_array_get(lines, 7), "value") == -5);
	json_decref(lines);

	/* errors: every one is -EINVAL */
	const char *bad[] = {
		"d3cold.exit.p99\n",			      /* no op, no value */
		"d3cold.exit.p99 =< 150ms\n",		      /* unknown op */
		"d3cold.p99 <= 150ms\n",		      /* no case */
		"d3cold.exit.p98 <= 150ms\n",		      /* unknown stat */
		"d3cold.exit.p99 <= 150\n",		      /* a duration needs a unit */
		"d3cold.exit.state <= D3cold\n",	      /* state takes == or != */
		"d3cold.exit.p99 <= 1ms [bdf=1]\n",	      /* unknown selector */
		"d3cold.exit.valid >= 29/0\n",		      /* ratio */
		"ioctl.get-info.rounds.median <= 1us\n",      /* rounds are of the overhead */
		"ioctl.get-info.overhead.rounds.p <= 0.01\n", /* not a metric */
		"# only comments\n",			      /* no rule */
		"ioctl.nope.median <= 1s\n",		      /* unknown case */
		"d3cld.exit.p99 <= 1ms\n",		      /* unknown suite */
		"d3cold.exit.state == D5\n",		      /* unknown state */
		"d3cold.exit.p99 <= -5ms\n",		      /* a latency is never negative */
		"d3cold.exit.valid >= 31/30\n",		      /* more valid than samples */
		"d3cold.exit.valid >= 2.5\n",		      /* a count */
		"ioctl.get-info.overhead.p <= 2\n",	      /* a p-value is in [0, 1] */
		"ioctl.get-info.entry.p99 <= 1ms\n",	      /* no entry latency there */
		"d3cold.exit.p99 <= 1ms [device=xyz]\n",      /* not a BDF */
		"d3cold.exit.p99 <= 1ms [point=4]\n",	      /* not t<threads> */
		"clock: wall\n",			      /* unknown clock */
		"clock:\n",				      /* no clock */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lines = NULL;
		if (qualify_parse(spec_file("bad.spec", bad[i]), &lines) != -EINVAL) {
			print_error("accepted: %s", bad[i]);
			fail();
		}
		assert_null(lines);
	}
	assert_int_equal(qualify_parse("/nonexistent.spec", &lines), -ENOENT);
}

/* The i-th rule's result list of a qualify_eval() output. */
static json_t *results_of(json_t *q, size_t i)
{
	return json_object_get(json_array_get(json_object_get(q, "rules"), i), "results");
}

static void test_eval_fixture(void **state)
{
	struct rs_run r;
	json_t *lines, *q, *res;

	(void)state;
	assert_int_equal(rs_load(RUN, &r), 0);
	assert_int_equal(
		qualify_parse(spec_file("e.spec",
					"d3cold.exit.max <= 150ms [device=0000:01:00.0] "
					"[variant=upstream]\n"
					"d3cold.exit.valid >= 29/30 [device=0000:01:00.0]\n"
					"d3cold.exit.state == D3cold\n"
					"ioctl.get-info.overhead.median <= 80ns\n"
					"ioctl.get-info.median <= 1s [device=00:03.0]\n"
					"d3cold.exit.p99 <= 150ms [device=01:00.0] [variant=v4]\n"
					"clock: native\n"
					"clock: icount\n"),
			      &lines),
		0);
	assert_int_equal(qualify_eval(&r, lines, &q), 1);
	assert_string_equal(rs_str(q, "verdict"), "FAIL");
	assert_string_equal(rs_str(q, "run_id"), "20261125T014317Z-vm");
	/* rule 1: upstream's max on 01:00.0 is 115577871 ns in summary.json */
	res = results_of(q, 0);
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "115.6ms");
	assert_true(rs_num(json_array_get(res, 0), "value") == 115577871);
	assert_string_equal(rs_str(json_array_get(res, 0), "unit"), "ns");
	assert_true(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	/* rule 2: 20 valid of 20 for each of the three variants */
	res = results_of(q, 1);
	assert_int_equal(json_array_size(res), 3);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "20/20");
	/* rule 3: 00:04.0 reaches D3hot only, so the rule fails there */
	res = results_of(q, 2);
	assert_int_equal(json_array_size(res), 6);
	assert_true(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	assert_string_equal(rs_str(json_array_get(res, 3), "device"), "0000:00:04.0");
	assert_string_equal(rs_str(json_array_get(res, 3), "measured"), "D3hot");
	assert_false(json_is_true(json_object_get(json_array_get(res, 3), "pass")));
	/* rule 4: the reference is not judged; upstream and v4 cost ~152 ns */
	res = results_of(q, 3);
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(rs_str(json_array_get(res, 0), "variant"), "upstream");
	assert_false(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	/* rule 5: nothing matched fails */
	assert_int_equal(json_array_size(results_of(q, 4)), 0);
	assert_false(json_is_true(
		json_object_get(json_array_get(json_object_get(q, "rules"), 4), "pass")));
	/* rule 6: a p99 of 20 samples is not certified */
	res = results_of(q, 5);
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"),
			    "too few samples: a p99 needs 100 or more valid, v4 has 20");
	assert_true(json_is_null(json_object_get(json_array_get(res, 0), "value")));
	assert_false(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	/* rules 7 and 8: the run's clock is icount */
	assert_string_equal(rs_str(q, "clock_label"), "icount");
	assert_non_null(strstr(rs_str(q, "clock_note"), "instruction-time"));
	res = results_of(q, 6);
	assert_string_equal(rs_str(json_array_get(res, 0), "value"), "icount");
	assert_false(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	assert_true(json_is_true(json_object_get(json_array_get(results_of(q, 7), 0), "pass")));
	json_decref(q);
	json_decref(lines);

	assert_int_equal(
		qualify_parse(spec_file("p.spec", "d3cold.exit.p90 <= 150ms\n"
						  "ioctl.get-info.overhead.percent <= 50%\n"),
			      &lines),
		0);
	assert_int_equal(qualify_eval(&r, lines, &q), 0);
	assert_string_equal(rs_str(q, "verdict"), "PASS");
	json_decref(q);
	json_decref(lines);
	rs_free(&r);
}

/*
 * The round-level overhead (vs_reference.<v>.rounds) on a hand-made run:
 * upstream has it, v4 had too few rounds (the runner's why), "old" is from
 * a run before the round-level analysis.
 */
static void test_eval_rounds(void **state)
{
	char dir[300], path[400];
	struct rs_run r;
	json_t *sum, *lines, *q, *res;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rounds", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	sum = json_pack("{s:i, s:[{s:s, s:s, s:s, s:s, s:s, s:{s:{}, s:{}, s:{}, s:{}}, s:{s:{s:f, "
			"s:{s:f}, s:{s:i, "
			"s:f, s:[f, f]}}, s:{s:f, s:{s:i, s:s}}, s:{s:f}}}]}",
			"schema_version", 1, "cases", "suite", "ioctl", "case", "get-info",
			"device", "0000:01:00.0", "point", "", "reference", "no-get", "variants",
			"no-get", "upstream", "v4", "old", "vs_reference", "upstream", "hl_shift",
			148.0, "mann_whitney", "p", 0.001, "rounds", "n", 8, "median_diff", 150.0,
			"ci", 140.0, 160.0, "v4", "hl_shift", 150.0, "rounds", "n", 3, "why",
			"a 95 % signed-rank interval needs 6 or more rounds with both variants",
			"old", "hl_shift", 150.0);
	assert_non_null(sum);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(json_dump_file(sum, path, 0), 0);
	json_decref(sum);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	sum = json_pack("{s:i}", "schema_version", 1);
	assert_int_equal(json_dump_file(sum, path, 0), 0);
	json_decref(sum);
	assert_int_equal(rs_load(dir, &r), 0);
	assert_int_equal(
		qualify_parse(spec_file("r.spec",
					"ioctl.get-info.overhead.rounds.median <= 155ns\n"
					"ioctl.get-info.overhead.rounds.ci_hi <= 155ns\n"
					"ioctl.get-info.overhead.rounds.ci_hi <= 1us [variant=v4]\n"
					"ioctl.get-info.overhead.p < 0.01 [variant=upstream]\n"),
			      &lines),
		0);
	assert_int_equal(qualify_eval(&r, lines, &q), 1);
	/* rule 1: upstream passes; v4's and old's figures are missing, and say why */
	res = results_of(q, 0);
	assert_int_equal(json_array_size(res), 3);
	assert_string_equal(rs_str(json_array_get(res, 0), "variant"), "upstream");
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "150.0ns");
	assert_true(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	assert_string_equal(rs_str(json_array_get(res, 1), "measured"),
			    "no data: 3 rounds; a 95 % signed-rank interval needs 6 or more rounds "
			    "with both variants");
	assert_false(json_is_true(json_object_get(json_array_get(res, 1), "pass")));
	assert_string_equal(rs_str(json_array_get(res, 2), "measured"),
			    "no data: no round-level figure in this run's summary");
	assert_false(json_is_true(json_object_get(json_array_get(res, 2), "pass")));
	/* rule 2: the upper bound of the interval, 160 ns, fails */
	res = results_of(q, 1);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "160.0ns");
	assert_false(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	/* rule 3: v4 alone, nothing to judge: fails */
	res = results_of(q, 2);
	assert_int_equal(json_array_size(res), 1);
	assert_false(json_is_true(
		json_object_get(json_array_get(json_object_get(q, "rules"), 2), "pass")));
	/* rule 4: overhead.p still reads mann_whitney.p */
	res = results_of(q, 3);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "0.001");
	assert_true(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	json_decref(q);
	json_decref(lines);

	assert_int_equal(
		qualify_parse(spec_file("r2.spec", "ioctl.get-info.overhead.rounds.median <= 155ns "
						   "[variant=upstream]\n"
						   "ioctl.get-info.overhead.rounds.ci_hi <= 160ns "
						   "[variant=upstream]\n"),
			      &lines),
		0);
	assert_int_equal(qualify_eval(&r, lines, &q), 0);
	assert_string_equal(rs_str(q, "verdict"), "PASS");
	json_decref(q);
	json_decref(lines);
	rs_free(&r);
}

static int qualify_quiet(int argc, char **argv)
{
	FILE *saved = stdout;
	int ret;

	stdout = fopen("/dev/null", "w");
	ret = cmd_qualify(argc, argv);
	fclose(stdout);
	stdout = saved;
	return ret;
}

/*
 * Entry latency, per case (d3cold.exit.entry.*) or over every case that has
 * one (d3cold.entry.*), on a hand-made summary as the runner writes it.
 */
static void test_eval_entry(void **state)
{
	char dir[300], path[400];
	struct rs_run r;
	json_t *sum, *lines, *q, *res;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/entry", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	sum = json_pack(
		"{s:i, s:[{s:s, s:s, s:s, s:s, s:{s:{s:i, s:i, s:i, s:f, s:{s:i, s:f, s:f, "
		"s:f}}, s:{s:i, s:i, s:i, s:f, s:{s:i, s:f, s:f, s:f}}}}, {s:s, s:s, s:s, s:s, "
		"s:{s:{s:i, s:i, s:n, s:s}}}]}",
		"schema_version", 2, "cases", "suite", "d3cold", "case", "exit", "device",
		"0000:00:03.0", "point", "", "variants", "upstream", "n", 20, "valid", 20, "total",
		20, "median", 12.0e6, "entry", "n", 20, "median", 11.9e6, "p99", 12.1e6, "max",
		12.2e6, "percpu", "n", 20, "valid", 20, "total", 20, "median", 12.0e6, "entry", "n",
		20, "median", 24.4e6, "p99", 24.5e6, "max", 24.6e6, "suite", "d3cold", "case",
		"wakeup", "device", "0000:00:03.0", "point", "", "variants", "upstream", "valid", 0,
		"total", 20, "median", "why", "20 of 20 samples invalid");
	assert_non_null(sum);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(json_dump_file(sum, path, 0), 0);
	json_decref(sum);
	assert_int_equal(rs_load(dir, &r), 0);
	assert_int_equal(json_array_size(r.problems), 1); /* no run.json */
	assert_int_equal(qualify_parse(spec_file("en.spec", "d3cold.entry.max <= 20ms\n"
							    "d3cold.exit.entry.p99 <= 30ms\n"
							    "d3cold.wakeup.median <= 1s\n"),
				       &lines),
			 0);
	assert_int_equal(qualify_eval(&r, lines, &q), 1);
	/* rule 1: every case with an entry latency; percpu enters in 24.6 ms */
	res = results_of(q, 0);
	assert_int_equal(json_array_size(res), 3);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"), "12.20ms");
	assert_true(json_is_true(json_object_get(json_array_get(res, 0), "pass")));
	assert_string_equal(rs_str(json_array_get(res, 1), "variant"), "percpu");
	assert_true(rs_num(json_array_get(res, 1), "value") == 24.6e6);
	assert_false(json_is_true(json_object_get(json_array_get(res, 1), "pass")));
	/* the wakeup case, without valid samples, has no entry figure either */
	assert_string_equal(rs_str(json_array_get(res, 2), "measured"),
			    "no data: 20 of 20 samples invalid");
	/* rule 2: a p99 of 20 entries is not certified */
	res = results_of(q, 1);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"),
			    "too few samples: a p99 needs 100 or more valid, upstream has 20");
	/* rule 3: no number for no data */
	res = results_of(q, 2);
	assert_string_equal(rs_str(json_array_get(res, 0), "measured"),
			    "no data: 20 of 20 samples invalid");
	json_decref(q);
	json_decref(lines);
	rs_free(&r);
}

/* The certificate of @name.spec in @run (its name ends with the spec's hash). */
static int cert_path(const char *run, const char *name, const char *ext, char *out, size_t len)
{
	char pat[400];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "%s/qualify/%s-????????????.%s", run, name, ext);
	if (glob(pat, 0, NULL, &g))
		return 0;
	n = (int)g.gl_pathc;
	snprintf(out, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return n;
}

static void test_cli_certificate(void **state)
{
	char run[300], cert[400], spec[300], *cp[] = {"cp", "-a", RUN, run, NULL};
	struct stat st, st2;
	FILE *f;
	char buf[8192];
	size_t n;

	(void)state;
	snprintf(run, sizeof(run), "%s/run", tmpdir);
	assert_int_equal(run_prog(cp, NULL), 0);
	snprintf(spec, sizeof(spec), "%s", spec_file("c.spec", "d3cold.exit.max <= 150ms\n"));
	char *pass[] = {"qualify", "--spec", spec, run, NULL};
	assert_int_equal(qualify_quiet(4, pass), VPB_EXIT_OK);
	assert_int_equal(cert_path(run, "c", "md", cert, sizeof(cert)), 1);
	f = fopen(cert, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "qualification: PASS"));
	assert_non_null(strstr(buf, "| run | 20261125T014317Z-vm |"));
	assert_non_null(strstr(buf, "| clock | icount: instruction-time"));
	assert_non_null(strstr(buf, "| cpu.model | QEMU Virtual CPU version 2.5+ |"));
	assert_int_equal(cert_path(run, "c", "html", cert, sizeof(cert)), 1);
	assert_int_equal(cert_path(run, "c", "json", cert, sizeof(cert)), 1);
	assert_int_equal(stat(cert, &st), 0);
	/* the same spec again: the certificate is kept, never overwritten */
	sleep(1);
	assert_int_equal(qualify_quiet(4, pass), VPB_EXIT_OK);
	assert_int_equal(stat(cert, &st2), 0);
	assert_true(st.st_mtime == st2.st_mtime && st.st_ino == st2.st_ino);

	/* another spec: a certificate of its own */
	snprintf(spec, sizeof(spec), "%s", spec_file("f.spec", "d3cold.exit.max <= 1ms\n"));
	assert_int_equal(qualify_quiet(4, pass), VPB_EXIT_FAIL);
	assert_int_equal(cert_path(run, "f", "json", cert, sizeof(cert)), 1);
	assert_int_equal(cert_path(run, "c", "json", cert, sizeof(cert)), 1);
	snprintf(spec, sizeof(spec), "%s", spec_file("x.spec", "d3cold.exit.p99\n"));
	assert_int_equal(qualify_quiet(4, pass), VPB_EXIT_USAGE);
	char *nospec[] = {"qualify", run, NULL};
	assert_int_equal(qualify_quiet(2, nospec), VPB_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_parse_bad_text),
		cmocka_unit_test(test_eval_fixture), cmocka_unit_test(test_eval_rounds),
		cmocka_unit_test(test_eval_entry),   cmocka_unit_test(test_cli_certificate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
