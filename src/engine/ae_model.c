/*-------------------------------------------------------------------------
 *
 * ae_model.c
 *	  Model lifecycle, the versioned binary format (writer and validating
 *	  reader), and one-row scoring for every model kind.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_model.h"
#include "ae_detect.h"
#include "ae_stats.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define AE_SEC_HEADER_SIZE	12
#define AE_HISTORY_ROW_SIZE (4 + AE_PHASE_LEN + 3 * 8)
/* version 2 rows add the variational terms (reconstruction, KL) */
#define AE_HISTORY_ROW_SIZE2 (AE_HISTORY_ROW_SIZE + 2 * 8)

/*
 * Section versions this reader understands.  META version 2 has the
 * layout of version 1 and allows scale mode minmax; it is written only for
 * such models, so that 0.1.0 refuses them as newer rather than damaged.
 */
#define AE_SECVER_META		2
#define AE_SECVER_SCALE	1
#define AE_SECVER_PCA		1
#define AE_SECVER_NNET		1
#define AE_SECVER_HISTORY	2
#define AE_SECVER_SAMPLE	1
#define AE_SECVER_DETECT	1
#define AE_SECVER_ROBUST	1
#define AE_SECVER_VARIANT	2
#define AE_SECVER_CONV		1

/* Name of a model kind, as ae_model_info reports it. */
const char *
ae_kind_name(AeKind kind)
{
	switch (kind)
	{
		case AE_KIND_PCA:
			return "pca";
		case AE_KIND_AUTOENCODER:
			return "autoencoder";
	}
	return "unknown";
}

/* Name of a scaling mode, as the scale option spells it. */
const char *
ae_scale_name(AeScaleMode mode)
{
	switch (mode)
	{
		case AE_SCALE_STANDARD:
			return "standard";
		case AE_SCALE_CENTER:
			return "center";
		case AE_SCALE_NONE:
			return "none";
		case AE_SCALE_MINMAX:
			return "minmax";
	}
	return "unknown";
}

/* Scale per feature: standard deviation, or 1 for a constant column. */
static double
feature_scale(double var, double mean)
{
	double		sd = var > 0 ? sqrt(var) : 0;

	if (!(sd > 1e-12 * fabs(mean)) || !isfinite(sd))
		return 1.0;
	return sd;
}

/* Mean and scale of each feature for a scaling mode. */
void
ae_scaling_from_moments(int d, double n, const double *mean, const double *m2,
						AeScaleMode mode, double *out_mean, double *out_scale)
{
	for (int i = 0; i < d; i++)
	{
		double		var = n > 1 ? m2[(size_t) i * d + i] / (n - 1) : 0;

		out_mean[i] = mode == AE_SCALE_NONE ? 0.0 : mean[i];
		out_scale[i] = mode == AE_SCALE_STANDARD ? feature_scale(var, mean[i]) : 1.0;
	}
}

/* Mean and scale of each feature for a scaling mode, from O(d) statistics. */
void
ae_scaling_from_feature_stats(const AeFeatureStats *s, AeScaleMode mode,
							  double *out_mean, double *out_scale)
{
	for (int i = 0; i < s->d; i++)
	{
		double		var = s->n > 1 ? s->m2[i] / (s->n - 1) : 0;

		switch (mode)
		{
			case AE_SCALE_STANDARD:
				out_mean[i] = s->mean[i];
				out_scale[i] = feature_scale(var, s->mean[i]);
				break;
			case AE_SCALE_CENTER:
				out_mean[i] = s->mean[i];
				out_scale[i] = 1.0;
				break;
			case AE_SCALE_NONE:
				out_mean[i] = 0.0;
				out_scale[i] = 1.0;
				break;
			case AE_SCALE_MINMAX:
				{
					double		range = s->max[i] - s->min[i];

					out_mean[i] = s->min[i];
					out_scale[i] = (range > 1e-12 * fabs(s->min[i]) && isfinite(range)) ?
						range : 1.0;
					break;
				}
		}
	}
}

