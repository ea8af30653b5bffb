/*-------------------------------------------------------------------------
 *
 * ae_noise.c
 *	  Input corruption for the denoising autoencoder (Vincent, Larochelle,
 *	  Bengio and Manzagol 2008, "Extracting and composing robust features
 *	  with denoising autoencoders").
 *
 * The trainer corrupts each training mini-batch just before the forward
 * pass and asks the network to reconstruct the clean rows.  Masking noise
 * zeroes each input independently with probability rate (in the scaled
 * space, so a zeroed standardised feature is set to its mean): dropout on
 * the input layer without rescaling, as in the paper.  Gaussian noise adds
 * N(0, stddev^2) to each scaled input.  The generator is the trainer's own
 * noise stream, seeded from the seed option and never re-seeded, so every
 * epoch sees fresh noise and a run is reproducible.  Scoring never calls
 * this: encode, decode and reconstruct use the clean path.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"

#include <string.h>

/* out = corrupted copy of x (count values); a plain copy without noise. */
void
ae_noise_apply(const AeVariantConfig *v, AeRng *rng, const ae_real *x,
			   ae_real *out, size_t count)
{
	switch (v ? v->noise : AE_NOISE_NONE)
	{
		case AE_NOISE_MASKING:
			{
				/* compare 53-bit uniforms with the rate, one per value */
				double		rate = v->noise_rate;

				for (size_t i = 0; i < count; i++)
					out[i] = ae_rng_uniform(rng) < rate ? 0 : x[i];
				break;
			}
		case AE_NOISE_GAUSSIAN:
			{
				double		sd = v->noise_stddev;

				for (size_t i = 0; i < count; i++)
					out[i] = x[i] + (ae_real) (sd * ae_rng_normal(rng));
				break;
			}
		case AE_NOISE_NONE:
		default:
			if (out != x)
				memcpy(out, x, count * sizeof(ae_real));
			break;
	}
}
