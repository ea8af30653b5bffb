/*-------------------------------------------------------------------------
 *
 * ae_kernels_impl.h
 *	  Body of the elementwise kernels, included once per SIMD level by
 *	  ae_kernels.c (not a public header).
 *
 * The includer defines AE_K(name) (the level's function name), AE_KTARGET
 * (its target attribute, or nothing), AE_KBYTES (vector width in bytes)
 * and AE_KSQRT(v) (lane-wise square root of a vector).  Loops use GCC
 * vector extensions, which compile to the level's instructions whatever
 * the optimisation level; masks replace the per-element branches (relu and
 * its relatives), so no loop depends on the data for control flow.  Each
 * vector loop ends with a scalar loop doing the same operations in the
 * same order, so every element gets the same result at every level.
 *
 *-------------------------------------------------------------------------
 */

typedef ae_real AE_K(vr) __attribute__((vector_size(AE_KBYTES)));
typedef ae_sint AE_K(vi) __attribute__((vector_size(AE_KBYTES)));

#define VR AE_K(vr)
#define VI AE_K(vi)
#define VN ((size_t) (AE_KBYTES / sizeof(ae_real)))
#define LOAD(p) ({ VR v_; memcpy(&v_, (p), sizeof(v_)); v_; })
#define STORE(p, v) do { VR s_ = (v); memcpy((p), &s_, sizeof(s_)); } while (0)
/* lane-wise m ? a : b for a comparison result m */
#define SEL(m, a, b) ((VR) ((((VI) (a)) & (m)) | (((VI) (b)) & ~(m))))

/* Apply an activation elementwise, in place. */
static AE_KTARGET void
AE_K(act_forward) (AeActivation act, ae_real *z, size_t count)
{
	const VR	zero = {0};
	const VR	slope = zero + (ae_real) AE_LEAKY_SLOPE;
	size_t		i = 0;

	switch (act)
	{
		case AE_ACT_LINEAR:
			break;
		case AE_ACT_RELU:
			for (; i + VN <= count; i += VN)
			{
				VR			v = LOAD(z + i);

				STORE(z + i, SEL(v > zero, v, zero));
			}
			for (; i < count; i++)
				z[i] = z[i] > 0 ? z[i] : 0;
			break;
		case AE_ACT_LEAKY_RELU:
			for (; i + VN <= count; i += VN)
			{
				VR			v = LOAD(z + i);

				STORE(z + i, SEL(v > zero, v, slope * v));
			}
			for (; i < count; i++)
				z[i] = z[i] > 0 ? z[i] : (ae_real) AE_LEAKY_SLOPE * z[i];
			break;
		default:
			act_forward_libm(act, z, count);
			break;
	}
}

/* Multiply g by the activation's derivative, expressed through its output. */
static AE_KTARGET void
AE_K(act_backward) (AeActivation act, const ae_real *a, ae_real *g,
					size_t count)
{
	const VR	zero = {0};
	const VR	one = zero + 1;
	const VR	slope = zero + (ae_real) AE_LEAKY_SLOPE;
	size_t		i = 0;

	switch (act)
	{
		case AE_ACT_LINEAR:
			break;
		case AE_ACT_RELU:
			for (; i + VN <= count; i += VN)
				STORE(g + i, SEL(LOAD(a + i) > zero, LOAD(g + i), zero));
			for (; i < count; i++)
				g[i] = a[i] > 0 ? g[i] : 0;
			break;
		case AE_ACT_SIGMOID:
			for (; i + VN <= count; i += VN)
			{
				VR			v = LOAD(a + i);

				STORE(g + i, LOAD(g + i) * (v * (one - v)));
			}
			for (; i < count; i++)
				g[i] *= a[i] * (1 - a[i]);
			break;
		case AE_ACT_TANH:
			for (; i + VN <= count; i += VN)
			{
				VR			v = LOAD(a + i);

				STORE(g + i, LOAD(g + i) * (one - v * v));
			}
			for (; i < count; i++)
				g[i] *= 1 - a[i] * a[i];
			break;
		case AE_ACT_ELU:
			for (; i + VN <= count; i += VN)
			{
				VR			v = LOAD(a + i);
				VR			w = LOAD(g + i);

				STORE(g + i, SEL(v > zero, w, w * (v + one)));
			}
			for (; i < count; i++)
				g[i] = a[i] > 0 ? g[i] : g[i] * (a[i] + 1);
			break;
		case AE_ACT_LEAKY_RELU:
			for (; i + VN <= count; i += VN)
			{
				VR			w = LOAD(g + i);

				STORE(g + i, SEL(LOAD(a + i) > zero, w, slope * w));
			}
			for (; i < count; i++)
				g[i] = a[i] > 0 ? g[i] : (ae_real) AE_LEAKY_SLOPE * g[i];
			break;
	}
}