/* A new model with identity scaling; kind-specific parts are left empty. */
AeModel *
ae_model_new(AeKind kind, int n_features, int n_components, AeError *err)
{
	AeModel    *m;

	if (n_features < 1 || n_features > AE_MAX_FEATURES)
	{
		ae_fail(err, AE_ELIMIT, "models have 1 to %d features, not %d",
				AE_MAX_FEATURES, n_features);
		return NULL;
	}
	m = ae_alloc0(sizeof(AeModel));
	if (!m)
	{
		ae_fail(err, AE_ENOMEM, "out of memory");
		return NULL;
	}
	m->kind = kind;
	m->format_version = AE_FORMAT_VERSION;
	m->n_features = n_features;
	m->n_components = n_components;
	m->mean = ae_alloc_array(n_features, sizeof(double));
	m->scale = ae_alloc_array(n_features, sizeof(double));
	if (!m->mean || !m->scale)
	{
		ae_model_free(m);
		ae_fail(err, AE_ENOMEM, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n_features; i++)
		m->scale[i] = 1.0;
	ae_variant_config_defaults(&m->variant);
	return m;
}

/* Release a model and everything it owns. */
void
ae_model_free(AeModel *m)
{
	if (!m)
		return;
	ae_free(m->ext_version);
	ae_free(m->options_json);
	ae_free(m->mean);
	ae_free(m->scale);
	ae_free(m->eigenvalues);
	ae_free(m->vectors);
	ae_free(m->robust_location);
	ae_free(m->robust_eigenvalues);
	ae_free(m->robust_vectors);
	if (m->net)
		ae_net_free(m->net);
	ae_free(m->history);
	for (int i = 0; i < m->n_score_sets; i++)
		ae_free(m->score_sets[i].q);
	ae_free(m->score_sets);
	ae_free(m->work_d);
	ae_free(m->work_d2);
	ae_free(m->work_k);
	ae_free(m->work_f);
	ae_free(m);
}

/* Allocate the one-row scoring scratch. */
AeStatus
ae_model_finish(AeModel *m, AeError *err)
{
	int			wide = m->n_features > m->n_components ? m->n_features : m->n_components;

	ae_free(m->work_d);
	ae_free(m->work_d2);
	ae_free(m->work_k);
	ae_free(m->work_f);
	m->work_d = ae_alloc_array(m->n_features, sizeof(double));
	m->work_d2 = ae_alloc_array(m->n_features, sizeof(double));
	m->work_k = ae_alloc_array(wide, sizeof(double));
	m->work_f = ae_alloc_array((size_t) 2 * wide, sizeof(float));
	if (!m->work_d || !m->work_d2 || !m->work_k || !m->work_f)
		return ae_fail(err, AE_ENOMEM, "out of memory for model scratch");
	return AE_OK;
}

/* ---------- writing ---------- */

/* Start a section; returns the offset of its length field. */
static size_t
begin_section(AeWriter *w, uint32_t tag, uint16_t version, uint16_t flags)
{
	size_t		at;

	ae_write_u32(w, tag);
	ae_write_u16(w, version);
	ae_write_u16(w, flags);
	at = w->len;
	ae_write_u32(w, 0);
	return at;
}

/* Patch the section length once its payload is written. */
static void
end_section(AeWriter *w, size_t len_at)
{
	ae_put_u32_at(w, len_at, (uint32_t) (w->len - len_at - 4));
}

/* Serialise a model: header, then META, SCAL, kind sections, VARI, HIST. */
AeStatus
ae_model_serialize(const AeModel *m, uint8_t **out, size_t *out_len,
				   AeError *err)
{
	AeWriter	w;
	size_t		at;
	uint32_t	nsec = 0;
	uint32_t	crc;

	ae_writer_init(&w, 256 + (size_t) m->n_features * 16);

	ae_write_u32(&w, AE_MAGIC);
	ae_write_u16(&w, AE_FORMAT_VERSION);
	ae_write_u16(&w, (uint16_t) m->kind);
	ae_write_u32(&w, 0);		/* flags */
	ae_write_u32(&w, (uint32_t) m->n_features);
	ae_write_u32(&w, (uint32_t) m->n_components);
	ae_write_u32(&w, 0);		/* n_sections, patched below */
	ae_write_u32(&w, 0);		/* total length, patched below */
	ae_write_u32(&w, 0);		/* checksum, patched below */

	at = begin_section(&w, AE_SEC_META, m->scale_mode == AE_SCALE_MINMAX ? 2 : 1, 0);
	ae_write_u64(&w, (uint64_t) m->n_rows);
	ae_write_f64(&w, m->train_seconds);
	ae_write_u32(&w, (uint32_t) m->scale_mode);
	ae_write_u32(&w, m->whiten ? 1 : 0);
	ae_write_str(&w, m->ext_version ? m->ext_version : "");
	ae_write_str(&w, m->options_json ? m->options_json : "{}");
	end_section(&w, at);
	nsec++;

	at = begin_section(&w, AE_SEC_SCALE, AE_SECVER_SCALE, 0);
	ae_write_f64s(&w, m->mean, m->n_features);
	ae_write_f64s(&w, m->scale, m->n_features);
	end_section(&w, at);
	nsec++;

	if (m->kind == AE_KIND_PCA)
	{
		at = begin_section(&w, AE_SEC_PCA, AE_SECVER_PCA, 0);
		ae_write_u32(&w, (uint32_t) m->n_eigenvalues);
		ae_write_u32(&w, (uint32_t) m->n_vectors);
		ae_write_f64s(&w, m->eigenvalues, m->n_eigenvalues);
		ae_write_f64s(&w, m->vectors, (size_t) m->n_vectors * m->n_features);
		end_section(&w, at);
		nsec++;
	}
	else
	{
		if (ae_net_kind(m->net) == AE_NET_CONV)
		{
			AeNetConfig nc;

			/* required: an older reader must refuse what it cannot score */
			ae_net_get_config(m->net, &nc);
			at = begin_section(&w, AE_SEC_CONV, AE_SECVER_CONV, 0);
			ae_conv_write(&nc.conv, &w);
			end_section(&w, at);
			nsec++;
		}
		at = begin_section(&w, AE_SEC_NNET, AE_SECVER_NNET, 0);
		ae_net_write(m->net, &w);
		end_section(&w, at);
		nsec++;
		if (ae_variant_recorded(&m->variant))
		{
			at = begin_section(&w, AE_SEC_VARIANT,
							   (uint16_t) ae_variant_section_version(&m->variant),
							   AE_SECTION_OPTIONAL);
			ae_variant_write(&m->variant, &w);
			end_section(&w, at);
			nsec++;
		}
	}

	if (m->n_history > 0)
	{
		/* version 1, as 0.1.0 wrote, unless there are variational terms */
		bool		terms = m->net && m->variant.variant == AE_VARIANT_VARIATIONAL;

		at = begin_section(&w, AE_SEC_HISTORY, terms ? 2 : 1, AE_SECTION_OPTIONAL);
		ae_write_u32(&w, (uint32_t) m->n_history);
		for (int i = 0; i < m->n_history; i++)
		{
			char		phase[AE_PHASE_LEN];

			memset(phase, 0, sizeof(phase));
			memcpy(phase, m->history[i].phase, strnlen(m->history[i].phase, AE_PHASE_LEN - 1));
			ae_write_u32(&w, (uint32_t) m->history[i].epoch);
			ae_write_bytes(&w, phase, AE_PHASE_LEN);
			ae_write_f64(&w, m->history[i].loss);
			ae_write_f64(&w, m->history[i].val_loss);
			ae_write_f64(&w, m->history[i].seconds);
			if (terms)
			{
				ae_write_f64(&w, m->history[i].recon);
				ae_write_f64(&w, m->history[i].kl);
			}
		}
		end_section(&w, at);
		nsec++;
	}

	if (m->n_rows_trained > 0 && m->n_rows_trained != m->n_rows)
	{
		/* optional: older readers report n_rows alone */
		at = begin_section(&w, AE_SEC_SAMPLE, AE_SECVER_SAMPLE, AE_SECTION_OPTIONAL);
		ae_write_u64(&w, (uint64_t) m->n_rows_trained);
		end_section(&w, at);
		nsec++;
	}

	if (m->has_robust)
	{
		size_t		dd = (size_t) m->n_features * m->n_features;

		at = begin_section(&w, AE_SEC_ROBUST, AE_SECVER_ROBUST, 0);
		ae_write_u64(&w, (uint64_t) m->robust_rows);
		ae_write_u64(&w, (uint64_t) m->robust_kept);
		ae_write_f64s(&w, m->robust_location, m->n_features);
		ae_write_f64s(&w, m->robust_eigenvalues, m->n_features);
		ae_write_f64s(&w, m->robust_vectors, dd);
		end_section(&w, at);
		nsec++;
	}

	if (m->has_detect)
	{
		at = begin_section(&w, AE_SEC_DETECT, AE_SECVER_DETECT, 0);
		ae_write_str(&w, m->default_method);
		ae_write_f64(&w, m->contamination);
		ae_write_u64(&w, (uint64_t) m->calib_rows);
		ae_write_u32(&w, (uint32_t) m->n_score_sets);
		for (int i = 0; i < m->n_score_sets; i++)
		{
			ae_write_str(&w, m->score_sets[i].method);
			ae_write_u32(&w, (uint32_t) m->score_sets[i].n);
			ae_write_f64s(&w, m->score_sets[i].q, m->score_sets[i].n);
		}
		end_section(&w, at);
		nsec++;
	}

	if (m->n_history > AE_MAX_HISTORY)
		w.failed = true;
	if (w.failed)
	{
		ae_free(w.data);
		return ae_fail(err, AE_ELIMIT,
					   "model of %d features is too large to serialise (limit %zu bytes)",
					   m->n_features, (size_t) AE_MAX_MODEL_BYTES);
	}
	ae_put_u32_at(&w, 20, nsec);
	ae_put_u32_at(&w, 24, (uint32_t) w.len);
	crc = ae_crc32(0, w.data, w.len);
	ae_put_u32_at(&w, 28, crc);
	*out = w.data;
	*out_len = w.len;
	return AE_OK;
}

/* ---------- reading ---------- */

/* True when every one of n doubles is finite. */
static bool
all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return true;
}

