/*-------------------------------------------------------------------------
 *
 * test_model.c
 *	  Unit tests of the PCA engine and the model format: batched and merged
 *	  moments against a direct two-pass computation, the eigen solver,
 *	  PCA scoring identities, serialisation round trips, and the reader's
 *	  refusal of every corrupted or unknown input.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_test.h"

#include <string.h>

#include "ae_model.h"
#include "ae_nn_int.h"
#include "ae_pca.h"
#include "ae_stats.h"

/* Deterministic pseudo-random doubles in [-1, 1) (xorshift64*). */
static uint64_t rng_state = 88172645463325252ull;

static double
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double) ((rng_state * 2685821657736338717ull) >> 11) / (double) (1ull << 52) - 1.0;
}

/* n x d rows with correlated columns and large offsets (stresses stability). */
static double *
make_rows(int n, int d)
{
	double	   *x = malloc(sizeof(double) * n * d);

	for (int i = 0; i < n; i++)
	{
		double		t = rnd();

		for (int j = 0; j < d; j++)
			x[i * d + j] = 1e6 + 100.0 * j + t * (j + 1) + 0.1 * rnd();
	}
	return x;
}

/* Direct two-pass mean and co-moment. */
static void
direct_moments(const double *x, int n, int d, double *mean, double *m2)
{
	memset(mean, 0, sizeof(double) * d);
	memset(m2, 0, sizeof(double) * d * d);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			mean[j] += x[i * d + j] / n;
	for (int i = 0; i < n; i++)
		for (int a = 0; a < d; a++)
			for (int b = 0; b < d; b++)
				m2[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
}

/* Moments from uneven batches, then from merged halves, equal the direct ones. */
static void
test_moments_batched_and_merged(void)
{
	int			n = 1000,
				d = 5;
	double	   *x = make_rows(n, d);
	double		mean[5],
				m2[25],
				ma[5] = {0},
				m2a[25] = {0},
				mb[5] = {0},
				m2b[25] = {0};
	double		na = 0,
				nb = 0;
	double	   *work = malloc(sizeof(double) * ae_moments_work_size(d, 300));
	double		merge_work[5];

	direct_moments(x, n, d, mean, m2);

	/* a: rows 0..599 in batches of 1, 7 and 300; b: rows 600..999 */
	ae_moments_add_batch(d, &na, ma, m2a, x, 1, work);
	ae_moments_add_batch(d, &na, ma, m2a, x + d, 7, work);
	for (int i = 8; i < 600; i += 296)
		ae_moments_add_batch(d, &na, ma, m2a, x + i * d, i + 296 <= 600 ? 296 : 600 - i, work);
	ae_moments_add_batch(d, &nb, mb, m2b, x + 600 * d, 300, work);
	ae_moments_add_batch(d, &nb, mb, m2b, x + 900 * d, 100, work);
	AE_CHECK(na == 600 && nb == 400, "counts %g %g", na, nb);

	ae_moments_merge(d, &na, ma, m2a, nb, mb, m2b, merge_work);
	AE_CHECK(na == n, "merged count %g", na);
	for (int j = 0; j < d; j++)
		AE_CHECK_CLOSE(ma[j], mean[j], 1e-13);
	for (int a = 0; a < d; a++)
		for (int b = a; b < d; b++)
			AE_CHECK(fabs(m2a[a * d + b] - m2[a * d + b]) <= 1e-9 * fabs(m2[a * d + b]) + 1e-9,
					 "m2[%d,%d] %.17g vs %.17g", a, b, m2a[a * d + b], m2[a * d + b]);

	/* merging into an empty side adopts the other side */
	{
		double		n0 = 0,
					m0[5],
					m20[25];

		ae_moments_merge(d, &n0, m0, m20, na, ma, m2a, merge_work);
		AE_CHECK(n0 == na && memcmp(m0, ma, sizeof(m0)) == 0, "adopt failed");
	}
	free(work);
	free(x);
}

/* Eigenpairs of a known symmetric matrix, descending, sign-normalised. */
static void
test_eigen_known_matrix(void)
{
	/* eigenvalues 3, 1 with vectors (1,1)/sqrt2, (1,-1)/sqrt2; plus 5 on e3 */
	double		a[9] = {2, 1, 0, 1, 2, 0, 0, 0, 5};
	double		w[3],
				v[9];

	AE_CHECK(ae_eigen_symmetric(3, a, w, v, NULL) == AE_OK, "solver failed");
	AE_CHECK_CLOSE(w[0], 5.0, 1e-12);
	AE_CHECK_CLOSE(w[1], 3.0, 1e-12);
	AE_CHECK_CLOSE(w[2], 1.0, 1e-12);
	AE_CHECK_CLOSE(v[2], 1.0, 1e-12);
	AE_CHECK_CLOSE(v[3], M_SQRT1_2, 1e-12);
	AE_CHECK_CLOSE(v[4], M_SQRT1_2, 1e-12);
	/* largest-magnitude entry positive: (0.707, -0.707) ties -> first wins */
	AE_CHECK(v[6] > 0 && v[7] < 0, "sign convention: %g %g", v[6], v[7]);
}

/* Fit a model on random data with the given options. */
static AeModel *
fit(const double *x, int n, int d, AePcaOptions *o)
{
	double	   *mean = calloc(d, sizeof(double));
	double	   *m2 = calloc((size_t) d * d, sizeof(double));
	double	   *work = malloc(sizeof(double) * ae_moments_work_size(d, n));
	double		cnt = 0;
	AeError		err = {0};
	AeModel    *m;

	ae_moments_add_batch(d, &cnt, mean, m2, x, n, work);
	m = ae_pca_fit(d, cnt, mean, m2, o, &err);
	AE_CHECK(m != NULL, "fit failed: %s", err.msg);
	free(mean);
	free(m2);
	free(work);
	return m;
}

/* Eigenvalues of the standardised data sum to d; full rank reconstructs. */
static void
test_pca_identities(void)
{
	int			n = 200,
				d = 6;
	double	   *x = make_rows(n, d);
	AePcaOptions o;
	AeModel    *m;
	double		sum = 0,
				out[6],
				code[6];

	ae_pca_options_defaults(&o);
	o.components = d;
	m = fit(x, n, d, &o);
	if (!m)
		return;
	for (int i = 0; i < d; i++)
		sum += m->eigenvalues[i];
	AE_CHECK_CLOSE(sum, (double) d, 1e-10);
	for (int i = 1; i < d; i++)
		AE_CHECK(m->eigenvalues[i] <= m->eigenvalues[i - 1], "not descending at %d", i);
	ae_model_reconstruct(m, x, out);
	for (int j = 0; j < d; j++)
		AE_CHECK_CLOSE(out[j], x[j], 1e-12);
	AE_CHECK(ae_model_score(m, x) < 1e-20, "full-rank score %g", ae_model_score(m, x));
	ae_model_encode(m, x, code);
	ae_model_decode(m, code, out);
	for (int j = 0; j < d; j++)
		AE_CHECK_CLOSE(out[j], x[j], 1e-12);
	ae_model_free(m);

	/* variance cut-off: cumulative share of the kept k reaches r, k-1 does not */
	ae_pca_options_defaults(&o);
	o.variance = 0.999;
	m = fit(x, n, d, &o);
	if (m)
	{
		double		cum = 0;

		for (int i = 0; i < m->n_components; i++)
			cum += m->eigenvalues[i] / d;
		AE_CHECK(cum >= 0.999, "kept %d components with %g", m->n_components, cum);
		AE_CHECK(cum - m->eigenvalues[m->n_components - 1] / d < 0.999,
				 "one fewer component would do");
		ae_model_free(m);
	}
	free(x);
}

/* Too few rows and too many components are engine errors, not crashes. */
static void
test_pca_fit_errors(void)
{
	double		mean[2] = {0, 0},
				m2[4] = {1, 0, 0, 1};
	AePcaOptions o;
	AeError		err = {0};

	ae_pca_options_defaults(&o);
	AE_CHECK(ae_pca_fit(2, 1, mean, m2, &o, &err) == NULL && err.status == AE_EINVAL,
			 "one row accepted");
	o.components = 3;
	AE_CHECK(ae_pca_fit(2, 10, mean, m2, &o, &err) == NULL && err.status == AE_EINVAL,
			 "3 of 2 components accepted");
	o.components = 0;
	AE_CHECK(ae_pca_fit(AE_MAX_PCA_FEATURES + 1, 10, mean, m2, &o, &err) == NULL &&
			 err.status == AE_ELIMIT, "too many features accepted");
}

/* A serialised test model (caller frees). */
static uint8_t *
sample_model_bytes(size_t *len, AeModel **model_out)
{
	int			n = 50,
				d = 4;
	double	   *x = make_rows(n, d);
	AePcaOptions o;
	AeModel    *m;
	uint8_t    *bytes = NULL;
	AeError		err = {0};

	ae_pca_options_defaults(&o);
	o.components = 2;
	o.whiten = true;
	m = fit(x, n, d, &o);
	free(x);
	if (!m)
		return NULL;
	m->ext_version = strdup("0.1.0");
	m->options_json = strdup("{\"components\": 2}");
	AE_CHECK(ae_model_serialize(m, &bytes, len, &err) == AE_OK, "serialize: %s", err.msg);
	if (model_out)
		*model_out = m;
	else
		ae_model_free(m);
	return bytes;
}

/* Serialise, parse, compare field by field and by scores. */
static void
test_roundtrip(void)
{
	size_t		len;
	AeModel    *m;
	uint8_t    *bytes = sample_model_bytes(&len, &m);
	AeModel    *r;
	AeError		err = {0};
	double		x[4] = {1e6, 1e6 + 100, 1e6 + 200, 1e6 + 300};

	if (!bytes)
		return;
	r = ae_model_deserialize(bytes, len, &err);
	AE_CHECK(r != NULL, "deserialize: %s", err.msg);
	if (r)
	{
		AE_CHECK(r->kind == AE_KIND_PCA && r->n_features == 4 && r->n_components == 2 &&
				 r->n_rows == 50 && r->whiten && r->n_vectors == 4, "header fields differ");
		AE_CHECK(strcmp(r->options_json, m->options_json) == 0, "options differ");
		AE_CHECK(strcmp(r->ext_version, "0.1.0") == 0, "version differs");
		AE_CHECK(memcmp(r->eigenvalues, m->eigenvalues, 4 * sizeof(double)) == 0, "eigenvalues differ");
		AE_CHECK(memcmp(r->vectors, m->vectors, 16 * sizeof(double)) == 0, "vectors differ");
		AE_CHECK(ae_model_score(r, x) == ae_model_score(m, x), "scores differ");
		ae_model_free(r);
	}
	ae_model_free(m);
	free(bytes);
}

/* Recompute the checksum after editing bytes by hand. */
static void
fix_crc(uint8_t *b, size_t len)
{
	uint32_t	crc;

	memset(b + 28, 0, 4);
	crc = ae_crc32(0, b, len);
	for (int i = 0; i < 4; i++)
		b[28 + i] = (uint8_t) (crc >> (8 * i));
}

/* Write a little-endian u32 into bytes. */
static void
put_u32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t) (v >> (8 * i));
}

