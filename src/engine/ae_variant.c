/*-------------------------------------------------------------------------
 *
 * ae_variant.c
 *	  Options of the autoencoder variants (defaults, ranges, which options
 *	  go together) and the VARI section that records them in a model.
 *
 * VARI payload, version 1 (little-endian):
 *	 u32 variant, u32 noise type, then f64 noise_rate, noise_stddev,
 *	 sparsity_target, sparsity_weight, l1_activity, contractive_weight.
 * Version 2 (variational models only) appends f64 beta and u32 loss.
 * Options that do not apply to the variant are stored as their defaults.
 * The section is written only when ae_variant_recorded() says so, so a
 * basic model without l1_activity is byte-for-byte what 0.1.0 wrote.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_variant.h"

#include <math.h>
#include <string.h>

#include "ae_nn.h"

#define AE_VARI_PAYLOAD_SIZE	(2 * 4 + 6 * 8)
#define AE_VARI2_PAYLOAD_SIZE	(AE_VARI_PAYLOAD_SIZE + 8 + 4)

/* Fill the defaults: basic, no noise, rho 0.05, beta 1, lambda 0.1. */
void
ae_variant_config_defaults(AeVariantConfig *v)
{
	memset(v, 0, sizeof(*v));
	v->variant = AE_VARIANT_BASIC;
	v->noise = AE_NOISE_NONE;
	v->noise_rate = 0.3;
	v->noise_stddev = 0.5;
	v->sparsity_target = 0.05;
	v->sparsity_weight = 1.0;
	v->l1_activity = 0;
	v->contractive_weight = 0.1;
	v->beta = 1.0;
	v->loss = (int) AE_LOSS_MSE;
}

/* SQL-facing name of a variant. */
const char *
ae_variant_name(AeVariant v)
{
	switch (v)
	{
		case AE_VARIANT_BASIC:
			return "basic";
		case AE_VARIANT_DENOISING:
			return "denoising";
		case AE_VARIANT_SPARSE:
			return "sparse";
		case AE_VARIANT_CONTRACTIVE:
			return "contractive";
		case AE_VARIANT_VARIATIONAL:
			return "variational";
	}
	return "unknown";
}

/* SQL-facing name of a noise type. */
const char *
ae_noise_name(AeNoiseType n)
{
	switch (n)
	{
		case AE_NOISE_NONE:
			return "none";
		case AE_NOISE_MASKING:
			return "masking";
		case AE_NOISE_GAUSSIAN:
			return "gaussian";
	}
	return "unknown";
}

/*
 * Check ranges and that the options fit the variant.  code_act < 0 skips
 * the check that needs the network (sigmoid code units for sparse).
 */
AeStatus
ae_variant_config_validate(const AeVariantConfig *v, int code_act, AeError *err)
{
	if ((int) v->variant < (int) AE_VARIANT_BASIC ||
		(int) v->variant > (int) AE_VARIANT_LAST)
		return ae_fail(err, AE_EINVAL, "unknown variant %d", (int) v->variant);
	if ((int) v->noise < (int) AE_NOISE_NONE ||
		(int) v->noise > (int) AE_NOISE_GAUSSIAN)
		return ae_fail(err, AE_EINVAL, "unknown noise type %d", (int) v->noise);
	if ((v->variant == AE_VARIANT_DENOISING) != (v->noise != AE_NOISE_NONE))
		return ae_fail(err, AE_EINVAL,
					   "noise is needed by, and only allowed with, the denoising variant");
	if (!(v->noise_rate >= 0 && v->noise_rate < 1))
		return ae_fail(err, AE_EINVAL, "noise rate %g is not in [0, 1)",
					   v->noise_rate);
	if (!(v->noise_stddev > 0 && v->noise_stddev <= 1e6))
		return ae_fail(err, AE_EINVAL, "noise stddev %g is not in (0, 1e6]",
					   v->noise_stddev);
	if (!(v->sparsity_target > 0 && v->sparsity_target < 1))
		return ae_fail(err, AE_EINVAL, "sparsity_target %g is not in (0, 1)",
					   v->sparsity_target);
	if (!(v->sparsity_weight >= 0 && v->sparsity_weight <= 1e6))
		return ae_fail(err, AE_EINVAL, "sparsity_weight %g is not in [0, 1e6]",
					   v->sparsity_weight);
	if (!(v->l1_activity >= 0 && v->l1_activity <= 1e6))
		return ae_fail(err, AE_EINVAL, "l1_activity %g is not in [0, 1e6]",
					   v->l1_activity);
	if (!(v->contractive_weight >= 0 && v->contractive_weight <= 1e6))
		return ae_fail(err, AE_EINVAL, "contractive_weight %g is not in [0, 1e6]",
					   v->contractive_weight);
	if (!(v->beta >= 0 && v->beta <= 1e6))
		return ae_fail(err, AE_EINVAL, "beta %g is not in [0, 1e6]", v->beta);
	if (v->loss != (int) AE_LOSS_MSE && v->loss != (int) AE_LOSS_BCE)
		return ae_fail(err, AE_EINVAL, "unknown loss %d", v->loss);
	if (v->variant == AE_VARIANT_SPARSE && code_act >= 0 &&
		code_act != (int) AE_ACT_SIGMOID)
		return ae_fail(err, AE_EINVAL,
					   "the sparse variant needs sigmoid code units, not %s",
					   ae_activation_name((AeActivation) code_act));
	return AE_OK;
}

