/* SPDX-License-Identifier: MIT */
/*
 * tasklet replay DIR: run again, in the local VM, every Tasklet that
 * `tasklet run --record DIR` kept, and check each answer's digest against
 * the recorded one (man tasklet(1)). A run is a function of its chunks,
 * seed and start time, so a container's answer can be checked here.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"
#include "runtime/app/record.h"
#include "runtime/cli/cmd.h"

static void hex8(const uint8_t *d, char *out)
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* 0 same, 1 different, -1 unreadable. */
static int replay_one(const char *path, int verbose)
{
	struct tl_record r;
	struct vm_result res = { 0 };
	struct vm_limits lim = { 0 };
	uint8_t d[CXP_DIGEST_SIZE];
	char err[512], a[17], b[17];
	int rc;

	if (tl_record_read(path, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasklet: replay: %s\n", err);
		return -1;
	}
	lim.seed = r.sig.seed;
	lim.start_ms = r.sig.start_ns / 1000000;
	if (r.status == VM_ERR_FUEL)
		lim.fuel = r.fuel_used; /* it stopped there (CostLimit or --fuel) */
	if (vm_run(r.st, r.sig.root, &lim, &res) < 0) {
		fprintf(stderr, "tasklet: replay: %s: the VM could not start\n", path);
		tl_record_free(&r);
		return -1;
	}
	cxp_result_digest((uint32_t)res.status, res.output ? res.output : "", res.output_len,
			  res.value ? res.value : "", res.value ? strlen(res.value) : 0, d);
	rc = memcmp(d, r.digest, sizeof(d)) != 0;
	hex8(r.digest, a);
	hex8(d, b);
	if (rc)
		printf("MISMATCH %016llx (ran on %s): recorded %s... status %u, replayed %s... "
		       "status %d\n",
		       (unsigned long long)r.sig.tasklet_id, r.container, a, r.status, b, res.status);
	else
		printf("ok %016llx (ran on %s, seed %llu, time %llu): %s...\n",
		       (unsigned long long)r.sig.tasklet_id, r.container,
		       (unsigned long long)r.sig.seed,
		       (unsigned long long)(r.sig.start_ns / 1000000), a);
	if (rc && verbose) {
		printf("--- recorded output/value:\n%.*s=> %s\n", (int)r.output_len, r.output,
		       r.value);
		printf("--- replayed output/value:\n%.*s=> %s\n", (int)res.output_len,
		       res.output ? res.output : "", res.value ? res.value : res.error);
	}
	vm_result_free(&res);
	tl_record_free(&r);
	return rc;
}

int rt_cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] = "usage: tasklet replay [-v] DIR\n"
				    "Run every Tasklet recorded in DIR (tasklet run --record DIR) again\n"
				    "in the local VM and check its digest.\n";
	unsigned same = 0, diff = 0, bad = 0;
	int opt, verbose = 0;
	struct dirent **names;
	int n;

	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return RT_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return RT_EXIT_USAGE;
	}
	n = scandir(argv[optind], &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "tasklet: replay: %s: %s\n", argv[optind], strerror(errno));
		return RT_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (len > 4 && !strcmp(names[i]->d_name + len - 4, ".tlr")) {
			char path[4096];
			int rc;

			snprintf(path, sizeof(path), "%s/%s", argv[optind], names[i]->d_name);
			rc = replay_one(path, verbose);
			same += rc == 0;
			diff += rc == 1;
			bad += rc < 0;
		}
		free(names[i]);
	}
	free(names);
	printf("replay: %u same, %u different, %u unreadable\n", same, diff, bad);
	if (same + diff + bad == 0)
		fprintf(stderr, "tasklet: replay: no records (*.tlr) in %s\n", argv[optind]);
	return diff || bad || same + diff + bad == 0 ? 1 : 0;
}