/* Expect a refusal with the given status. */
static void
expect_refused(const uint8_t *b, size_t len, AeStatus status, const char *what)
{
	AeError		err = {0};
	AeModel    *m = ae_model_deserialize(b, len, &err);

	AE_CHECK(m == NULL, "%s: accepted", what);
	AE_CHECK(err.status == status, "%s: status %d, expected %d (%s)", what, err.status, status, err.msg);
	ae_model_free(m);
}

/* Every truncation, every bit flip, and hand-made inconsistencies. */
static void
test_corruption_refused(void)
{
	size_t		len;
	uint8_t    *good = sample_model_bytes(&len, NULL);
	uint8_t    *b;

	if (!good)
		return;
	b = malloc(len + 64);

	for (size_t cut = 0; cut < len; cut++)
	{
		AeError		err = {0};
		AeModel    *m = ae_model_deserialize(good, cut, &err);

		AE_CHECK(m == NULL && err.status != AE_OK, "truncated to %zu accepted", cut);
		ae_model_free(m);
	}
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++)
		{
			AeError		err = {0};
			AeModel    *m;

			memcpy(b, good, len);
			b[i] ^= (uint8_t) (1 << bit);
			m = ae_model_deserialize(b, len, &err);
			AE_CHECK(m == NULL, "bit %d of byte %zu flipped accepted", bit, i);
			/* damage, never "newer version": the checksum is checked first */
			AE_CHECK(err.status == AE_ECORRUPT, "bit %d of byte %zu flipped: status %d (%s)",
					 bit, i, err.status, err.msg);
			ae_model_free(m);
		}

	/* newer format version, unknown flags, unknown kind (valid checksums) */
	memcpy(b, good, len);
	b[4] = 2;
	fix_crc(b, len);
	expect_refused(b, len, AE_EVERSION, "format version 2");
	memcpy(b, good, len);
	b[8] = 1;
	fix_crc(b, len);
	expect_refused(b, len, AE_EVERSION, "unknown flag");
	memcpy(b, good, len);
	b[6] = 7;
	fix_crc(b, len);
	expect_refused(b, len, AE_ECORRUPT, "kind 7");
	/* absurd sizes in the header are refused before any allocation */
	memcpy(b, good, len);
	put_u32(b + 12, 0xFFFFFFFFu);
	fix_crc(b, len);
	expect_refused(b, len, AE_ECORRUPT, "4 billion features");
	memcpy(b, good, len);
	put_u32(b + 16, 3);			/* 3 components but 2 stored eigenvectors? no: 4 */
	put_u32(b + 12, 2);
	fix_crc(b, len);
	expect_refused(b, len, AE_ECORRUPT, "components > features");
	memcpy(b, good, len);
	put_u32(b + 20, 1000);
	fix_crc(b, len);
	expect_refused(b, len, AE_ECORRUPT, "too many sections");

	/* trailing garbage with a consistent length field */
	memcpy(b, good, len);
	memset(b + len, 0, 8);
	put_u32(b + 24, (uint32_t) (len + 8));
	fix_crc(b, len + 8);
	expect_refused(b, len + 8, AE_ECORRUPT, "trailing bytes");

	free(b);
	free(good);
}

