/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - atomic writes of result files (an unnamed O_TMPFILE, fsync,
 * then a link under the final name), so an interrupted run, even a killed
 * one, never leaves a partial or corrupted file or a temp file behind.
 */
#ifndef VPB_RESULTS_H
#define VPB_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * The results format version, documented in results/README.md. Readers
 * accept every version from 1 to this one and refuse any other. 2: the
 * per-case files are RFC 4180 CSV with a header row (version 1 wrote them
 * space-separated with '#' comments; resultset.c still reads them), and
 * summary.json has entry latency and null figures for no data.
 */
#define RESULTS_SCHEMA_VERSION 2

/**
 * struct results_file - a file being written; it appears under its final
 * name only on results_commit().
 */
struct results_file {
	FILE *f;
	char path[4096];
	char tmp[4096]; /* a named temp file: <path>.tmp.* */
	bool unnamed;	/* written through O_TMPFILE */
	bool keep;	/* results_commit() never replaces an existing file */
};

/**
 * results_open() - start writing @path through an unnamed file in its
 * directory (or, where O_TMPFILE is not supported, <path>.tmp.XXXXXX).
 * Return: 0 or -errno (a message is printed naming the file).
 */
int results_open(struct results_file *rf, const char *path);

/**
 * results_commit() - flush, fsync and link the file into place (replacing
 * an existing one atomically). On any error no temp file is left behind
 * and the message names the file.
 * Return: 0 or -errno.
 */
int results_commit(struct results_file *rf);

/**
 * results_open_new() - as results_open(), but results_commit() fails with
 * -EEXIST (and drops the file) when @path exists: a file that is never
 * overwritten.
 */
int results_open_new(struct results_file *rf, const char *path);

/** results_abort() - drop a file being written. */
void results_abort(struct results_file *rf);

/**
 * results_write_json() - write @j to @path atomically (indented, sorted
 * keys as inserted). Return: 0 or -errno, with a message.
 */
int results_write_json(const char *path, const json_t *j);

/**
 * results_load_json() - read a JSON results file. On a parse error prints
 * "<path>:<line>:<column>: <error>" and returns NULL.
 */
json_t *results_load_json(const char *path);

/**
 * results_csv_field() - write one field of an RFC 4180 record: quoted (with
 * '"' doubled) when it holds a comma, a quote, a line break or a leading or
 * trailing space, as is otherwise. A line break inside @s is written as a
 * space, so that a record is always one line.
 * @f: the file
 * @s: the field's text (NULL: empty)
 */
void results_csv_field(FILE *f, const char *s);

/* The record separator of RFC 4180. */
#define RESULTS_CSV_EOL "\r\n"

/** results_mkdirs() - mkdir -p; Return: 0 or -errno with a message. */
int results_mkdirs(const char *path);

/**
 * results_case_stem() - the file stem of a case, for the writer (runner.c)
 * and the readers (resultset.c) alike: <suite>.<case>[.<BB-DD.F>][.<point>].
 * @device: "DDDD:BB:DD.F" (0000:01:00.0 gives "01-00.0"); "" or any other
 *          form adds no device part
 * @point: "" or a threaded case's point ("t4")
 * @buf: out, truncated to @len
 */
void results_case_stem(const char *suite, const char *name, const char *device, const char *point,
		       char *buf, size_t len);

#endif
