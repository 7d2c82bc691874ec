// SPDX-License-Identifier: GPL-2.0
/*
 * profile: a profiled run's counts (vm --profile; plugin/vpb-profile.c) by
 * function, per case and variant: instructions, locked read-modify-writes
 * and stores per operation, reconciled with the run's icount figures; with
 * --compare A,B the difference of two variants by function.
 */
#include "cmd.h"
#include "common.h"
#include "results.h"
#include "strbuf.h"
#include "symmap.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROLE_NULL, ROLE_OP, ROLE_CONTROL, NROLES };
static const char *const role_names[NROLES] = {"null", "op", "control"};

struct line {
	uint64_t addr, count, stores;
	int locked;
};

struct group {
	uint64_t total, locked, stores, windows;
	int overflow;
	struct line *l;
	size_t n;
};

struct pseg {
	unsigned int seg;
	int role;
	uint64_t windows;
	struct group *g;
	size_t ng;
};

struct plugin_out {
	struct pseg *s;
	size_t n;
};

static void plugin_free(struct plugin_out *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->s[i].ng; k++)
			free(p->s[i].g[k].l);
		free(p->s[i].g);
	}
	free(p->s);
}

/* @path, or @path.xz through xz -dc (vm.sh stores the counts compressed). */
static FILE *open_maybe_xz(const char *path, bool *piped)
{
	struct strbuf cmd = STRBUF_INIT;
	FILE *f = fopen(path, "r");

	*piped = false;
	if (f || errno != ENOENT)
		return f;
	sb_printf(&cmd, "%s.xz", path);
	if (access(sb_str(&cmd), R_OK))
		goto out;
	sb_reset(&cmd);
	sb_puts(&cmd, "exec xz -dc -- '");
	for (const char *c = path; *c; c++)
		if (*c == '\'')
			sb_puts(&cmd, "'\\''");
		else
			sb_printf(&cmd, "%c", *c);
	sb_puts(&cmd, ".xz' 2>/dev/null");
	f = popen(sb_str(&cmd), "r");
	*piped = f != NULL;
out:
	sb_release(&cmd);
	errno = f ? 0 : ENOENT;
	return f;
}

static int plugin_load(struct plugin_out *p, const char *path, char *why, size_t len)
{
	char line[256], role[16];
	unsigned int lineno = 1;
	bool piped;
	FILE *f = open_maybe_xz(path, &piped);
	struct pseg *cur = NULL;
	struct group *g = NULL;

	if (!f) {
		snprintf(why, len, "%s(.xz): %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f) || strcmp(line, "vpb-profile 1\n")) {
		snprintf(why, len, "%s: not a vpb-profile 1 file", path);
		goto bad_noline;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int seg;
		uint64_t a, b, c, d;
		int e;

		lineno++;
		if (sscanf(line, "segment %u role %15s windows %" SCNu64, &seg, role, &a) == 3) {
			struct pseg *n = realloc(p->s, (p->n + 1) * sizeof(*n));
			int r;

			for (r = 0; r < NROLES && strcmp(role, role_names[r]); r++)
				;
			if (!n || r == NROLES)
				goto bad;
			p->s = n;
			cur = &n[p->n++];
			memset(cur, 0, sizeof(*cur));
			cur->seg = seg;
			cur->role = r;
			cur->windows = a;
			g = NULL;
		} else if (sscanf(line, "group %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %d",
				  &a, &b, &c, &d, &e) == 5 &&
			   cur) {
			struct group *n = realloc(cur->g, (cur->ng + 1) * sizeof(*n));

			if (!n)
				goto bad;
			cur->g = n;
			g = &n[cur->ng++];
			memset(g, 0, sizeof(*g));
			*g = (struct group){
				.total = a, .locked = b, .stores = c, .windows = d, .overflow = e};
		} else if (sscanf(line, "%" SCNx64 " %" SCNu64 " %" SCNu64 " %d", &a, &b, &c, &e) ==
				   4 &&
			   g) {
			if (!(g->n & (g->n + 1)) || !g->l) {
				struct line *n = realloc(g->l, (g->n + 1) * 2 * sizeof(*n));

				if (!n)
					goto bad;
				g->l = n;
			}
			g->l[g->n++] = (struct line){a, b, c, e};
		} else {
			goto bad;
		}
	}
	if (piped ? pclose(f) : fclose(f)) {
		snprintf(why, len, "%s.xz: xz -dc failed", path);
		return -1;
	}
	return 0;
bad:
	snprintf(why, len, "%s:%u: not a line of the plugin's output", path, lineno);
bad_noline:
	if (piped)
		pclose(f);
	else
		fclose(f);
	return -1;
}

static const struct pseg *find_seg(const struct plugin_out *p, unsigned int seg, int role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].seg == seg && p->s[i].role == role)
			return &p->s[i];
	return NULL;
}