/* Appends a section; an optional unknown one is skipped, a required one refused. */
static void
test_unknown_sections(void)
{
	size_t		len;
	uint8_t    *good = sample_model_bytes(&len, NULL);
	uint8_t    *b;
	AeError		err = {0};
	AeModel    *m;

	if (!good)
		return;
	b = malloc(len + 16);
	memcpy(b, good, len);
	put_u32(b + len, 0x5A5A5A5Au);	/* tag */
	b[len + 4] = 1;				/* version 1 */
	b[len + 5] = 0;
	b[len + 6] = AE_SECTION_OPTIONAL;	/* flags */
	b[len + 7] = 0;
	put_u32(b + len + 8, 4);	/* length */
	put_u32(b + len + 12, 0xDEADBEEFu);
	put_u32(b + 20, b[20] + 1u);
	put_u32(b + 24, (uint32_t) (len + 16));
	fix_crc(b, len + 16);
	m = ae_model_deserialize(b, len + 16, &err);
	AE_CHECK(m != NULL, "optional unknown section refused: %s", err.msg);
	ae_model_free(m);

	b[len + 6] = 0;				/* now required */
	fix_crc(b, len + 16);
	expect_refused(b, len + 16, AE_EVERSION, "required unknown section");

	/* a duplicate of a known section */
	memcpy(b + len, good + AE_HEADER_SIZE, 12);
	fix_crc(b, len + 16);
	expect_refused(b, len + 16, AE_ECORRUPT, "duplicate or truncated section");
	free(b);
	free(good);
}

