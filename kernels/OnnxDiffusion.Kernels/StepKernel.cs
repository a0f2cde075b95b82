using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// The fused sampler update, one pass over a batch, in place on x: every DDPM / DDIM / DPM-Solver++(2M) update is affine
/// in (x_t, model output, previous x̂0). With a history buffer the step reads the previous x̂0 from it and leaves this
/// step's x̂0 there for the next step.
/// </summary>
public static class StepKernel
{
    /// <summary>Kernel body: thread <paramref name="thread"/> updates its slice of x.</summary>
    public static void Run(Index1D thread, ArrayView<float> x, ArrayView<float> modelOut, ArrayView<float> x0History,
        ArrayView<long> sampleIds, StepCoefficients c, NoiseKey key, ChunkPlan plan)
    {
        int end = plan.End(thread.X);
        for (int i = plan.Start(thread.X); i < end; i++)
        {
            float xt = x[i];
            float o = modelOut[i];
            float x0 = c.PredX * xt + c.PredOut * o;
            if (c.ClipRange > 0f)
                x0 = x0 > c.ClipRange ? c.ClipRange : (x0 < -c.ClipRange ? -c.ClipRange : x0);
            float next = c.X0 * x0 + c.X * xt + c.Out * o;
            if (x0History.Length > 0)
            {
                if (c.PrevX0 != 0f)
                    next += c.PrevX0 * x0History[i];
                x0History[i] = x0;
            }
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
