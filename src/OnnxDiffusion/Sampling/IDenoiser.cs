namespace OnnxDiffusion.Sampling;

/// <summary>
/// The network seen by the diffusion loop: fills the model output (ε, v or x0, per the scheduler config)
/// for a whole batch. Implementations own guidance: a guided denoiser runs the conditional and the
/// unconditional halves itself and returns the combined prediction.
/// </summary>
public interface IDenoiser
{
    /// <summary>Elements per sample (C·H·W).</summary>
    int SampleSize { get; }

    /// <summary>
    /// Predicts for <c>timesteps.Length</c> samples laid out contiguously in <paramref name="sample"/>.
    /// <paramref name="condition"/> is <see cref="Conditioning.None"/> for unconditional models.
    /// </summary>
    void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output);
}