/* Random bytes behind a valid header never crash the reader. */
static void
test_random_payloads(void)
{
	size_t		len;
	uint8_t    *good = sample_model_bytes(&len, NULL);
	uint8_t    *b;
	int			accepted = 0;

	if (!good)
		return;
	b = malloc(len);
	for (int iter = 0; iter < 20000; iter++)
	{
		AeError		err = {0};
		AeModel    *m;
		int			flips = 1 + (int) ((rnd() + 1) * 4);

		memcpy(b, good, len);
		for (int f = 0; f < flips; f++)
		{
			size_t		pos = AE_HEADER_SIZE + (size_t) ((rnd() + 1) / 2 * (len - AE_HEADER_SIZE));

			if (pos >= len)
				pos = len - 1;
			b[pos] = (uint8_t) ((rnd() + 1) * 128);
		}
		fix_crc(b, len);
		m = ae_model_deserialize(b, len, &err);
		if (m)
		{
			double		x[4] = {0, 0, 0, 0};

			accepted++;
			(void) ae_model_score(m, x);
			ae_model_free(m);
		}
		else
			AE_CHECK(err.status != AE_OK && err.msg[0] != '\0', "refusal without a message");
	}
	/* flips inside the float payload give valid models; headers give none */
	AE_CHECK(accepted < 20000, "every mutation accepted");
	free(b);
	free(good);
}