/* Anything but a basic autoencoder without l1_activity is recorded. */
bool
ae_variant_recorded(const AeVariantConfig *v)
{
	return v->variant != AE_VARIANT_BASIC || v->l1_activity > 0;
}

/* Append the VARI payload. */
void
ae_variant_write(const AeVariantConfig *v, AeWriter *w)
{
	AeVariantConfig def;
	bool		sparse = v->variant == AE_VARIANT_SPARSE;
	bool		contractive = v->variant == AE_VARIANT_CONTRACTIVE;

	/* options of other variants are stored as defaults: canonical bytes */
	ae_variant_config_defaults(&def);
	ae_write_u32(w, (uint32_t) v->variant);
	ae_write_u32(w, (uint32_t) v->noise);
	ae_write_f64(w, v->noise == AE_NOISE_MASKING ? v->noise_rate : def.noise_rate);
	ae_write_f64(w, v->noise == AE_NOISE_GAUSSIAN ? v->noise_stddev : def.noise_stddev);
	ae_write_f64(w, sparse ? v->sparsity_target : def.sparsity_target);
	ae_write_f64(w, sparse ? v->sparsity_weight : def.sparsity_weight);
	ae_write_f64(w, v->l1_activity);
	ae_write_f64(w, contractive ? v->contractive_weight : def.contractive_weight);
	if (ae_variant_section_version(v) == 2)
	{
		ae_write_f64(w, v->beta);
		ae_write_u32(w, (uint32_t) v->loss);
	}
}

/* Version 2 exactly for variational models, so others keep version 1. */
int
ae_variant_section_version(const AeVariantConfig *v)
{
	return v->variant == AE_VARIANT_VARIATIONAL ? 2 : 1;
}

/* Parse and validate a VARI payload that must fill the whole reader. */
AeStatus
ae_variant_read(AeReader *r, int version, AeVariantConfig *v, AeError *err)
{
	uint32_t	variant,
				noise;
	AeError		sub;
	size_t		size = version == 2 ? AE_VARI2_PAYLOAD_SIZE : AE_VARI_PAYLOAD_SIZE;

	ae_variant_config_defaults(v);
	if (ae_reader_remaining(r) != size)
		return ae_fail(err, AE_ECORRUPT,
					   "model variant section has %zu bytes, expected %zu",
					   ae_reader_remaining(r), size);
	variant = ae_read_u32(r);
	noise = ae_read_u32(r);
	if (variant > (uint32_t) AE_VARIANT_LAST || noise > (uint32_t) AE_NOISE_GAUSSIAN)
		return ae_fail(err, AE_ECORRUPT, "model variant section is corrupt");
	v->variant = (AeVariant) variant;
	v->noise = (AeNoiseType) noise;
	v->noise_rate = ae_read_f64(r);
	v->noise_stddev = ae_read_f64(r);
	v->sparsity_target = ae_read_f64(r);
	v->sparsity_weight = ae_read_f64(r);
	v->l1_activity = ae_read_f64(r);
	v->contractive_weight = ae_read_f64(r);
	if (version == 2)
	{
		v->beta = ae_read_f64(r);
		v->loss = (int) ae_read_u32(r);
	}
	if (r->failed)
		return ae_fail(err, AE_ECORRUPT, "model variant section is truncated");
	if ((version == 2) != (v->variant == AE_VARIANT_VARIATIONAL))
		return ae_fail(err, AE_ECORRUPT, "model variant section has the wrong version");
	if (ae_variant_config_validate(v, -1, &sub) != AE_OK)
		return ae_fail(err, AE_ECORRUPT, "model variant section is invalid: %s",
					   sub.msg);
	return AE_OK;
}
