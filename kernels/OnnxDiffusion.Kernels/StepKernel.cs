using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// The fused sampler update, one pass over a batch, in place on x (see <see cref="StepCoefficients"/> for the formula).
/// Each state buffer is optional (an empty view is neither read nor written): a single-step sampler passes none, a
/// second-order multistep one the previous x̂0 only, a predictor–corrector one all three.
/// </summary>
public static class StepKernel
{
    /// <summary>Kernel body: thread <paramref name="thread"/> updates its slice of x and of the state buffers.</summary>
    public static void Run(Index1D thread, ArrayView<float> x, ArrayView<float> modelOut, ArrayView<float> prevX0,
        ArrayView<float> olderX0, ArrayView<float> lastX, ArrayView<long> sampleIds, StepCoefficients c, NoiseKey key, ChunkPlan plan)
    {
        int end = plan.End(thread.X);
        for (int i = plan.Start(thread.X); i < end; i++)
        {
            float xt = x[i];
            float o = modelOut[i];
            float x0 = c.PredX * xt + c.PredOut * o;
            if (c.ClipRange > 0f)
                x0 = x0 > c.ClipRange ? c.ClipRange : (x0 < -c.ClipRange ? -c.ClipRange : x0);
            float xc = xt;
            if (c.Corrector != 0)
            {
                xc = c.CorrectorX0 * x0;
                if (c.CorrectorLast != 0f)
                    xc += c.CorrectorLast * lastX[i];
                if (c.CorrectorPrevX0 != 0f)
                    xc += c.CorrectorPrevX0 * prevX0[i];
                if (c.CorrectorOlderX0 != 0f)
                    xc += c.CorrectorOlderX0 * olderX0[i];
            }
            float next = c.X0 * x0 + c.X * xc + c.Out * o;
            if (prevX0.Length > 0)
            {
                float h1 = prevX0[i];
                if (c.PrevX0 != 0f)
                    next += c.PrevX0 * h1;
                if (olderX0.Length > 0)
                    olderX0[i] = h1;
                prevX0[i] = x0;
            }
            if (lastX.Length > 0)
                lastX[i] = xc;
            if (c.Sigma != 0f)
            {
                int b = i / plan.SampleSize;
                uint e = (uint)(i - b * plan.SampleSize);
                next += c.Sigma * Philox.Normal(key.Seed, (ulong)sampleIds[b], key.Stream, e);
            }
            x[i] = next;
        }
    }
}
