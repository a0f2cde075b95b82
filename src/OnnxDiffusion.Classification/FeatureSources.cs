using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.ML;
using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Classification;

/// <summary>How a classifier kind turns an image set into feature vectors.</summary>
internal abstract class FeatureSource
{
    /// <summary>Features per image for sets shaped like <paramref name="reference"/>.</summary>
    public abstract int Length(ImageSet reference);

    /// <summary>Every image's features, in label order.</summary>
    public abstract IEnumerable<FeatureRow> Read(ImageSet set, MLContext ml, PixelScaling scaling);
}

/// <summary>The scaled pixels themselves.</summary>
internal sealed class PixelFeatures : FeatureSource
{
    public static PixelFeatures Instance { get; } = new();

    public override int Length(ImageSet reference) => reference.Channels * reference.Height * reference.Width;

    public override IEnumerable<FeatureRow> Read(ImageSet set, MLContext ml, PixelScaling scaling) => set.ReadFeatures(ml, scaling);
}

/// <summary>
/// A frozen network's features (the same <see cref="IFeatureExtractor"/> the metrics use). Featurizing is the
/// expensive part, so each set's features are computed once per content — the real test set once per run, not once per
/// classifier — and kept for the process; two classifiers asking for the same set at once wait for one computation, and
/// one set is featurized at a time (the extractor itself runs one image per core).
/// </summary>
internal sealed class PretrainedFeatures(Func<IFeatureExtractor> open) : FeatureSource
{
    private readonly Lazy<IFeatureExtractor> _extractor = new(open, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly ConcurrentDictionary<string, Lazy<float[]>> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The frozen ImageNet ResNet18 of ML.NET's DnnImageFeaturizer package.</summary>
    public static PretrainedFeatures ResNet18 { get; } = new(() => new ResNet18FeatureExtractor());

    private readonly ConcurrentDictionary<string, int> _computed = new(StringComparer.Ordinal);

    /// <summary>
    /// How often the features of <paramref name="set"/>'s content were computed (cache misses for it), for tests and
    /// diagnostics: 1 once it was featurized, whatever else ran in the process meanwhile.
    /// </summary>
    public int TimesComputed(ImageSet set) => _computed.GetValueOrDefault(Key(set.Decode()));

    public override int Length(ImageSet reference) => _extractor.Value.FeatureDim;

    public override IEnumerable<FeatureRow> Read(ImageSet set, MLContext ml, PixelScaling scaling)
    {
        if (set.Count == 0)
            yield break;
        var features = Of(set);
        int d = _extractor.Value.FeatureDim;
        for (int i = 0; i < set.Count; i++)
            yield return new FeatureRow { Features = features.AsSpan(i * d, d).ToArray(), Label = (uint)set.Labels[i] };
    }

    /// <summary>The set's features [N·D], from the cache when this content was featurized before.</summary>
    public float[] Of(ImageSet set)
    {
        var images = set.Decode();
        string key = Key(images);
        return _cache.GetOrAdd(key, _ => new Lazy<float[]>(() =>
        {
            lock (_gate)
            {
                _computed.AddOrUpdate(key, 1, (_, n) => n + 1);
                return _extractor.Value.Run(images).Features;
            }
        }, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    // Content, not names: the same pixels under another name are the same features.
    private static string Key(LabeledImages images)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> shape = stackalloc byte[12];
        BitConverter.TryWriteBytes(shape, images.Channels);
        BitConverter.TryWriteBytes(shape[4..], images.Height);
        BitConverter.TryWriteBytes(shape[8..], images.Width);
        h.AppendData(shape);
        h.AppendData(images.Pixels);
        return Convert.ToHexString(h.GetHashAndReset());
    }
}