/*
 * The score of a PCA model built by hand, against values worked out on
 * paper.  d = 3, mean (1, 2, 3), scale (2, 1, 0.5), components (0.6, 0.8, 0),
 * (-0.8, 0.6, 0), (0, 0, 1) with eigenvalues 4, 2, 1, one kept.  The row
 * x = (3, 4, 4) scales to z = (1, 2, 2); its code is 0.6 + 1.6 = 2.2; the
 * scaled reconstruction 2.2 (0.6, 0.8, 0) = (1.32, 1.76, 0) leaves the
 * residual (-0.32, 0.24, 2), whose mean square is 4.16 / 3.  Whitening
 * divides the code by sqrt(4) and leaves the score alone.
 */
static void
test_score_pca_by_hand(void)
{
	static const double vectors[9] = {0.6, 0.8, 0, -0.8, 0.6, 0, 0, 0, 1};
	double		x[3] = {3, 4, 4},
				code[1],
				out[3];
	AeError		err = {0};

	for (int whiten = 0; whiten <= 1; whiten++)
	{
		AeModel    *m = ae_model_new(AE_KIND_PCA, 3, 1, &err);

		AE_CHECK(m != NULL, "model_new: %s", err.msg);
		if (!m)
			return;
		m->mean[0] = 1, m->mean[1] = 2, m->mean[2] = 3;
		m->scale[0] = 2, m->scale[1] = 1, m->scale[2] = 0.5;
		m->scale_mode = AE_SCALE_STANDARD;
		m->whiten = whiten;
		m->n_eigenvalues = 3;
		m->eigenvalues = ae_alloc_array(3, sizeof(double));
		m->eigenvalues[0] = 4, m->eigenvalues[1] = 2, m->eigenvalues[2] = 1;
		m->n_vectors = 3;
		m->vectors = ae_alloc_array(9, sizeof(double));
		memcpy(m->vectors, vectors, sizeof(vectors));
		AE_CHECK(ae_model_finish(m, &err) == AE_OK, "finish: %s", err.msg);
		AE_CHECK_CLOSE(ae_model_score(m, x), 4.16 / 3, 1e-14);
		ae_model_encode(m, x, code);
		AE_CHECK_CLOSE(code[0], whiten ? 1.1 : 2.2, 1e-14);
		/* back in the original space: z * scale + mean */
		ae_model_reconstruct(m, x, out);
		AE_CHECK_CLOSE(out[0], 1.32 * 2 + 1, 1e-14);
		AE_CHECK_CLOSE(out[1], 1.76 * 1 + 2, 1e-14);
		AE_CHECK_CLOSE(out[2], 0 * 0.5 + 3, 1e-14);
		ae_model_free(m);
	}
}

/*
 * The score of autoencoders built by hand: d = 2, one code unit, encoder
 * weights (0.5, -1) and bias 0.25, decoder weights (2, 1) and biases
 * (0, -0.5), mean (0, 1), scale (1, 2).  The row x = (1, 5) scales to
 * z = (1, 2), whose pre-activation code is 0.5 - 2 + 0.25 = -1.25.
 *   linear:  code -1.25, reconstruction (-2.5, -1.75), residual (3.5, 3.75),
 *            score (12.25 + 14.0625) / 2 = 13.15625
 *   relu:    code 0, reconstruction (0, -0.5), residual (1, 2.5),
 *            score (1 + 6.25) / 2 = 3.625
 *   tied (linear, decoder weights (0.5, -1)): reconstruction
 *            (-0.625, 0.75), residual (1.625, 1.25), score 2.1015625
 *   sigmoid: code s = 1 / (1 + e^1.25), reconstruction (2s, s - 0.5),
 *            score ((1 - 2s)^2 + (2.5 - s)^2) / 2
 * (all but the sigmoid case are exact in float32).
 */