/* Fail with AE_ECORRUPT and a message prefixed the same way everywhere. */
#define CORRUPT(...) ae_fail(err, AE_ECORRUPT, __VA_ARGS__)


/*
 * Names the writers produce (version strings, history phases) are printable
 * ASCII; anything else would reach SQL as text in an unchecked encoding.
 */
static bool
printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}
/* META payload (version 1, or 2 for minmax scaling). */
static AeStatus
read_meta(AeReader *r, int version, AeModel *m, AeError *err)
{
	uint64_t	n_rows = ae_read_u64(r);
	uint32_t	scale_mode;
	uint32_t	whiten;

	m->train_seconds = ae_read_f64(r);
	scale_mode = ae_read_u32(r);
	whiten = ae_read_u32(r);
	if (r->failed)
		return CORRUPT("model metadata is truncated");
	/* NaN training time means "not recorded"; infinities are not ours */
	if (n_rows > (uint64_t) INT64_MAX || whiten > 1 || isinf(m->train_seconds) ||
		scale_mode > (version >= 2 ? AE_SCALE_MINMAX : AE_SCALE_NONE) ||
		(version >= 2 && scale_mode != AE_SCALE_MINMAX))
		return CORRUPT("model metadata has invalid values");
	m->n_rows = (int64_t) n_rows;
	m->scale_mode = (AeScaleMode) scale_mode;
	m->whiten = whiten != 0;
	m->ext_version = ae_read_str(r, AE_MAX_TEXT);
	if (!m->ext_version || !printable_ascii(m->ext_version))
		return CORRUPT("model version string is invalid");
	m->options_json = ae_read_str(r, AE_MAX_TEXT);
	if (!m->options_json)
		return CORRUPT("model options are invalid");
	return AE_OK;
}