/* The group most windows ran (the path without interrupts); ties: fewest instructions. */
static const struct group *main_group(const struct pseg *s)
{
	const struct group *best = NULL;

	for (size_t k = 0; s && k < s->ng; k++) {
		const struct group *g = &s->g[k];

		if (g->overflow)
			continue;
		if (!best || g->windows > best->windows ||
		    (g->windows == best->windows && g->total < best->total))
			best = g;
	}
	return best;
}

/* Per function, per operation: instructions, locked, stores (a JSON array, largest first). */
static json_t *by_function(const struct group *g, const struct symmap *m, double per)
{
	json_t *acc = json_object(), *arr = json_array();
	const char *name;
	json_t *v;
	char buf[400];

	for (size_t i = 0; i < g->n; i++) {
		const struct line *l = &g->l[i];
		json_t *f;

		symmap_name(m, l->addr, buf, sizeof(buf));
		f = json_object_get(acc, buf);
		if (!f) {
			f = json_pack("{s:I, s:I, s:I}", "i", 0, "l", 0, "s", 0);
			json_object_set_new(acc, buf, f);
		}
		json_object_set_new(f, "i",
				    json_integer(json_integer_value(json_object_get(f, "i")) +
						 (json_int_t)l->count));
		json_object_set_new(f, "l",
				    json_integer(json_integer_value(json_object_get(f, "l")) +
						 (l->locked ? (json_int_t)l->count : 0)));
		json_object_set_new(f, "s",
				    json_integer(json_integer_value(json_object_get(f, "s")) +
						 (json_int_t)l->stores));
	}
	json_object_foreach(acc, name, v) {
		json_array_append_new(
			arr, json_pack("{s:s, s:f, s:f, s:f}", "function", name, "instructions",
				       json_integer_value(json_object_get(v, "i")) / per, "locked",
				       json_integer_value(json_object_get(v, "l")) / per, "stores",
				       json_integer_value(json_object_get(v, "s")) / per));
	}
	json_decref(acc);
	/* largest first, then by name: the same order every time */
	for (size_t i = 1; i < json_array_size(arr); i++)
		for (size_t j = i; j > 0; j--) {
			json_t *a = json_array_get(arr, j - 1), *b = json_array_get(arr, j);
			double ia = json_real_value(json_object_get(a, "instructions"));
			double ib = json_real_value(json_object_get(b, "instructions"));

			if (ia > ib ||
			    (ia == ib &&
			     strcmp(json_string_value(json_object_get(a, "function")),
				    json_string_value(json_object_get(b, "function"))) <= 0))
				break;
			json_incref(a);
			json_array_set(arr, j - 1, b);
			json_array_set_new(arr, j, a);
		}
	return arr;
}

/*
 * One role of a segment: per operation, by function. A loop case: the path
 * most windows ran, the other windows listed apart. A cycle case (@all):
 * every window, each a different path (the resume, whatever else ran).
 */
