using OnnxDiffusion.Data;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Makes synthetic images in batches: generation from noise (strength 1) or reconstruction of real images
/// (noise to the start step of strength s, then denoise with the image's own label, when the model takes labels). Hands each finished
/// image to a sink; knows nothing about files.
/// </summary>
public sealed class Synthesizer
{
    private readonly DiffusionLoop _loop;
    private readonly int _sampleSize;
    private readonly ConditioningSpec _conditioning;
    private readonly PixelRange _range;

    /// <summary>
    /// Wraps a diffusion loop (whose capacity is the batch size) for a model conditioned as <paramref name="conditioning"/>
    /// says, whose pixels live in <paramref name="range"/> (default [-1, 1]).
    /// </summary>
    public Synthesizer(DiffusionLoop loop, IDenoiser denoiser, ConditioningSpec conditioning, PixelRange? range = null)
    {
        _loop = loop;
        _sampleSize = denoiser.SampleSize;
        _conditioning = conditioning;
        _range = range ?? PixelRange.MinusOneToOne;
    }

    /// <summary>
    /// Runs all <paramref name="items"/> over the sampler's schedule <paramref name="timesteps"/>. With
    /// <paramref name="strength"/> = 1 every image starts from pure noise; below 1, from its source image in
    /// <paramref name="sources"/>, forward-noised to the first of the last ⌊N·s⌋ steps. <paramref name="sink"/> receives each image as C·H·W floats in the model's pixel range;
    /// <paramref name="batchDone"/> is called after each batch's images were handed over, with the running count;
    /// <paramref name="stepProgress"/>, when given, after each model call of the current batch (on the calling thread).
    /// </summary>
    public void Run(IReadOnlyList<SynthesisItem> items, SamplingSchedule timesteps, double strength, LabeledImages? sources,
        ulong seed, double eta, Action<SynthesisItem, ReadOnlySpan<float>> sink,
        Action<int>? batchDone = null, CancellationToken cancellationToken = default,
        IProgress<DiffusionProgress>? stepProgress = null)
    {
        var run = timesteps.Tail(strength);
        bool fromNoise = strength >= 1.0;
        if (!fromNoise && sources is null)
            throw new ArgumentException("reconstruction (strength < 1) needs the source images", nameof(sources));
        int cap = _loop.Capacity;
        var x = new float[cap * _sampleSize];
        var ids = new long[cap];
        var labels = new long[cap];
        int done = 0;
        for (int start = 0; start < items.Count; start += cap)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int b = Math.Min(cap, items.Count - start);
            for (int i = 0; i < b; i++)
            {
                var it = items[start + i];
                ids[i] = it.Id;
                labels[i] = it.Label;
                if (!fromNoise)
                    sources!.CopyAsModelInput(it.SourceIndex, x.AsSpan(i * _sampleSize, _sampleSize), _range);
            }
            // An unconditional model ignores the labels: each item keeps its label only as the class it is filed under.
            var job = new DiffusionJob(run, ids.AsMemory(0, b), _conditioning.ForLabels(labels.AsMemory(0, b)),
                seed, eta, fromNoise ? StartFrom.Noise : StartFrom.Image);
            var span = x.AsSpan(0, b * _sampleSize);
            _loop.Run(job, span, stepProgress, cancellationToken);
            for (int i = 0; i < b; i++)
                sink(items[start + i], span.Slice(i * _sampleSize, _sampleSize));
            done += b;
            batchDone?.Invoke(done);
        }
    }
}