/* SCAL payload: mean and positive scale per feature. */
static AeStatus
read_scale(AeReader *r, AeModel *m, AeError *err)
{
	if (!ae_read_f64s(r, m->mean, m->n_features) ||
		!ae_read_f64s(r, m->scale, m->n_features))
		return CORRUPT("model scaling section is truncated");
	if (!all_finite(m->mean, m->n_features) || !all_finite(m->scale, m->n_features))
		return CORRUPT("model scaling has non-finite values");
	for (int i = 0; i < m->n_features; i++)
		if (!(m->scale[i] > 0))
			return CORRUPT("model scale of feature %d is not positive", i + 1);
	return AE_OK;
}

/* PCA payload: every eigenvalue, then n_vectors eigenvectors. */
static AeStatus
read_pca(AeReader *r, AeModel *m, AeError *err)
{
	uint32_t	neig = ae_read_u32(r);
	uint32_t	nvec = ae_read_u32(r);
	size_t		nval;

	if (r->failed)
		return CORRUPT("model pca section is truncated");
	if (neig != (uint32_t) m->n_features)
		return CORRUPT("model has %u eigenvalues for %d features", neig, m->n_features);
	if (nvec < (uint32_t) m->n_components || nvec > (uint32_t) m->n_features)
		return CORRUPT("model has %u eigenvectors for %d components and %d features",
					   nvec, m->n_components, m->n_features);
	/* sizes are bounded by AE_MAX_FEATURES^2 now; still check the payload */
	nval = (size_t) nvec * (size_t) m->n_features;
	if (ae_reader_remaining(r) != ((size_t) neig + nval) * 8)
		return CORRUPT("model pca section has %zu bytes, expected %zu",
					   ae_reader_remaining(r), ((size_t) neig + nval) * 8);
	m->n_eigenvalues = (int) neig;
	m->n_vectors = (int) nvec;
	m->eigenvalues = ae_alloc_array(neig, sizeof(double));
	m->vectors = ae_alloc_array(nval, sizeof(double));
	if (!m->eigenvalues || !m->vectors)
		return ae_fail(err, AE_ENOMEM, "out of memory reading model");
	ae_read_f64s(r, m->eigenvalues, neig);
	ae_read_f64s(r, m->vectors, nval);
	if (!all_finite(m->eigenvalues, neig) || !all_finite(m->vectors, nval))
		return CORRUPT("model pca section has non-finite values");
	for (uint32_t i = 0; i < neig; i++)
		if (m->eigenvalues[i] < 0)
			return CORRUPT("model eigenvalue %u is negative", i + 1);
	return AE_OK;
}

/* HIST payload: fixed-size rows. */
static AeStatus
read_history(AeReader *r, int version, AeModel *m, AeError *err)
{
	uint32_t	n = ae_read_u32(r);
	size_t		row_size = version >= 2 ? AE_HISTORY_ROW_SIZE2 : AE_HISTORY_ROW_SIZE;

	if (r->failed || n > AE_MAX_HISTORY ||
		ae_reader_remaining(r) != (size_t) n * row_size)
		return CORRUPT("model training history has the wrong size");
	m->history = ae_alloc_array(n ? n : 1, sizeof(AeHistoryRow));
	if (!m->history)
		return ae_fail(err, AE_ENOMEM, "out of memory reading model");
	m->n_history = (int) n;
	for (uint32_t i = 0; i < n; i++)
	{
		AeHistoryRow *h = &m->history[i];

		h->epoch = (int) ae_read_u32(r);
		ae_read_bytes(r, h->phase, AE_PHASE_LEN);
		h->loss = ae_read_f64(r);
		h->val_loss = ae_read_f64(r);
		h->seconds = ae_read_f64(r);
		h->recon = version >= 2 ? ae_read_f64(r) : NAN;
		h->kl = version >= 2 ? ae_read_f64(r) : NAN;
		if (h->phase[AE_PHASE_LEN - 1] != '\0' || h->epoch < 0 ||
			!printable_ascii(h->phase))
			return CORRUPT("model training history row %u is invalid", i + 1);
		/* canonical: NUL padding after the name */
		for (size_t j = strlen(h->phase); j < AE_PHASE_LEN; j++)
			if (h->phase[j] != '\0')
				return CORRUPT("model training history row %u is invalid", i + 1);
	}
	return AE_OK;
}