/* y[i][j] += b[j] for n rows of m columns. */
static AE_KTARGET void
AE_K(add_bias) (ae_real *y, const ae_real *b, int n, int m)
{
	for (int i = 0; i < n; i++)
	{
		ae_real    *yr = y + (size_t) i * m;
		size_t		j = 0;

		for (; j + VN <= (size_t) m; j += VN)
			STORE(yr + j, LOAD(yr + j) + LOAD(b + j));
		for (; j < (size_t) m; j++)
			yr[j] += b[j];
	}
}

/* out[j] = sum of D[i][j] over rows i in row order. */
static AE_KTARGET void
AE_K(col_sums) (const ae_real *D, int n, int m, ae_real *out)
{
	size_t		j = 0;

	for (; j + VN <= (size_t) m; j += VN)
	{
		VR			acc = {0};

		for (int i = 0; i < n; i++)
			acc += LOAD(D + (size_t) i * m + j);
		STORE(out + j, acc);
	}
	for (; j < (size_t) m; j++)
	{
		ae_real		acc = 0;

		for (int i = 0; i < n; i++)
			acc += D[(size_t) i * m + j];
		out[j] = acc;
	}
}

/* One Adam update: m1, m2 moments, step = lr / (1 - b1^t), isb2 = 1 / sqrt(1 - b2^t). */
static AE_KTARGET void
AE_K(adam) (ae_real *p, ae_real *m1, ae_real *m2, const ae_real *g, size_t n,
			ae_real b1, ae_real b2, ae_real step, ae_real isb2, ae_real eps)
{
	const VR	zero = {0};
	const VR	vb1 = zero + b1,
				vb2 = zero + b2,
				vc1 = zero + (1 - b1),
				vc2 = zero + (1 - b2),
				vstep = zero + step,
				visb2 = zero + isb2,
				veps = zero + eps;
	ae_real		c1 = 1 - b1,
				c2 = 1 - b2;
	size_t		i = 0;

	for (; i + VN <= n; i += VN)
	{
		VR			gv = LOAD(g + i);
		VR			s1 = vb1 * LOAD(m1 + i) + vc1 * gv;
		VR			s2 = vb2 * LOAD(m2 + i) + vc2 * gv * gv;

		STORE(m1 + i, s1);
		STORE(m2 + i, s2);
		STORE(p + i, LOAD(p + i) - vstep * s1 / (AE_KSQRT(s2) * visb2 + veps));
	}
	for (; i < n; i++)
	{
		ae_real		gi = g[i];

		m1[i] = b1 * m1[i] + c1 * gi;
		m2[i] = b2 * m2[i] + c2 * gi * gi;
		p[i] -= step * m1[i] / (AE_SQRT(m2[i]) * isb2 + eps);
	}
}

/* dst[j] = (raw[j] - mean[j]) / scale[j] in double, or raw[j] without mean. */
static AE_KTARGET bool
AE_K(scale_row) (const float *raw, const double *mean, const double *scale,
				 int d, ae_real *dst)
{
	typedef float f4 __attribute__((vector_size(16)));
	typedef double d4 __attribute__((vector_size(32)));
	typedef ae_real r4 __attribute__((vector_size(4 * sizeof(ae_real))));
	r4			bad = {0};		/* x - x: 0 when finite, NaN otherwise */
	ae_real		sbad = 0;
	int			j = 0;

	if (mean)
	{
		for (; j + 4 <= d; j += 4)
		{
			f4			x;
			d4			mu,
						sc;
			r4			r;

			memcpy(&x, raw + j, sizeof(x));
			memcpy(&mu, mean + j, sizeof(mu));
			memcpy(&sc, scale + j, sizeof(sc));
			r = __builtin_convertvector((__builtin_convertvector(x, d4) - mu) / sc, r4);
			memcpy(dst + j, &r, sizeof(r));
			bad += r - r;
		}
		for (; j < d; j++)
		{
			dst[j] = (ae_real) (((double) raw[j] - mean[j]) / scale[j]);
			sbad += dst[j] - dst[j];
		}
	}
	else
	{
		for (; j + 4 <= d; j += 4)
		{
			f4			x;
			r4			r;

			memcpy(&x, raw + j, sizeof(x));
			r = __builtin_convertvector(x, r4);
			memcpy(dst + j, &r, sizeof(r));
			bad += r - r;
		}
		for (; j < d; j++)
		{
			dst[j] = (ae_real) raw[j];
			sbad += dst[j] - dst[j];
		}
	}
	sbad += (bad[0] + bad[1]) + (bad[2] + bad[3]);
	return sbad == 0;
}

/* The level's table. */
static const AeKernelTable AE_K(table) = {
	AE_K(act_forward), AE_K(act_backward), AE_K(add_bias), AE_K(col_sums),
	AE_K(adam), AE_K(scale_row)
};

#undef VR
#undef VI
#undef VN
#undef LOAD
#undef STORE
#undef SEL