static json_t *role_json(const struct pseg *s, const struct symmap *m, unsigned int batch, bool all)
{
	const struct group *g = main_group(s);
	struct group merged = {0};
	json_t *other = json_array(), *ret;
	double per;

	if (!g) {
		json_decref(other);
		return json_null();
	}
	for (size_t k = 0; all && k < s->ng; k++) {
		const struct group *x = &s->g[k];

		merged.windows += x->windows;
		merged.total += x->overflow ? x->total : x->total * x->windows;
		merged.locked += x->locked;
		merged.stores += x->stores;
		merged.n += x->n;
	}
	if (all) {
		merged.l = malloc(merged.n * sizeof(*merged.l) + 1);
		if (!merged.l)
			abort(); /* as strbuf: a profile missing windows would be wrong */
		merged.n = 0;
		for (size_t k = 0; k < s->ng; k++) {
			memcpy(merged.l + merged.n, s->g[k].l, s->g[k].n * sizeof(*merged.l));
			merged.n += s->g[k].n;
		}
		g = &merged;
	}
	per = (double)g->windows * batch;
	for (size_t k = 0; !all && k < s->ng; k++)
		if (&s->g[k] != g)
			json_array_append_new(
				other,
				json_pack("{s:I, s:f}", "windows", (json_int_t)s->g[k].windows,
					  "instructions_per_window",
					  s->g[k].overflow
						  ? (double)s->g[k].total / (double)s->g[k].windows
						  : (double)s->g[k].total));
	ret = json_pack("{s:I, s:I, s:f, s:f, s:f, s:f, s:o, s:o}", "windows",
			(json_int_t)s->windows, "windows_profiled", (json_int_t)g->windows,
			"instructions_per_window",
			all ? (double)g->total / (double)g->windows : (double)g->total,
			"instructions", (double)g->total / per * (all ? 1 : (double)g->windows),
			"locked", (double)g->locked / per, "stores", (double)g->stores / per,
			"functions", by_function(g, m, per), "other_windows", other);
	free(merged.l);
	return ret;
}

/* The run's icount figure of a case and variant (summary.json), or NULL. */
static json_t *summary_variant(json_t *summary, const char *suite, const char *cas, const char *dev,
			       const char *variant)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(summary, "cases"), i, c) {
		if (!strcmp(json_string_value(json_object_get(c, "suite")) ?: "", suite) &&
		    !strcmp(json_string_value(json_object_get(c, "case")) ?: "", cas) &&
		    !strcmp(json_string_value(json_object_get(c, "device")) ?: "-", dev))
			return json_object_get(json_object_get(c, "variants"), variant);
	}
	return NULL;
}

/*
 * Reconciliation with the icount figure: a timed batch is its window plus
 * the markers (2 instructions) plus the clock reads' share inside t0..t1,
 * the same for every batch; that constant is the empty loop's icount
 * figure less its window. Under icount, 1 ns = 1 instruction.
 */
static json_t *reconcile(json_t *op, json_t *null, json_t *fig, unsigned int batch)
{
	double med, nullns, w, wnull, d;

	if (!fig || !json_is_number(json_object_get(fig, "median")) || json_is_null(op) ||
	    json_is_null(null))
		return json_string("no icount figure (no valid sample) or no windows to compare");
	med = json_number_value(json_object_get(fig, "median"));
	nullns = json_number_value(json_object_get(fig, "harness_overhead_ns"));
	w = json_number_value(json_object_get(op, "instructions_per_window"));
	wnull = json_number_value(json_object_get(null, "instructions_per_window"));
	d = nullns * batch - wnull;
	return json_pack("{s:f, s:f, s:f, s:f, s:f}", "icount_ns_per_op", med,
			 "profile_instructions_per_op", w / batch, "outside_window_per_batch", d,
			 "predicted_ns_per_op", (w + d) / batch, "difference_ns_per_op",
			 med - (w + d) / batch);
}

/* A segments.tsv line's fields (its header names them). */
struct tsv_row {
	char *f[10];
};

static int load_symbols(struct symmap *m, const char *dir, const char *modules, char *why,
			size_t len)
{
	char path[1200];

	symtab_free(&m->modules);
	snprintf(path, sizeof(path), "%s/profile/%s", dir, modules);
	return symtab_load_kallsyms(&m->modules, path, why, len);
}

static void md_table(FILE *f, json_t *role, const char *title, double min)
{
	size_t i;
	json_t *fn;
	double rest = 0;

	fprintf(f,
		"\n%s: %.3f instructions, %.3f locked, %.3f stores per op "
		"(%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " windows)\n\n",
		title, json_real_value(json_object_get(role, "instructions")),
		json_real_value(json_object_get(role, "locked")),
		json_real_value(json_object_get(role, "stores")),
		json_integer_value(json_object_get(role, "windows_profiled")),
		json_integer_value(json_object_get(role, "windows")));
	fprintf(f,
		"| function | instructions/op | locked/op | stores/op |\n|---|---:|---:|---:|\n");
	json_array_foreach(json_object_get(role, "functions"), i, fn) {
		double in = json_real_value(json_object_get(fn, "instructions"));

		if (in < min) {
			rest += in;
			continue;
		}
		fprintf(f, "| %s | %.3f | %.3f | %.3f |\n",
			json_string_value(json_object_get(fn, "function")), in,
			json_real_value(json_object_get(fn, "locked")),
			json_real_value(json_object_get(fn, "stores")));
	}
	if (rest > 0)
		fprintf(f, "| (functions under %.1f each) | %.3f | | |\n", min, rest);
}