/* RBST payload: rows, kept rows, location, eigenvalues, eigenvectors. */
static AeStatus
read_robust(AeReader *r, AeModel *m, AeError *err)
{
	uint64_t	rows = ae_read_u64(r);
	uint64_t	kept = ae_read_u64(r);
	int			d = m->n_features;
	size_t		dd;

	if (r->failed || d > AE_ROBUST_MAX_FEATURES)
		return CORRUPT("model robust section is truncated or too large");
	dd = (size_t) d * d;
	if (ae_reader_remaining(r) != ((size_t) 2 * d + dd) * 8 ||
		rows < 2 || kept < 2 || kept > rows || rows > (uint64_t) INT64_MAX)
		return CORRUPT("model robust section has the wrong size or counts");
	m->robust_location = ae_alloc_array(d, sizeof(double));
	m->robust_eigenvalues = ae_alloc_array(d, sizeof(double));
	m->robust_vectors = ae_alloc_array(dd, sizeof(double));
	if (!m->robust_location || !m->robust_eigenvalues || !m->robust_vectors)
		return ae_fail(err, AE_ENOMEM, "out of memory reading model");
	ae_read_f64s(r, m->robust_location, d);
	ae_read_f64s(r, m->robust_eigenvalues, d);
	ae_read_f64s(r, m->robust_vectors, dd);
	if (!all_finite(m->robust_location, d) || !all_finite(m->robust_eigenvalues, d) ||
		!all_finite(m->robust_vectors, dd))
		return CORRUPT("model robust section has non-finite values");
	for (int i = 0; i < d; i++)
		if (m->robust_eigenvalues[i] < 0 || (i > 0 && m->robust_eigenvalues[i] > m->robust_eigenvalues[i - 1]))
			return CORRUPT("model robust eigenvalues are not descending and non-negative");
	m->robust_rows = (int64_t) rows;
	m->robust_kept = (int64_t) kept;
	m->has_robust = true;
	return AE_OK;
}

/* A score method name: 1 to AE_METHOD_NAME_LEN - 1 bytes of [a-z0-9_]. */
static bool
read_method_name(AeReader *r, char *out)
{
	char	   *name = ae_read_str(r, AE_METHOD_NAME_LEN - 1);
	bool		ok = name != NULL && name[0] != '\0';

	for (const char *c = name; ok && *c; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
	if (ok)
		strcpy(out, name);
	ae_free(name);
	return ok;
}

/*
 * DTCT payload: default method, contamination, rows scored, then per
 * method its name and ascending quantiles.  Whether the named methods
 * exist and apply is checked by the detection layer (ae_detect.c), which
 * owns the method table.
 */
static AeStatus
read_detect(AeReader *r, AeModel *m, AeError *err)
{
	uint64_t	rows;
	uint32_t	nsets;

	if (!read_method_name(r, m->default_method))
		return CORRUPT("model default score method is invalid");
	m->contamination = ae_read_f64(r);
	rows = ae_read_u64(r);
	nsets = ae_read_u32(r);
	if (r->failed)
		return CORRUPT("model detection section is truncated");
	if (!(m->contamination > 0 && m->contamination <= 0.5) ||
		rows > (uint64_t) INT64_MAX || nsets > AE_MAX_SCORE_SETS)
		return CORRUPT("model detection section has invalid values");
	m->calib_rows = (int64_t) rows;
	m->score_sets = ae_alloc_array(nsets ? nsets : 1, sizeof(AeScoreQuantiles));
	if (!m->score_sets)
		return ae_fail(err, AE_ENOMEM, "out of memory reading model");
	for (uint32_t i = 0; i < nsets; i++)
	{
		AeScoreQuantiles *qs = &m->score_sets[i];
		uint32_t	nq;

		if (!read_method_name(r, qs->method))
			return CORRUPT("model score quantiles %u have an invalid method name", i + 1);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(m->score_sets[j].method, qs->method) == 0)
				return CORRUPT("model score quantiles of \"%s\" appear twice", qs->method);
		nq = ae_read_u32(r);
		if (r->failed || nq < 2 || nq > AE_MAX_QUANTILES ||
			ae_reader_remaining(r) < (size_t) nq * 8)
			return CORRUPT("model score quantiles of \"%s\" have the wrong size", qs->method);
		qs->q = ae_alloc_array(nq, sizeof(double));
		if (!qs->q)
			return ae_fail(err, AE_ENOMEM, "out of memory reading model");
		m->n_score_sets = (int) i + 1;
		qs->n = (int) nq;
		ae_read_f64s(r, qs->q, nq);
		for (uint32_t j = 0; j < nq; j++)
			if (!isfinite(qs->q[j]) || (j > 0 && qs->q[j] < qs->q[j - 1]))
				return CORRUPT("model score quantiles of \"%s\" are not finite and ascending",
							   qs->method);
	}
	m->has_detect = true;
	return AE_OK;
}

