/* SPDX-License-Identifier: MIT */
/*
 * tasklet cert: make a cluster's certificates with no other tool
 * (man tasklet-cert(1)).
 *
 *   tasklet cert ca --name NAME --out DIR            DIR/NAME.crt, DIR/NAME.key
 *   tasklet cert issue --ca DIR/NAME --name CN --out DIR   DIR/CN.crt, DIR/CN.key
 *   tasklet cert revoke --ca DIR/NAME --cert FILE          DIR/NAME.crl
 *
 * The work is cxp_cert_make (cxp/cert.c); this file parses the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cxp/cxp.h"
#include "runtime/cli/cmd.h"

/* tasklet cert revoke --ca DIR/NAME --cert FILE */
static int cmd_revoke(int argc, char **argv)
{
	const char *ca = NULL, *cert = NULL;
	char err[512], serial[128];
	int ret;

	for (int i = 2; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "--ca")   ? &ca :
				   !strcmp(argv[i], "--cert") ? &cert : NULL;

		if (!dst) {
			fprintf(stderr, "tasklet cert revoke: unknown option '%s'\n", argv[i]);
			return RT_EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "tasklet cert revoke: option %s needs a value\n", argv[i]);
			return RT_EXIT_USAGE;
		}
		*dst = argv[++i];
	}
	if (!ca || !cert) {
		fprintf(stderr, "tasklet cert revoke: missing %s\n", !ca ? "--ca" : "--cert");
		return RT_EXIT_USAGE;
	}
	ret = cxp_cert_revoke(ca, cert, serial, sizeof(serial), err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "tasklet cert revoke: %s\n", err);
		return 1;
	}
	printf("%s.crl\n", ca);
	fprintf(stderr, "tasklet cert revoke: %s (serial %s) %s\n", cert, serial,
		ret == 1 ? "was revoked already" : "revoked");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tasklet cert ca --name NAME --out DIR\n"
		   "       tasklet cert issue --ca DIR/NAME --name CN --out DIR\n"
		   "       tasklet cert revoke --ca DIR/NAME --cert FILE\n"
		   "\n"
		   "  ca      make a cluster CA: DIR/NAME.crt (certificate) and DIR/NAME.key (key)\n"
		   "  issue   make DIR/CN.crt and DIR/CN.key, signed by the CA DIR/NAME(.crt,.key)\n"
		   "  revoke  add FILE (issued by that CA) to its revocation list DIR/NAME.crl,\n"
		   "          which the daemons and tasklet run read with --crl\n"
		   "\n"
		   "Keys are EC P-256 (mode 0600); a CA is valid 10 years, an issued certificate\n"
		   "825 days. Existing certificates and keys are never overwritten. See man\n"
		   "tasklet-cert(1).\n");
}

int rt_cmd_cert(int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *ca = NULL, *sub;
	struct cxp_cert_spec spec = { 0 };
	char err[512];
	struct stat st;
	int issue, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? RT_EXIT_USAGE : 0;
	}
	sub = argv[1];
	if (!strcmp(sub, "revoke"))
		return cmd_revoke(argc, argv);
	if (strcmp(sub, "ca") && strcmp(sub, "issue")) {
		fprintf(stderr, "tasklet cert: unknown subcommand '%s' (ca, issue or revoke)\n", sub);
		usage(stderr);
		return RT_EXIT_USAGE;
	}
	issue = !strcmp(sub, "issue");
	for (int i = 2; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "--name") ? &name :
				   !strcmp(argv[i], "--out")  ? &out :
				   !strcmp(argv[i], "--ca") && issue ? &ca : NULL;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!dst) {
			fprintf(stderr, "tasklet cert %s: unknown option '%s'\n", sub, argv[i]);
			usage(stderr);
			return RT_EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "tasklet cert %s: option %s needs a value\n", sub, argv[i]);
			return RT_EXIT_USAGE;
		}
		*dst = argv[++i];
	}
	if (!name || !out || (issue && !ca)) {
		fprintf(stderr, "tasklet cert %s: missing %s\n", sub,
			!name ? "--name" : !out ? "--out" : "--ca");
		usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (!cxp_cert_name_ok(name)) {
		fprintf(stderr, "tasklet cert %s: bad --name '%s': use 1 to 63 of A-Z a-z 0-9 . _ -, "
			"not starting with . or -\n", sub, name);
		return RT_EXIT_USAGE;
	}
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tasklet cert %s: --out %s: %s\n", sub, out,
			errno && stat(out, &st) < 0 ? strerror(errno) : "not a directory");
		return 1;
	}
	spec.name = name;
	spec.out_dir = out;
	spec.ca = ca;
	ret = cxp_cert_make(&spec, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "tasklet cert %s: %s\n", sub, err);
		return 1;
	}
	printf("%s/%s.crt\n%s/%s.key\n", out, name, out, name);
	return 0;
}
