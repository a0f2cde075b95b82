using OnnxDiffusion.Data;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Makes synthetic images in batches: generation from noise (strength 1) or reconstruction of real images
/// (noise to the start step of strength s, then denoise with the image's own label). Hands each finished
/// image to a sink; knows nothing about files.
/// </summary>
public sealed class Synthesizer
{
    private readonly DiffusionLoop _loop;
    private readonly int _sampleSize;
    private readonly bool _conditional;

    /// <summary>Wraps a diffusion loop (whose capacity is the batch size).</summary>
    public Synthesizer(DiffusionLoop loop, IDenoiser denoiser, bool conditional)
    {
        _loop = loop;
        _sampleSize = denoiser.SampleSize;
        _conditional = conditional;
    }

    /// <summary>
    /// Runs all <paramref name="items"/> over the sampler's schedule <paramref name="timesteps"/>. With
    /// <paramref name="strength"/> = 1 every image starts from pure noise; below 1, from its source image in
    /// <paramref name="sources"/>, forward-noised to the first of the last ⌊N·s⌋ steps. <paramref name="sink"/> receives each image as C·H·W floats in [-1, 1];
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
                    sources!.CopyAsModelInput(it.SourceIndex, x.AsSpan(i * _sampleSize, _sampleSize));
            }
            var job = new DiffusionJob(run, ids.AsMemory(0, b), _conditional ? labels.AsMemory(0, b) : ReadOnlyMemory<long>.Empty,
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