/* Parse and validate a serialised model. */
AeModel *
ae_model_deserialize(const uint8_t *data, size_t len, AeError *err)
{
	AeReader	r;
	uint32_t	magic,
				flags,
				n_features,
				n_components,
				n_sections,
				total_len,
				stored_crc,
				crc;
	uint16_t	version,
				kind;
	AeModel    *m = NULL;
	uint8_t		zero[4] = {0, 0, 0, 0};
	bool		seen_meta = false,
				seen_scale = false,
				seen_body = false,
				seen_hist = false,
				seen_detect = false,
				seen_robust = false,
				seen_variant = false,
				seen_sample = false,
				seen_conv = false;
	AeReader	nnet_sub;
	AeConvConfig conv;
	uint16_t	skipped_variant_version = 0;

	if (data == NULL || len < AE_HEADER_SIZE)
	{
		CORRUPT("model is too short (%zu bytes, a model has at least %d)",
				len, AE_HEADER_SIZE);
		return NULL;
	}
	ae_reader_init(&r, data, len);
	magic = ae_read_u32(&r);
	version = ae_read_u16(&r);
	kind = ae_read_u16(&r);
	flags = ae_read_u32(&r);
	n_features = ae_read_u32(&r);
	n_components = ae_read_u32(&r);
	n_sections = ae_read_u32(&r);
	total_len = ae_read_u32(&r);
	stored_crc = ae_read_u32(&r);

	if (magic != AE_MAGIC)
	{
		CORRUPT("bytes are not an autoencoder model (bad magic number)");
		return NULL;
	}
	/*
	 * Length and checksum come before the version: every format version
	 * keeps them at these offsets, and a damaged version field must read
	 * as damage, not as a model from a newer release.
	 */
	if (total_len != len)
	{
		CORRUPT("model length is %zu bytes but its header says %u", len, total_len);
		return NULL;
	}
	crc = ae_crc32(0, data, 28);
	crc = ae_crc32(crc, zero, 4);
	crc = ae_crc32(crc, data + 32, len - 32);
	if (crc != stored_crc)
	{
		CORRUPT("model checksum does not match its contents");
		return NULL;
	}
	if (version > AE_FORMAT_VERSION)
	{
		ae_fail(err, AE_EVERSION,
				"model format version %u is newer than the supported version %d",
				version, AE_FORMAT_VERSION);
		return NULL;
	}
	if (version == 0)
	{
		CORRUPT("model format version 0 is invalid");
		return NULL;
	}
	if (kind != AE_KIND_PCA && kind != AE_KIND_AUTOENCODER)
	{
		CORRUPT("model kind %u is unknown", kind);
		return NULL;
	}
	if (flags != 0)
	{
		ae_fail(err, AE_EVERSION, "model has unknown flags %08x", flags);
		return NULL;
	}
	if (n_features < 1 || n_features > AE_MAX_FEATURES)
	{
		CORRUPT("model has %u features, expected 1 to %d", n_features, AE_MAX_FEATURES);
		return NULL;
	}
	if (n_components < 1 || n_components > AE_MAX_FEATURES ||
		(kind == AE_KIND_PCA && n_components > n_features))
	{
		CORRUPT("model has %u components for %u features", n_components, n_features);
		return NULL;
	}
	if (n_sections > AE_MAX_SECTIONS)
	{
		CORRUPT("model has %u sections, at most %d are allowed", n_sections, AE_MAX_SECTIONS);
		return NULL;
	}

	m = ae_model_new((AeKind) kind, (int) n_features, (int) n_components, err);
	if (!m)
		return NULL;

	for (uint32_t s = 0; s < n_sections; s++)
	{
		uint32_t	tag = ae_read_u32(&r);
		uint16_t	sver = ae_read_u16(&r);
		uint16_t	sflags = ae_read_u16(&r);
		uint32_t	slen = ae_read_u32(&r);
		AeReader	sub;
		AeStatus	st = AE_OK;
		bool	   *seen = NULL;
		int			known_version = 0;

		if (r.failed || slen > ae_reader_remaining(&r))
		{
			CORRUPT("model section %u is truncated", s + 1);
			goto fail;
		}
		ae_reader_init(&sub, r.data + r.pos, slen);
		r.pos += slen;

		switch (tag)
		{
			case AE_SEC_META:
				seen = &seen_meta;
				known_version = AE_SECVER_META;
				break;
			case AE_SEC_SCALE:
				seen = &seen_scale;
				known_version = AE_SECVER_SCALE;
				break;
			case AE_SEC_PCA:
				seen = kind == AE_KIND_PCA ? &seen_body : NULL;
				known_version = AE_SECVER_PCA;
				break;
			case AE_SEC_NNET:
				seen = kind == AE_KIND_AUTOENCODER ? &seen_body : NULL;
				known_version = AE_SECVER_NNET;
				break;
			case AE_SEC_HISTORY:
				seen = &seen_hist;
				known_version = AE_SECVER_HISTORY;
				break;
			case AE_SEC_DETECT:
				seen = &seen_detect;
				known_version = AE_SECVER_DETECT;
				break;
			case AE_SEC_ROBUST:
				seen = kind == AE_KIND_PCA ? &seen_robust : NULL;
				known_version = AE_SECVER_ROBUST;
				break;
			case AE_SEC_VARIANT:
				seen = kind == AE_KIND_AUTOENCODER ? &seen_variant : NULL;
				known_version = AE_SECVER_VARIANT;
				break;
			case AE_SEC_SAMPLE:
				seen = &seen_sample;
				known_version = AE_SECVER_SAMPLE;
				break;
			case AE_SEC_CONV:
				seen = kind == AE_KIND_AUTOENCODER ? &seen_conv : NULL;
				known_version = AE_SECVER_CONV;
				break;
			default:
				break;
		}
		if (sflags & ~AE_SECTION_OPTIONAL)
		{
			ae_fail(err, AE_EVERSION, "model section %08x has unknown flags %04x", tag, sflags);
			goto fail;
		}
		if (seen == NULL || sver > known_version || sver == 0)
		{
			if (sflags & AE_SECTION_OPTIONAL)
			{
				/* a newer VARI may be what a newer network needs: see below */
				if (tag == AE_SEC_VARIANT && seen != NULL && sver > known_version)
					skipped_variant_version = sver;
				continue;
			}
			if (seen == NULL && known_version == 0)
				ae_fail(err, AE_EVERSION, "model has an unknown section %08x", tag);
			else if (seen == NULL)
				CORRUPT("model section %08x does not belong to a %s model",
						tag, ae_kind_name((AeKind) kind));
			else
				ae_fail(err, AE_EVERSION, "model section %08x has unsupported version %u",
						tag, sver);
			goto fail;
		}
		if (*seen)
		{
			CORRUPT("model section %08x appears twice", tag);
			goto fail;
		}
		*seen = true;

		switch (tag)
		{
			case AE_SEC_META:
				st = read_meta(&sub, sver, m, err);
				break;
			case AE_SEC_SCALE:
				st = read_scale(&sub, m, err);
				break;
			case AE_SEC_PCA:
				st = read_pca(&sub, m, err);
				break;
			case AE_SEC_NNET:
				/* read after the loop: its layout depends on a CONV section */
				nnet_sub = sub;
				continue;
			case AE_SEC_CONV:
				st = ae_conv_read(&sub, &conv, err);
				break;
			case AE_SEC_HISTORY:
				st = read_history(&sub, sver, m, err);
				break;
			case AE_SEC_DETECT:
				st = read_detect(&sub, m, err);
				break;
			case AE_SEC_ROBUST:
				st = read_robust(&sub, m, err);
				break;
			case AE_SEC_VARIANT:
				st = ae_variant_read(&sub, sver, &m->variant, err);
				break;
			case AE_SEC_SAMPLE:
				{
					uint64_t	trained = ae_read_u64(&sub);

					/* read after META? sections may come in any order: check below */
					if (sub.failed || trained < 1 || trained > (uint64_t) INT64_MAX)
						st = CORRUPT("model sample size is invalid");
					else
						m->n_rows_trained = (int64_t) trained;
					break;
				}
		}
		if (st != AE_OK)
			goto fail;
		if (sub.failed || ae_reader_remaining(&sub) != 0)
		{
			CORRUPT("model section %08x has %zu bytes left over or is truncated",
					tag, ae_reader_remaining(&sub));
			goto fail;
		}
	}
	if (ae_reader_remaining(&r) != 0)
	{
		CORRUPT("model has %zu trailing bytes", ae_reader_remaining(&r));
		goto fail;
	}
	if (seen_sample && m->n_rows_trained >= m->n_rows)
	{
		CORRUPT("model sample of %lld rows is not smaller than the %lld rows seen",
				(long long) m->n_rows_trained, (long long) m->n_rows);
		goto fail;
	}
	m->format_version = version;
	if (!seen_meta || !seen_scale || !seen_body)
	{
		CORRUPT("model is missing a required section");
		goto fail;
	}
	if (kind == AE_KIND_AUTOENCODER)
	{
		m->net = ae_net_read_conv(&nnet_sub, m->n_features,
								  seen_conv ? &conv : NULL, err);
		if (!m->net)
			goto fail;
		if (nnet_sub.failed || ae_reader_remaining(&nnet_sub) != 0)
		{
			CORRUPT("model section %08x has %zu bytes left over or is truncated",
					AE_SEC_NNET, ae_reader_remaining(&nnet_sub));
			goto fail;
		}
		if (ae_net_code_size(m->net) != m->n_components)
		{
			CORRUPT("model network code size %d does not match its header (%d)",
					ae_net_code_size(m->net), m->n_components);
			goto fail;
		}
	}
	if (m->net)
	{
		AeNetConfig nc;

		ae_net_get_config(m->net, &nc);
		if (nc.variational && skipped_variant_version > 0)
		{
			/* the variant this network needs is described in a newer VARI */
			ae_fail(err, AE_EVERSION,
					"model variant section version %u is newer than the supported version %d",
					skipped_variant_version, AE_SECVER_VARIANT);
			goto fail;
		}
		if (nc.variational != (m->variant.variant == AE_VARIANT_VARIATIONAL))
		{
			CORRUPT("model network and variant section disagree about being variational");
			goto fail;
		}
	}
	if (ae_detect_validate(m, err) != AE_OK)
		goto fail;
	if (ae_model_finish(m, err) != AE_OK)
		goto fail;
	return m;

fail:
	ae_model_free(m);
	return NULL;
}

