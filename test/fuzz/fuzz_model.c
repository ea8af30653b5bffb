/*-------------------------------------------------------------------------
 *
 * fuzz_model.c
 *	  libFuzzer target for the model reader.
 *
 * Each input is tried twice: as it is (so the checksum and length checks
 * are exercised), and with its length and checksum fields repaired (so
 * the fuzzer reaches the section parsers behind them).  A model that
 * parses must score a row, and survive a write-read-write cycle unchanged;
 * an input accepted as it is must carry its own length and a checksum that
 * matches, so a reader that skips a check fails here rather than passing
 * for a reader that does not crash.  On start-up, valid PCA and autoencoder
 * models are written to $AE_FUZZ_SEED_DIR (if set) as seeds; the committed
 * corpus is test/fuzz/seeds/.
 *
 * Build and run: test/fuzz/run-fuzz.sh [seconds]
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ae_model.h"
#include "ae_pca.h"
#include "ae_stats.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int			LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Parse and score one buffer; a model that parses must serialise to bytes
 * that parse again and serialise to the same bytes, with the same score.
 */
static bool
try_model(const uint8_t *data, size_t size)
{
	AeError		err = {0};
	AeModel    *m = ae_model_deserialize(data, size, &err);
	AeModel    *m2;
	double	   *row;
	uint8_t    *b1 = NULL,
			   *b2 = NULL;
	size_t		l1 = 0,
				l2 = 0;
	double		s1,
				s2;

	if (!m)
	{
		if (err.status == AE_OK || err.msg[0] == '\0')
			abort();			/* a refusal must say why */
		return false;
	}
	row = calloc(m->n_features, sizeof(double));
	s1 = ae_model_score(m, row);
	if (ae_model_serialize(m, &b1, &l1, &err) != AE_OK)
		abort();
	m2 = ae_model_deserialize(b1, l1, &err);
	if (!m2)
		abort();
	s2 = ae_model_score(m2, row);
	if (ae_model_serialize(m2, &b2, &l2, &err) != AE_OK || l1 != l2 ||
		memcmp(b1, b2, l1) != 0)
		abort();
	if (memcmp(&s1, &s2, sizeof(double)) != 0 && !(s1 != s1 && s2 != s2))
		abort();
	free(row);
	ae_free(b1);
	ae_free(b2);
	ae_model_free(m);
	ae_model_free(m2);
	return true;
}

/* Little-endian u32 at p. */
static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) |
		((uint32_t) p[3] << 24);
}

/*
 * The reader accepted these bytes as they are: then their length field
 * must be their length and their checksum must match (CRC-32 of the bytes
 * with the checksum field zero, recomputed here).  A reader that skipped a
 * check would accept damaged bytes, which no crash would reveal.
 */
static void
check_accepted(const uint8_t *data, size_t size)
{
	uint8_t    *copy;
	uint32_t	crc;

	if (size < AE_HEADER_SIZE || get_u32(data + 24) != size)
		abort();
	copy = malloc(size);
	memcpy(copy, data, size);
	memset(copy + 28, 0, 4);
	crc = ae_crc32(0, copy, size);
	free(copy);
	if (crc != get_u32(data + 28))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *fixed;
	uint32_t	crc;

	if (try_model(data, size))
		check_accepted(data, size);
	if (size < AE_HEADER_SIZE || size > ((size_t) 1 << 24))
		return 0;
	fixed = malloc(size);
	memcpy(fixed, data, size);
	for (int i = 0; i < 4; i++)
		fixed[24 + i] = (uint8_t) ((uint32_t) size >> (8 * i));
	memset(fixed + 28, 0, 4);
	crc = ae_crc32(0, fixed, size);
	for (int i = 0; i < 4; i++)
		fixed[28 + i] = (uint8_t) (crc >> (8 * i));
	try_model(fixed, size);
	free(fixed);
	return 0;
}

/* Write one seed file. */
static void
write_seed(const char *dir, const char *name, const uint8_t *bytes, size_t len)
{
	char		path[4096];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(bytes, 1, len, f);
	fclose(f);
}

/* Seeds: a PCA model and a small tied autoencoder with history. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("AE_FUZZ_SEED_DIR");
	enum
	{
		N = 40, D = 5
	};
	double		x[N * D],
				mean[D] = {0},
				m2[D * D] = {0},
				work[N * D + D + N],
				cnt = 0,
				ones[D],
				zeros[D] = {0};
	float		xf[N * D];
	AePcaOptions o;
	AeModel    *m;
	AeError		err = {0};
	uint8_t    *bytes;
	size_t		len;

	if (!dir)
		return 0;
	for (int i = 0; i < N * D; i++)
	{
		x[i] = (i * 7919 % 101) / 10.0 + (i % D);
		xf[i] = (float) x[i];
	}
	ae_moments_add_batch(D, &cnt, mean, m2, x, N, work);
	ae_pca_options_defaults(&o);
	o.components = 2;
	m = ae_pca_fit(D, cnt, mean, m2, &o, &err);
	if (m && ae_model_serialize(m, &bytes, &len, &err) == AE_OK)
	{
		write_seed(dir, "pca.model", bytes, len);
		ae_free(bytes);
	}
	ae_model_free(m);

	{
		AeNetConfig nc;
		AeTrainConfig tc;
		AeTrainer  *t;
		AeMatrixSource ms;
		AeDataSource src = ae_matrix_source(&ms, xf, N, D);
		AeHistoryRow rows[3];
		bool		done = false;
		int			nh = 0;

		for (int i = 0; i < D; i++)
			ones[i] = 1.0;
		ae_net_config_defaults(&nc);
		ae_train_config_defaults(&tc);
		nc.n_inputs = D;
		nc.n_hidden = 2;
		nc.hidden[0] = 4;
		nc.hidden[1] = 2;
		nc.tied_weights = true;
		tc.epochs = 3;
		t = ae_trainer_create(&nc, &tc, zeros, ones, &err);
		while (t && !done && nh < 3 &&
			   ae_trainer_step(t, &src, &rows[nh], &done, &err) == AE_OK)
			nh++;
		m = ae_model_new(AE_KIND_AUTOENCODER, D, 2, &err);
		if (t && m)
		{
			m->net = ae_trainer_take_net(t);
			m->history = ae_alloc_array(nh, sizeof(AeHistoryRow));
			memcpy(m->history, rows, sizeof(AeHistoryRow) * nh);
			m->n_history = nh;
			if (ae_model_finish(m, &err) == AE_OK &&
				ae_model_serialize(m, &bytes, &len, &err) == AE_OK)
			{
				write_seed(dir, "autoencoder.model", bytes, len);
				ae_free(bytes);
			}
		}
		ae_trainer_free(t);
		ae_model_free(m);
	}
	return 0;
}
