using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Makes synthetic images in batches: generation from noise (strength 1) or reconstruction of real images
/// (noise to the start step of strength s, then denoise with the image's own label, when the model takes labels). Hands each finished
/// image to a sink; knows nothing about files. Latent models go through their codec: a source is encoded before it is
/// noised and every finished sample decoded, so strength 0 gives decode(encode(x)), the VAE's round trip.
/// </summary>
public sealed class Synthesizer
{
    private readonly DiffusionLoop _loop;
    private readonly IImageCodec _codec;
    private readonly int _sampleSize, _pixels;
    private readonly IConditioner _conditioning;
    private readonly PixelRange _range;

    /// <summary>
    /// Wraps a diffusion loop (whose capacity is the batch size) for a pixel model conditioned as <paramref name="conditioning"/>
    /// says, whose pixels live in <paramref name="range"/> (default [-1, 1]).
    /// </summary>
    public Synthesizer(DiffusionLoop loop, IDenoiser denoiser, IConditioner conditioning, PixelRange? range = null)
        : this(loop, new PixelCodec(denoiser.SampleSize), conditioning, range)
    {
    }

    /// <summary>Wraps a diffusion loop whose samples <paramref name="codec"/> turns into images and back.</summary>
    public Synthesizer(DiffusionLoop loop, IImageCodec codec, IConditioner conditioning, PixelRange? range = null)
    {
        _loop = loop;
        _codec = codec;
        _sampleSize = codec.SampleSize;
        _pixels = codec.PixelCount;
        _conditioning = conditioning;
        _range = range ?? PixelRange.MinusOneToOne;
    }

    /// <summary>The same loop and codec under another conditioner (e.g. the prompts of a data set's classes).</summary>
    public Synthesizer With(IConditioner conditioning) => new(_loop, _codec, conditioning, _range);

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
        if (!fromNoise && !_codec.CanEncode)
            throw new OnnxDiffusionException("reconstruction needs to encode real images, and this latent pipeline has no vae_encoder (generation still works)");
        int cap = _loop.Capacity;
        var x = new float[cap * _sampleSize];
        var pixels = new float[cap * _pixels];
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
                    sources!.CopyAsModelInput(it.SourceIndex, pixels.AsSpan(i * _pixels, _pixels), _range);
            }
            if (!fromNoise)
                _codec.Encode(pixels, b, x);
            // An unconditional model ignores the labels: each item keeps its label only as the class it is filed under.
            var job = new DiffusionJob(run, ids.AsMemory(0, b), _conditioning.ForLabels(labels.AsMemory(0, b)),
                seed, eta, fromNoise ? StartFrom.Noise : StartFrom.Image);
            var span = x.AsSpan(0, b * _sampleSize);
            _loop.Run(job, span, stepProgress, cancellationToken);
            _codec.Decode(span, b, pixels);
            for (int i = 0; i < b; i++)
                sink(items[start + i], pixels.AsSpan(i * _pixels, _pixels));
            done += b;
            batchDone?.Invoke(done);
        }
    }
}