/* --compare A,B: per case, B - A by function. */
static void md_compare(FILE *f, json_t *cases, const char *a, const char *b)
{
	size_t i, j, k;
	json_t *ca, *cb, *fa, *fb;

	fprintf(f, "\n## %s against %s, by function (per op)\n", b, a);
	json_array_foreach(cases, i, ca) {
		json_t *ra = json_object_get(ca, "op"), *rb = NULL;

		if (strcmp(json_string_value(json_object_get(ca, "variant")), a) ||
		    json_is_null(ra))
			continue;
		json_array_foreach(cases, j, cb) {
			if (!strcmp(json_string_value(json_object_get(cb, "variant")), b) &&
			    json_equal(json_object_get(ca, "case"), json_object_get(cb, "case")) &&
			    json_equal(json_object_get(ca, "device"),
				       json_object_get(cb, "device")) &&
			    json_equal(json_object_get(ca, "round"), json_object_get(cb, "round")))
				rb = json_object_get(cb, "op");
		}
		if (!rb || json_is_null(rb))
			continue;
		fprintf(f,
			"\n### %s.%s on %s: %+.3f instructions, %+.3f locked, %+.3f stores per "
			"op\n\n| function | %s | %s | difference | locked diff | stores diff "
			"|\n|---|---:|---:|---:|---:|---:|\n",
			json_string_value(json_object_get(ca, "suite")),
			json_string_value(json_object_get(ca, "case")),
			json_string_value(json_object_get(ca, "device")),
			json_real_value(json_object_get(rb, "instructions")) -
				json_real_value(json_object_get(ra, "instructions")),
			json_real_value(json_object_get(rb, "locked")) -
				json_real_value(json_object_get(ra, "locked")),
			json_real_value(json_object_get(rb, "stores")) -
				json_real_value(json_object_get(ra, "stores")),
			a, b);
		/* every function of either side whose figures differ */
		for (int side = 0; side < 2; side++) {
			json_array_foreach(json_object_get(side ? rb : ra, "functions"), j, fa) {
				const char *name =
					json_string_value(json_object_get(fa, "function"));
				double x[3] = {0}, y[3] = {0};
				static const char *const keys[3] = {"instructions", "locked",
								    "stores"};

				fb = NULL;
				json_array_foreach(json_object_get(side ? ra : rb, "functions"), k,
						   cb) {
					if (!strcmp(json_string_value(
							    json_object_get(cb, "function")),
						    name))
						fb = cb;
				}
				if (side && fb)
					continue; /* printed from side A */
				for (int q = 0; q < 3; q++) {
					x[q] = json_real_value(json_object_get(fa, keys[q]));
					y[q] = fb ? json_real_value(json_object_get(fb, keys[q]))
						  : 0;
				}
				if (side) { /* fa is B's, absent from A */
					for (int q = 0; q < 3; q++) {
						double t = x[q];

						x[q] = y[q];
						y[q] = t;
					}
				}
				if (x[0] == y[0] && x[1] == y[1] && x[2] == y[2])
					continue;
				fprintf(f, "| %s | %.3f | %.3f | %+.3f | %+.3f | %+.3f |\n", name,
					x[0], y[0], y[0] - x[0], y[1] - x[1], y[2] - x[2]);
			}
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-pm-bench profile RUN [--compare A,B]... [--icount RUN2] [--min N]\n\n"
		"Maps the counts of a profiled run (vfio-pm-bench vm --profile) to functions:\n"
		"per case and variant, the instructions per operation of each kernel and\n"
		"harness function, the locked read-modify-writes (LOCK prefix, XCHG with\n"
		"memory, a LOCK the 1-CPU kernel patched to DS) and the stores, and the\n"
		"reconciliation with the run's icount figure.\n"
		"Writes RUN/profile/profile.json and RUN/profile/profile.md, and prints the\n"
		"latter.\n\n"
		"  --compare A,B   also the difference B - A by function, per case (repeatable)\n"
		"  --icount RUN2   reconcile with the icount figures of RUN2 (a normal run of\n"
		"                  the same harness build; default: RUN's own)\n"
		"  --min N         tables list functions of N or more instructions per op;\n"
		"                  the rest is one line (default 0.5)\n"
		"Exit codes: 0 ok, 1 a file cannot be written, 2 the run cannot be read.\n");
}

int cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {{"compare", required_argument, NULL, 'c'},
					     {"icount", required_argument, NULL, 'i'},
					     {"min", required_argument, NULL, 'm'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *cmp[8], *dir, *icount = NULL;
	size_t ncmp = 0;
	char path[1200], why[1400] = "", line[1024], cur_mod[128] = "", cmpa[64] = "";
	struct plugin_out p = {0};
	struct symmap m = {0};
	json_t *summary = NULL, *cases = json_array(), *out;
	double min = 0.5;
	int c, code = VPB_EXIT_USAGE;
	FILE *tsv = NULL;
	struct results_file rf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'c':
			if (!strchr(optarg, ',') || strlen(optarg) >= sizeof(cmpa) ||
			    ncmp == ARRAY_SIZE(cmp)) {
				vpb_err("profile: --compare %s: expected two variants, A,B (at "
					"most "
					"%zu pairs)",
					optarg, ARRAY_SIZE(cmp));
				json_decref(cases);
				return VPB_EXIT_USAGE;
			}
			cmp[ncmp++] = optarg;
			break;
		case 'i':
			icount = optarg;
			break;
		case 'm':
			min = strtod(optarg, &end);
			if (*end || !(min >= 0)) {
				vpb_err("profile: --min %s: expected a number >= 0", optarg);
				json_decref(cases);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			json_decref(cases);
			return VPB_EXIT_OK;
		default:
			usage(stderr);
			json_decref(cases);
			return VPB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		json_decref(cases);
		return VPB_EXIT_USAGE;
	}
	dir = argv[optind];
	snprintf(path, sizeof(path), "%s/summary.json", icount ? icount : dir);
	summary = results_load_json(path);
	if (!summary) {
		snprintf(why, sizeof(why), "cannot read %s (the icount figures)", path);
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/profile/plugin.txt", dir);
	if (plugin_load(&p, path, why, sizeof(why)))
		goto fail;
	snprintf(path, sizeof(path), "%s/profile/kallsyms.txt", dir);
	if (symtab_load_kallsyms(&m.kernel, path, why, sizeof(why)))
		goto fail;
	snprintf(path, sizeof(path), "%s/profile/maps.txt", dir);
	snprintf(line, sizeof(line), "%s/profile/user-symbols.tsv", dir);
	if (symmap_load_user(&m, path, line, why, sizeof(why)))
		goto fail;
	snprintf(path, sizeof(path), "%s/profile/segments.tsv", dir);
	tsv = fopen(path, "r");
	if (!tsv || !fgets(line, sizeof(line), tsv) || strncmp(line, "segment\t", 8)) {
		snprintf(why, sizeof(why), "%s: %s", path,
			 tsv ? "no header line" : strerror(errno));
		goto fail;
	}
	while (fgets(line, sizeof(line), tsv)) {
		struct tsv_row r;
		unsigned int seg, batch;
		json_t *ops[NROLES], *row;
		char *save = NULL;
		size_t nf = 0;

		for (char *t = strtok_r(line, "\t\n", &save); t && nf < 10;
		     t = strtok_r(NULL, "\t\n", &save))
			r.f[nf++] = t;
		if (nf != 10 || sscanf(r.f[0], "%u", &seg) != 1 ||
		    sscanf(r.f[7], "%u", &batch) != 1 || !batch || strchr(r.f[9], '/')) {
			snprintf(why, sizeof(why),
				 "%s: a line that is not the 10 fields of its header", path);
			goto fail;
		}
		if (!find_seg(&p, seg, ROLE_OP))
			continue; /* skipped or failed before it measured */
		if (strcmp(cur_mod, r.f[9])) {
			if (load_symbols(&m, dir, r.f[9], why, sizeof(why)))
				goto fail;
			snprintf(cur_mod, sizeof(cur_mod), "%s", r.f[9]);
		}
		for (int role = 0; role < NROLES; role++)
			ops[role] = role_json(find_seg(&p, seg, role), &m, batch,
					      role == ROLE_OP && !strcmp(r.f[8], "cycle"));
		row = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:o}",
				"segment", seg, "suite", r.f[1], "case", r.f[2], "device", r.f[3],
				"variant", r.f[4], "round", r.f[5], "point", r.f[6], "batch", batch,
				"kind", r.f[8], "op", ops[ROLE_OP], "control", ops[ROLE_CONTROL],
				"null", ops[ROLE_NULL]);
		json_object_set_new(
			row, "icount",
			strcmp(r.f[8], "loop")
				? json_string("a cycle case: its time includes the guest's idle "
					      "waits, which icount skips without instructions")
				: reconcile(
					  ops[ROLE_OP], ops[ROLE_NULL],
					  summary_variant(summary, r.f[1], r.f[2], r.f[3], r.f[4]),
					  batch));
		json_array_append_new(cases, row);
	}
	code = VPB_EXIT_FAIL;
	out = json_pack("{s:s, s:s, s:s, s:O}", "what",
			"per operation: instructions by function, locked RMWs, stores (plugin "
			"vpb-profile, windows = timed batches, the markers excluded)",
			"run", dir, "icount_figures_from", icount ? icount : dir, "cases", cases);
	snprintf(path, sizeof(path), "%s/profile/profile.json", dir);
	if (results_write_json(path, out)) {
		json_decref(out);
		goto out;
	}
	json_decref(out);
	snprintf(path, sizeof(path), "%s/profile/profile.md", dir);
	if (results_open(&rf, path))
		goto out;
	{
		size_t i;
		json_t *cs;

		fprintf(rf.f,
			"# Profile of %s\n\nPer operation (a timed batch's window / its "
			"operations): for a loop case the path most windows ran, for a cycle "
			"case the mean of every window. icount figures from %s.\n",
			dir, icount ? icount : dir);
		json_array_foreach(cases, i, cs) {
			json_t *ic = json_object_get(cs, "icount");

			fprintf(rf.f, "\n## %s.%s on %s, variant %s, round %s\n",
				json_string_value(json_object_get(cs, "suite")),
				json_string_value(json_object_get(cs, "case")),
				json_string_value(json_object_get(cs, "device")),
				json_string_value(json_object_get(cs, "variant")),
				json_string_value(json_object_get(cs, "round")));
			if (json_is_object(ic))
				fprintf(rf.f,
					"\nicount figure %.4f ns/op = profile %.4f + %.0f "
					"instructions "
					"outside the window per batch of %d (the 2 markers and the "
					"clock reads) / batch: predicted %.4f, difference %.4f\n",
					json_real_value(json_object_get(ic, "icount_ns_per_op")),
					json_real_value(
						json_object_get(ic, "profile_instructions_per_op")),
					json_real_value(
						json_object_get(ic, "outside_window_per_batch")),
					(int)json_integer_value(json_object_get(cs, "batch")),
					json_real_value(json_object_get(ic, "predicted_ns_per_op")),
					json_real_value(
						json_object_get(ic, "difference_ns_per_op")));
			else
				fprintf(rf.f, "\nicount: %s\n", json_string_value(ic));
			for (int role = ROLE_OP; role <= ROLE_CONTROL; role++) {
				json_t *rj = json_object_get(cs, role_names[role]);

				if (json_is_null(rj))
					continue;
				md_table(rf.f, rj,
					 role == ROLE_OP ? "The operation" : "Its control", min);
				if (json_array_size(json_object_get(rj, "other_windows"))) {
					char *o = json_dumps(json_object_get(rj, "other_windows"),
							     JSON_COMPACT);

					fprintf(rf.f,
						"\nOther windows (not in the table: an interrupt "
						"landed in them): %s\n",
						o ? o : "?");
					free(o);
				}
			}
		}
		for (size_t k = 0; k < ncmp; k++) {
			char *b;

			snprintf(cmpa, sizeof(cmpa), "%s", cmp[k]);
			b = strchr(cmpa, ',');
			*b++ = 0;
			md_compare(rf.f, cases, cmpa, b);
		}
	}
	if (results_commit(&rf))
		goto out;
	tsv = freopen(path, "r", tsv);
	while (tsv && fgets(line, sizeof(line), tsv))
		fputs(line, stdout);
	code = VPB_EXIT_OK;
	goto out;
fail:
	vpb_err("profile: %s", why);
out:
	if (tsv)
		fclose(tsv);
	json_decref(cases);
	json_decref(summary);
	plugin_free(&p);
	symmap_free(&m);
	return code;
}
