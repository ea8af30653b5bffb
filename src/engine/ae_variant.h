/*-------------------------------------------------------------------------
 *
 * ae_variant.h
 *	  Autoencoder variants: which one a model is, the options of each, and
 *	  where each concern lives in the engine.
 *
 *	  - ae_variant.c: option defaults and checks, names, and the VARI
 *		section of the model format that records the variant.
 *	  - ae_noise.c: input corruption of the denoising autoencoder (Vincent
 *		et al. 2008), applied to a training mini-batch only.
 *	  - ae_vae.c: the variational head's sampled forward pass and gradient,
 *		the Monte Carlo ELBO, and sampling from the prior.  A variational
 *		network has its own NNET version (2), so its VARI section is
 *		required reading: older readers refuse the network anyway.
 *	  - ae_penalty.c: penalty terms on the code layer's activations, each
 *		with its value and its gradient: the sparsity KL divergence, L1
 *		activity, and the contractive penalty (Rifai et al. 2011).
 *
 * The trainer (ae_train.c) only asks these files for a corrupted batch and
 * for the penalties' gradient at the code layer; ae_nn_batch_grad injects
 * that gradient into back-propagation.  Denoising, sparse and contractive
 * autoencoders score exactly like a basic one (the clean path), so their
 * VARI section is optional: a reader that does not know it may skip it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_VARIANT_H
#define AE_VARIANT_H

#include "ae_common.h"

typedef enum AeVariant
{
	AE_VARIANT_BASIC = 0,
	AE_VARIANT_DENOISING,
	AE_VARIANT_SPARSE,
	AE_VARIANT_CONTRACTIVE,
	AE_VARIANT_VARIATIONAL
} AeVariant;

#define AE_VARIANT_LAST AE_VARIANT_VARIATIONAL

typedef enum AeNoiseType
{
	AE_NOISE_NONE = 0,
	AE_NOISE_MASKING,			/* zero each input with probability rate */
	AE_NOISE_GAUSSIAN			/* add N(0, stddev^2) in the scaled space */
} AeNoiseType;

/* Options of the variants; ae_variant_config_defaults() fills defaults. */
typedef struct AeVariantConfig
{
	AeVariant	variant;
	AeNoiseType noise;			/* denoising only */
	double		noise_rate;		/* masking, default 0.3 */
	double		noise_stddev;	/* gaussian, default 0.5 */
	double		sparsity_target;	/* rho, default 0.05 (sparse) */
	double		sparsity_weight;	/* beta, default 1 (sparse) */
	double		l1_activity;	/* any variant, default 0 */
	double		contractive_weight; /* lambda, default 0.1 (contractive) */
	double		beta;			/* KL weight, default 1 (variational) */
	int			loss;			/* AeLoss of a variational model's decoder
								 * (recorded for its ELBO) */
} AeVariantConfig;

/* ---- ae_variant.c ---- */
extern void ae_variant_config_defaults(AeVariantConfig *v);
/* Ranges and consistency; code_act is the code layer's activation. */
extern AeStatus ae_variant_config_validate(const AeVariantConfig *v,
										   int code_act, AeError *err);
extern const char *ae_variant_name(AeVariant v);
extern const char *ae_noise_name(AeNoiseType n);
/* True when the model needs a VARI section (anything but a plain basic). */
extern bool ae_variant_recorded(const AeVariantConfig *v);
/* VARI payload: version 1, or 2 for a variational model (adds beta and loss). */
extern int	ae_variant_section_version(const AeVariantConfig *v);
extern void ae_variant_write(const AeVariantConfig *v, AeWriter *w);
extern AeStatus ae_variant_read(AeReader *r, int version, AeVariantConfig *v,
							   AeError *err);

#endif							/* AE_VARIANT_H */
