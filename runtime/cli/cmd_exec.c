/* SPDX-License-Identifier: MIT */
/* tasklet exec / tasklet compile: the local VM and the compiler, no network. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/cli/cmd.h"
#include "vm/jsl.h"
#include "vm/vm.h"

static int compile_one(struct vm_store *st, const char *path, uint64_t *root)
{
	char err[512];

	if (jsl_compile_file(st, path, root, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

int rt_cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fuel", required_argument, NULL, 'f' },
		{ "heap-limit", required_argument, NULL, 'm' },
		{ "stats", no_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "input", required_argument, NULL, 'i' },
		{ "time", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vm_limits lim = { .start_ms = 0 };
	int have_time = 0;
	struct vm_result res = { 0 };
	struct vm_store *st;
	int opt, stats = 0, rc = RT_EXIT_USAGE;
	uint64_t root;

	while ((opt = getopt_long(argc, argv, "f:m:sS:T:i:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': lim.fuel = rt_opt_num("--fuel", optarg, ~0ull); break;
		/* MiB, as small as 1; 0 keeps the VM default (VM_DEFAULT_HEAP) */
		case 'm': lim.heap_bytes = (size_t)rt_opt_num("--heap-limit", optarg, 1u << 20) << 20; break;
		case 's': stats = 1; break;
		case 'S': lim.seed = rt_opt_num("--seed", optarg, ~0ull); break;
		case 'i': lim.input = rt_read_input(optarg, &lim.input_len); break;
		case 'T':
			lim.start_ms = rt_opt_num("--time", optarg, ~0ull);
			have_time = 1;
			break;
		case 'h':
			printf("usage: tasklet exec [--fuel N] [--heap-limit MIB] [--seed N] [--time MS]\n"
			       "                    [--input FILE|-] [--stats] FILE.jsl\n"
			       "Run FILE in the local VM: print its output and result. --seed and\n"
			       "--time (Date.now() at the start, ms since the epoch) reproduce a run.\n");
			return 0;
		default: goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	if (!have_time) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		lim.start_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	}
	st = vm_store_new(0);
	if (!st) {
		perror("tasklet");
		return 1;
	}
	if (compile_one(st, argv[optind], &root) < 0)
		goto out;
	if (vm_run(st, root, &lim, &res) < 0) {
		fprintf(stderr, "tasklet: %s: the VM could not start\n", argv[optind]);
		rc = 1;
		goto out;
	}
	if (res.output)
		fwrite(res.output, 1, res.output_len, stdout);
	if (res.status == VM_OK) {
		printf("=> %s\n", res.value ? res.value : "undefined");
		rc = 0;
	} else {
		fflush(stdout);
		fprintf(stderr, "%s\n", res.error);
		rc = 1;
	}
	if (stats)
		fprintf(stderr, "tasklet: fuel used %llu\n", (unsigned long long)res.fuel_used);
out:
	vm_result_free(&res);
	vm_store_free(st);
	free((char *)lim.input);
	return rc;
usage:
	fprintf(stderr, "usage: tasklet exec [--fuel N] [--heap-limit MIB] [--seed N] [--time MS]\n"
			"                    [--input FILE|-] [--stats] FILE.jsl\n");
	return RT_EXIT_USAGE;
}

int rt_cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disasm", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, disasm = 0, rc = 0;

	while ((opt = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': disasm = 1; break;
		case 'h':
			printf("usage: tasklet compile [--disasm] FILE.jsl...\n"
			       "Compile each FILE and report errors as file:line:col: message.\n");
			return 0;
		default:
			fprintf(stderr, "usage: tasklet compile [--disasm] FILE.jsl...\n");
			return RT_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: tasklet compile [--disasm] FILE.jsl...\n");
		return RT_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct vm_store *st = vm_store_new(0);
		uint64_t root;

		if (!st) {
			perror("tasklet");
			return 1;
		}
		if (compile_one(st, argv[i], &root) < 0)
			rc = 1;
		else if (disasm)
			vm_disasm(st, root, stdout);
		vm_store_free(st);
	}
	return rc;
}