/* ---------- scoring ---------- */

/* z = (x - mean) / scale */
void
ae_model_scale_in(const AeModel *m, const double *x, double *z)
{
	for (int i = 0; i < m->n_features; i++)
		z[i] = (x[i] - m->mean[i]) / m->scale[i];
}

/* x = z * scale + mean */
static void
scale_out(const AeModel *m, const double *z, double *x)
{
	for (int i = 0; i < m->n_features; i++)
		x[i] = z[i] * m->scale[i] + m->mean[i];
}

/* Whitening factor of component i: 1/sqrt(lambda), 0 for a null direction. */
static double
whiten_factor(const AeModel *m, int i)
{
	double		top = m->eigenvalues[0];
	double		l = m->eigenvalues[i];

	if (!(l > 1e-12 * top) || !(l > 0))
		return 0.0;
	return 1.0 / sqrt(l);
}

/* code = V_k z (PCA) in the scaled space. */
static void
pca_project(AeModel *m, const double *z, double *code)
{
	cblas_dgemv(CblasRowMajor, CblasNoTrans, m->n_components, m->n_features,
				1.0, m->vectors, m->n_features, z, 1, 0.0, code, 1);
}

/* z = V_k^T code (PCA) in the scaled space. */
static void
pca_unproject(AeModel *m, const double *code, double *z)
{
	cblas_dgemv(CblasRowMajor, CblasTrans, m->n_components, m->n_features,
				1.0, m->vectors, m->n_features, code, 1, 0.0, z, 1);
}