static void
test_score_autoencoder_by_hand(void)
{
	struct
	{
		AeActivation act;
		bool		tied;
		double		code;
		double		score;
	}			cases[4];
	double		s = 1 / (1 + exp(1.25));
	double		x[2] = {1, 5},
				code[1],
				out[2];
	AeError		err = {0};

	cases[0].act = AE_ACT_LINEAR, cases[0].tied = false, cases[0].code = -1.25, cases[0].score = 13.15625;
	cases[1].act = AE_ACT_RELU, cases[1].tied = false, cases[1].code = 0, cases[1].score = 3.625;
	cases[2].act = AE_ACT_LINEAR, cases[2].tied = true, cases[2].code = -1.25, cases[2].score = 2.1015625;
	cases[3].act = AE_ACT_SIGMOID, cases[3].tied = false, cases[3].code = s,
		cases[3].score = ((1 - 2 * s) * (1 - 2 * s) + (2.5 - s) * (2.5 - s)) / 2;

	for (int c = 0; c < 4; c++)
	{
		AeNetConfig nc;
		AeModel    *m = ae_model_new(AE_KIND_AUTOENCODER, 2, 1, &err);
		AeNet	   *net;

		AE_CHECK(m != NULL, "model_new: %s", err.msg);
		if (!m)
			return;
		ae_net_config_defaults(&nc);
		nc.n_inputs = 2;
		nc.n_hidden = 1;
		nc.hidden[0] = 1;
		nc.activation = cases[c].act;
		nc.output_activation = AE_ACT_LINEAR;
		nc.tied_weights = cases[c].tied;
		net = ae_net_create(&nc, &err);
		AE_CHECK(net != NULL, "net_create: %s", err.msg);
		if (!net)
		{
			ae_model_free(m);
			return;
		}
		/* encoder: layer 0 (1 x 2); decoder: layer 1 (2 x 1) */
		net->params[net->layers[0].w_off + 0] = 0.5f;
		net->params[net->layers[0].w_off + 1] = -1.0f;
		net->params[net->layers[0].b_off] = 0.25f;
		if (!cases[c].tied)
		{
			net->params[net->layers[1].w_off + 0] = 2.0f;
			net->params[net->layers[1].w_off + 1] = 1.0f;
		}
		net->params[net->layers[1].b_off + 0] = 0.0f;
		net->params[net->layers[1].b_off + 1] = -0.5f;
		m->net = net;
		m->mean[0] = 0, m->mean[1] = 1;
		m->scale[0] = 1, m->scale[1] = 2;
		AE_CHECK(ae_model_finish(m, &err) == AE_OK, "finish: %s", err.msg);
		AE_CHECK_CLOSE(ae_model_score(m, x), cases[c].score, 1e-6);
		ae_model_encode(m, x, code);
		AE_CHECK_CLOSE(code[0], cases[c].code, 1e-6);
		/* original space: reconstruction * scale + mean */
		if (c == 0)
		{
			ae_model_reconstruct(m, x, out);
			AE_CHECK_CLOSE(out[0], -2.5, 1e-6);
			AE_CHECK_CLOSE(out[1], -1.75 * 2 + 1, 1e-6);
		}
		ae_model_free(m);
	}
}

/* CRC-32 of "123456789" is the standard check value. */
static void
test_crc32(void)
{
	AE_CHECK(ae_crc32(0, "123456789", 9) == 0xCBF43926u, "crc %08x", ae_crc32(0, "123456789", 9));
}

AE_TEST_MAIN("model",
			 AE_TEST(test_crc32),
			 AE_TEST(test_moments_batched_and_merged),
			 AE_TEST(test_eigen_known_matrix),
			 AE_TEST(test_pca_identities),
			 AE_TEST(test_pca_fit_errors),
			 AE_TEST(test_score_pca_by_hand),
			 AE_TEST(test_score_autoencoder_by_hand),
			 AE_TEST(test_roundtrip),
			 AE_TEST(test_corruption_refused),
			 AE_TEST(test_unknown_sections),
			 AE_TEST(test_random_payloads))
