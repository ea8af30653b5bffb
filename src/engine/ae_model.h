/*-------------------------------------------------------------------------
 *
 * ae_model.h
 *	  The model: what every kind (PCA, autoencoder) shares, its binary
 *	  format, and the scoring API (encode, decode, reconstruct, score).
 *
 * Binary layout (all little-endian; see README "Model format"):
 *
 *	 header, 32 bytes
 *	   0  magic          u32  'AEMD' (0x444D4541)
 *	   4  format version u16  AE_FORMAT_VERSION
 *	   6  kind           u16  1 = pca, 2 = autoencoder
 *	   8  flags          u32  no bits defined yet; unknown bits are refused
 *	  12  n_features     u32
 *	  16  n_components   u32  code size
 *	  20  n_sections     u32
 *	  24  total length   u32  bytes, header included
 *	  28  checksum       u32  CRC-32 of the whole model with this field zero
 *	 then n_sections sections, each
 *	   tag u32, section version u16, section flags u16, length u32, payload
 *
 * Sections: META, SCAL, then PCA or NNET (after CONV for a convolutional
 * network: its shape, which the NNET weights' layout depends on), then the optional VARI (the
 * autoencoder variant and its options: training-only, so an older reader
 * skipping it scores the model the same) and HIST.
 *
 * Section flag AE_SECTION_OPTIONAL marks a section an older reader may skip;
 * any other unknown section, or a known one with a newer section version, is
 * refused.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_MODEL_H
#define AE_MODEL_H

#include "ae_common.h"
#include "ae_nn.h"

#define AE_MAGIC			0x444D4541u /* "AEMD" little-endian */
#define AE_FORMAT_VERSION	1
#define AE_HEADER_SIZE		32
#define AE_MAX_SECTIONS		64
#define AE_MAX_TEXT			65536	/* options / version strings */
#define AE_MAX_HISTORY		2000000 /* > 16 layers x 100000 + 100000 epochs */

#define AE_SECTION_OPTIONAL 0x0001

/* Section tags (ASCII, little-endian). */
#define AE_SEC_META		0x4154454Du /* "META" */
#define AE_SEC_SCALE	0x4C414353u /* "SCAL" */
#define AE_SEC_PCA		0x20414350u /* "PCA " */
#define AE_SEC_NNET		0x54454E4Eu /* "NNET" */
#define AE_SEC_HISTORY	0x54534948u /* "HIST" */
#define AE_SEC_VARIANT	0x49524156u /* "VARI" */
#define AE_SEC_DETECT	0x54435444u /* "DTCT" */
#define AE_SEC_SAMPLE	0x504D4153u /* "SAMP": rows trained on, when a sample */
#define AE_SEC_ROBUST	0x54534252u /* "RBST" */
#define AE_SEC_CONV		0x564E4F43u /* "CONV": convolutional blocks */

#define AE_METHOD_NAME_LEN	32	/* score method names, NUL included */
#define AE_MAX_QUANTILES	1001	/* stored quantiles of one method's training scores */
#define AE_MAX_SCORE_SETS	16	/* methods with stored quantiles */

typedef enum AeKind
{
	AE_KIND_PCA = 1,
	AE_KIND_AUTOENCODER = 2
} AeKind;

typedef enum AeScaleMode
{
	AE_SCALE_STANDARD = 0,
	AE_SCALE_CENTER,
	AE_SCALE_NONE,
	AE_SCALE_MINMAX				/* (x - min) / (max - min): META version 2 */
} AeScaleMode;

/* Quantiles of the training rows' scores by one method. */
typedef struct AeScoreQuantiles
{
	char		method[AE_METHOD_NAME_LEN];
	int			n;				/* 2 .. AE_MAX_QUANTILES */
	double	   *q;				/* q[i]: quantile at i / (n - 1), ascending */
} AeScoreQuantiles;