/* Scaled-space reconstruction of scaled row z into out (both d). */
void
ae_model_reconstruct_scaled(AeModel *m, const double *z, double *out)
{
	int			d = m->n_features;
	int			k = m->n_components;

	if (m->kind == AE_KIND_PCA)
	{
		pca_project(m, z, m->work_k);
		pca_unproject(m, m->work_k, out);
	}
	else
	{
		float	   *fz = m->work_f;
		float	   *fo = m->work_f + (d > k ? d : k);

		for (int i = 0; i < d; i++)
			fz[i] = (float) z[i];
		ae_net_encode(m->net, fz, fo);
		ae_net_decode(m->net, fo, fz);
		for (int i = 0; i < d; i++)
			out[i] = fz[i];
	}
}

/* Code of one row. */
void
ae_model_encode(AeModel *m, const double *x, double *code)
{
	int			d = m->n_features;
	int			k = m->n_components;

	ae_model_scale_in(m, x, m->work_d);
	if (m->kind == AE_KIND_PCA)
	{
		pca_project(m, m->work_d, code);
		if (m->whiten)
			for (int i = 0; i < k; i++)
				code[i] *= whiten_factor(m, i);
	}
	else
	{
		float	   *fz = m->work_f;
		float	   *fc = m->work_f + (d > k ? d : k);

		for (int i = 0; i < d; i++)
			fz[i] = (float) m->work_d[i];
		ae_net_encode(m->net, fz, fc);
		for (int i = 0; i < k; i++)
			code[i] = fc[i];
	}
}

/* Row in the original space from a code. */
void
ae_model_decode(AeModel *m, const double *code, double *x)
{
	int			d = m->n_features;
	int			k = m->n_components;

	if (m->kind == AE_KIND_PCA)
	{
		for (int i = 0; i < k; i++)
		{
			double		f = m->whiten ? whiten_factor(m, i) : 1.0;

			m->work_k[i] = f > 0 ? code[i] / f : (m->whiten ? 0.0 : code[i]);
		}
		pca_unproject(m, m->work_k, m->work_d);
	}
	else
	{
		float	   *fc = m->work_f;
		float	   *fo = m->work_f + (d > k ? d : k);

		for (int i = 0; i < k; i++)
			fc[i] = (float) code[i];
		ae_net_decode(m->net, fc, fo);
		for (int i = 0; i < d; i++)
			m->work_d[i] = fo[i];
	}
	scale_out(m, m->work_d, x);
}

/* Reconstruction of one row in the original space. */
void
ae_model_reconstruct(AeModel *m, const double *x, double *out)
{
	ae_model_scale_in(m, x, m->work_d);
	ae_model_reconstruct_scaled(m, m->work_d, m->work_d2);
	scale_out(m, m->work_d2, out);
}

/* Mean squared reconstruction error in the scaled space. */
double
ae_model_score(AeModel *m, const double *x)
{
	double		sum = 0;

	ae_model_scale_in(m, x, m->work_d);
	ae_model_reconstruct_scaled(m, m->work_d, m->work_d2);
	for (int i = 0; i < m->n_features; i++)
	{
		double		r = m->work_d[i] - m->work_d2[i];

		sum += r * r;
	}
	return sum / m->n_features;
}

/* ---------- variational models ---------- */

/* Is m a variational autoencoder? */
bool
ae_model_is_variational(const AeModel *m)
{
	return m->kind == AE_KIND_AUTOENCODER &&
		m->variant.variant == AE_VARIANT_VARIATIONAL;
}

/*
 * Negative ELBO of one row in the scaled space: the decoder's loss summed
 * over features plus the KL term, averaged over AE_ELBO_SAMPLES draws with
 * a fixed seed (ae_vae.c).
 */
double
ae_model_neg_elbo(AeModel *m, const double *x)
{
	float	   *fz = m->work_f;
	double		v;

	if (!ae_model_is_variational(m))
		return NAN;
	ae_model_scale_in(m, x, m->work_d);
	for (int i = 0; i < m->n_features; i++)
		fz[i] = (float) m->work_d[i];
	if (ae_vae_neg_elbo(m->net, fz, (AeLoss) m->variant.loss, AE_ELBO_SAMPLES,
						AE_ELBO_SEED, &v, NULL) != AE_OK)
		return NAN;
	return v;
}

/* n rows generated from the prior, in the original space, into out (n x d). */
AeStatus
ae_model_sample(AeModel *m, int64_t first, int n, uint64_t seed, double *out,
				AeError *err)
{
	int			d = m->n_features;
	float	   *f;
	AeStatus	st;

	if (!ae_model_is_variational(m))
		return ae_fail(err, AE_EINVAL, "sampling needs a variational model");
	f = ae_alloc_array((size_t) (n > 0 ? n : 1) * d, sizeof(float));
	if (!f)
		return ae_fail(err, AE_ENOMEM, "out of memory sampling %d rows", n);
	st = ae_vae_sample(m->net, first, n, seed, NULL, f, err);
	for (int i = 0; st == AE_OK && i < n; i++)
	{
		for (int j = 0; j < d; j++)
			m->work_d[j] = f[(size_t) i * d + j];
		scale_out(m, m->work_d, out + (size_t) i * d);
	}
	ae_free(f);
	return st;
}