typedef struct AeModel
{
	AeKind		kind;
	int			n_features;		/* d */
	int			n_components;	/* k: code size */
	int			format_version; /* of the bytes read; AE_FORMAT_VERSION when new */
	int64_t		n_rows;			/* rows seen by training */
	int64_t		n_rows_trained; /* rows of the sample trained on; 0: n_rows */
	double		train_seconds;
	char	   *ext_version;	/* extension version that trained it */
	char	   *options_json;	/* options used, defaults filled in */

	/* scaling: x_scaled = (x - mean) / scale */
	AeScaleMode scale_mode;
	double	   *mean;			/* d */
	double	   *scale;			/* d, never zero */

	/* PCA (kind == AE_KIND_PCA) */
	bool		whiten;
	int			n_eigenvalues;	/* d: every eigenvalue, descending */
	double	   *eigenvalues;	/* n-1 divisor */
	int			n_vectors;		/* k <= n_vectors <= d */
	double	   *vectors;		/* n_vectors x d, row i = component i */

	/* robust location and scatter (PCA, RBST section; ae_robust.c) */
	bool		has_robust;
	int64_t		robust_rows;	/* rows the estimate looked at */
	int64_t		robust_kept;	/* rows it kept (h) */
	double	   *robust_location;	/* d, scaled space */
	double	   *robust_eigenvalues; /* d, descending */
	double	   *robust_vectors; /* d x d, row i = axis i */

	/* autoencoder (kind == AE_KIND_AUTOENCODER) */
	AeNet	   *net;
	AeVariantConfig variant;	/* basic unless a VARI section says more */

	/*
	 * outlier detection (DTCT section, written from 0.2.0 on; a model without
	 * it scores "reconstruction" by default and has no quantiles)
	 */
	bool		has_detect;
	char		default_method[AE_METHOD_NAME_LEN];
	double		contamination;	/* default share flagged by ae_is_anomaly */
	int64_t		calib_rows;		/* training rows the quantiles come from */
	int			n_score_sets;
	AeScoreQuantiles *score_sets;

	/* training history (autoencoders; may be empty) */
	int			n_history;
	AeHistoryRow *history;

	/* scratch for one-row scoring, allocated with the model */
	double	   *work_d;			/* d */
	double	   *work_d2;		/* d */
	double	   *work_k;			/* max(k, d) */
	float	   *work_f;			/* 2 * max(k, d) floats */
} AeModel;

/* ---- lifecycle and format (ae_model.c) ---- */
extern AeModel *ae_model_new(AeKind kind, int n_features, int n_components,
							 AeError *err);
extern void ae_model_free(AeModel *m);
/* Allocates the scoring scratch; call after filling a model by hand. */
extern AeStatus ae_model_finish(AeModel *m, AeError *err);
/* Serialises into *out (ae_alloc'd), *out_len bytes. */
extern AeStatus ae_model_serialize(const AeModel *m, uint8_t **out,
								   size_t *out_len, AeError *err);
/* Validates every byte before use; NULL with err set on any problem. */
extern AeModel *ae_model_deserialize(const uint8_t *data, size_t len,
									 AeError *err);
extern const char *ae_kind_name(AeKind kind);

/*
 * Per-feature mean and scale of a scaling mode, from n rows' moments
 * (ae_stats.h): "standard" divides by the sample standard deviation
 * (n-1 divisor; a constant column keeps scale 1), "center" only centres,
 * "none" is the identity.
 */
extern void ae_scaling_from_moments(int d, double n, const double *mean,
									const double *m2, AeScaleMode mode,
									double *out_mean, double *out_scale);
extern const char *ae_scale_name(AeScaleMode mode);

/*
 * The same from per-feature statistics (ae_stats.h), which also allow
 * "minmax": subtract the minimum and divide by the range, so that the
 * training rows lie in [0, 1] (a constant column keeps scale 1).
 */
struct AeFeatureStats;
extern void ae_scaling_from_feature_stats(const struct AeFeatureStats *s,
										  AeScaleMode mode, double *out_mean,
										  double *out_scale);

/* ---- scoring, one row in the original feature space ---- */
extern void ae_model_encode(AeModel *m, const double *x, double *code);
extern void ae_model_decode(AeModel *m, const double *code, double *x);
extern void ae_model_reconstruct(AeModel *m, const double *x, double *out);
/* Mean squared reconstruction error in the scaled space. */
extern double ae_model_score(AeModel *m, const double *x);

/* ---- variational models ---- */
#define AE_ELBO_SAMPLES		16	/* draws per row of the ELBO score */
#define AE_ELBO_SEED		42	/* their fixed seed: the score is IMMUTABLE */
extern bool ae_model_is_variational(const AeModel *m);
/* Negative ELBO of one row (scaled space; NAN if not variational). */
extern double ae_model_neg_elbo(AeModel *m, const double *x);
/* Rows first .. first+n-1 of seed's sample stream, original space. */
extern AeStatus ae_model_sample(AeModel *m, int64_t first, int n,
								uint64_t seed, double *out, AeError *err);
/* z = (x - mean) / scale, and the reconstruction of a scaled row (d each). */
extern void ae_model_scale_in(const AeModel *m, const double *x, double *z);
extern void ae_model_reconstruct_scaled(AeModel *m, const double *z, double *out);

#endif							/* AE_MODEL_H */
